"""行政执法公示: the public list and detail of published penalty decisions (no login).

Only the snapshot taken at publication is read, never the case itself, so nothing the public page
shows can carry more personal data than `disclosure.py` let through (行政处罚法 第四十八条).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from chengguan.enforcement import disclosure
from chengguan.enforcement.models import PenaltyDisclosure

PAGE_SIZE = 20


def publicity_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(disclosure.public_disclosures(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enforcement/publicity_list.html", {"page": page})


def publicity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PenaltyDisclosure, pk=pk)
    return render(request, "enforcement/publicity_detail.html", {"item": item})
