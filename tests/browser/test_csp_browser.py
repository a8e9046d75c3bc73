"""In real Chromium, the strict Content-Security-Policy blocks nothing the site itself needs."""

import pytest
from playwright.sync_api import Page

from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser


def violations(page: Page, url: str) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text) if message.type == "error" else None)
    page.goto(url, wait_until="networkidle")
    return [m for m in messages if "Content Security Policy" in m or "Refused" in m]


def test_reader_pages_break_no_policy(live_site: str, desktop: Page):
    for path in ["/", f"/articles/{ARTICLE_SLUG}/", f"/articles/{ARTICLE_SLUG}/symptoms/", "/glossary/", "/privacy/"]:
        assert violations(desktop, live_site + path) == [], path


def test_admin_pages_break_no_policy(live_site: str, desktop: Page, admin_user):
    desktop.goto(f"{live_site}/admin/login/")
    desktop.get_by_label("Username").fill("admin")
    desktop.get_by_label("Password").fill("password")
    desktop.get_by_role("button", name="Log in").click()
    from metsinfo.articles.models import Article, Section

    article = Article.objects.get(slug=ARTICLE_SLUG)
    section = Section.objects.get(kind="symptoms")
    for path in [
        "/admin/",
        "/admin/articles/article/",
        f"/admin/articles/article/{article.pk}/change/",
        f"/admin/articles/section/{section.pk}/change/",
        "/admin/comments/comment/",
    ]:
        assert violations(desktop, live_site + path) == [], path
