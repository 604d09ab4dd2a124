"""REST routes of the org app (mounted under /api/v1/)."""

urlpatterns: list = []
