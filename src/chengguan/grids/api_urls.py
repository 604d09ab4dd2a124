"""REST routes of the grids app (mounted under /api/v1/)."""

urlpatterns: list = []
