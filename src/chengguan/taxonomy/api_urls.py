"""REST routes of the taxonomy app (mounted under /api/v1/)."""

urlpatterns: list = []
