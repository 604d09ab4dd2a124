"""The API's one page-number pagination (settings' REST_FRAMEWORK).

DRF's answers `?page=true` and `?page=-1` with 404, as if the list were missing. Here a page number
is a whole number from 1 (field-level 400, `filter.bad_page`, otherwise), empty means the first page,
and only a page past the last is 404 (`not_found`), as DRF has it. `core.schema` documents both on
every paginated list.
"""

from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from chengguan.core.errors import FilterError, ValidationFailed
from chengguan.core.filters import MAX_ID


class Pagination(PageNumberPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        number = self._page_number(request, paginator.num_pages)
        if number > paginator.num_pages:
            raise NotFound()
        self.page = paginator.page(number)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def _page_number(self, request, last: int) -> int:
        raw = request.query_params.get(self.page_query_param, "")
        if raw == "":
            return 1
        if raw in self.last_page_strings:
            return last
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if not 1 <= number <= MAX_ID:
            message = str(FilterError.BAD_PAGE.label)
            raise ValidationFailed(
                message, code=FilterError.BAD_PAGE, fields={self.page_query_param: [message]}
            )
        return number
