"""The portal's news of special actions (no login): each published closing summary, with the
figures counted from its cases and every personal number or name in the text masked."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from chengguan.campaigns import selectors

PAGE_SIZE = 20


def news_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.published_summaries(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/news_list.html", {"page": page})


def news_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(selectors.published_summaries(), pk=pk)
    return render(
        request,
        "campaigns/news_detail.html",
        {
            "c": campaign,
            "summary": selectors.public_summary_text(campaign),
            "figures": selectors.campaign_figures(campaign).total,
        },
    )
