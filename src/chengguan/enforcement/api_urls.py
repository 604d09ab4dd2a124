"""REST routes of penalty cases (mounted under /api/v1/). Each action of states.TRANSITIONS has its own
path, so the OpenAPI document describes each one's body and roles."""

from django.urls import path

from chengguan.enforcement import api

urlpatterns = [
    path("penalty-cases/", api.PenaltyCaseListCreate.as_view(), name="api-penalty-list"),
    path("penalty-cases/simple/", api.PenaltySimpleDecide.as_view(), name="api-penalty-simple"),
    path(
        "penalty-cases/deadlines-this-week/",
        api.PenaltyDeadlinesThisWeek.as_view(),
        name="api-penalty-deadlines-week",
    ),
    path("penalty-cases/<int:pk>/", api.PenaltyCaseDetail.as_view(), name="api-penalty-detail"),
    path("penalty-cases/<int:pk>/parties/", api.PenaltyParties.as_view(), name="api-penalty-parties"),
    path("penalty-cases/<int:pk>/deadlines/", api.PenaltyDeadlines.as_view(), name="api-penalty-deadlines"),
    path("penalty-cases/<int:pk>/evidence/", api.PenaltyEvidence.as_view(), name="api-penalty-evidence"),
    path("penalty-cases/<int:pk>/reviews/", api.PenaltyReviews.as_view(), name="api-penalty-reviews"),
    path("penalty-cases/<int:pk>/documents/", api.PenaltyDocuments.as_view(), name="api-penalty-documents"),
    path(
        "penalty-cases/<int:pk>/reviews/<int:review_pk>/conclude/",
        api.PenaltyReviewConclude.as_view(),
        name="api-penalty-review-conclude",
    ),
    *[
        path(f"penalty-cases/<int:pk>/{action}/", view.as_view(), name=f"api-penalty-{action}")
        for action, view in api.ACTION_VIEWS.items()
    ],
]
