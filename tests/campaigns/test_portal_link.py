"""The portal's home links to the news page of special actions, in Chinese and in English."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse


def test_the_portal_home_links_to_the_news_page(district):
    zh = Client().get("/").content.decode()
    assert 'href="/news/" data-testid="link-news"' in zh and "专项行动动态" in zh
    english = Client()
    english.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = english.get("/").content.decode()
    assert 'href="/news/" data-testid="link-news"' in en and "Special action news" in en
    assert english.get("/news/").status_code == 200
