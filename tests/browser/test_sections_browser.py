"""What a reader sees of a featured article and a section of an article's own (issue 14, usability 3.6).

Home shows the featured article first, marked "Start here"; a "Living well" section added by an
editor is a page like the others, in the contents at its place. Both pass axe, light and dark.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from metsinfo.articles.models import Article, Section
from tests.browser.conftest import PHONE, screenshot
from tests.browser.test_accessibility import context_page, violations

ARTICLE = "/articles/breast-cancer-bone-metastasis/"


@pytest.fixture
def with_featured_and_living_well(live_site: str) -> str:
    Article.objects.create(
        slug="living-with-it",
        title="Living with it day to day",
        summary="A lead.",
        description="Small things that help from day to day.",
        status="published",
        featured=True,
    )
    Section.objects.create(
        article=Article.objects.get(slug="breast-cancer-bone-metastasis"),
        kind="other",
        slug="living-well",
        order=25,
        title="Living well",
        key_points="Gentle walks can help.",
        plain="Keep moving as you can.",
        body="Gentle exercise such as walking, with your team's advice.",
    )
    return live_site


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_featured_article_and_own_section_as_a_reader_sees_them(
    with_featured_and_living_well: str, browser: Browser, scheme: str
):
    page = context_page(browser, PHONE, scheme)
    page.goto(with_featured_and_living_well + "/")
    first = page.locator(".article-list li").first
    assert first.locator(".featured-label").inner_text() == "Start here"
    assert first.get_by_role("link").inner_text() == "Living with it day to day"
    assert first.locator(".featured-label").is_visible()
    screenshot(page, f"home-featured-phone-{scheme}")
    assert violations(page) == []

    page.goto(with_featured_and_living_well + ARTICLE)
    contents = page.locator(".contents li a").all_inner_texts()
    assert contents.index("Living well") == 2
    page.get_by_role("link", name="Open “Living well” on its own page").click()
    page.wait_for_url(f"**{ARTICLE}living-well/")
    assert page.get_by_role("heading", level=1).inner_text() == "Living well"
    screenshot(page, f"section-living-well-phone-{scheme}")
    assert violations(page) == []
    page.context.close()
