from django.urls import path

from chengguan.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("login/otp/", views.login_otp, name="login-otp"),
    path("logout/", views.logout_view, name="logout"),
    path("nav/badges/", views.nav_badges, name="nav-badges"),
    path("grids/map/", views.grid_map, name="grid-map"),
    path("grids/map/outlines.geojson", views.grid_outlines, name="grid-outlines"),
    path("org/", views.organisation, name="organisation"),
    path("org/<int:pk>/staff/", views.organisation_staff, name="organisation-staff"),
    path("categories/", views.categories, name="categories"),
    path("routing/", views.routing_rules, name="routing"),
    path("figures/bureaus/", views.bureau_comparison_page, name="bureau-comparison"),
]
