"""A moderator sees why a comment was held without scrolling sideways, at 1280 px and on a phone."""

from importlib import import_module

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from metsinfo.articles.models import Article
from metsinfo.comments.models import Comment
from tests.browser.conftest import screenshot, staff_in_group

pytestmark = pytest.mark.browser
PASSWORD = "a long moderator password"
MODERATOR_PERMISSIONS = import_module("metsinfo.comments.migrations.0002_moderators_group").MODERATOR_PERMISSIONS
SPAM = "Buy cheap zoledronic acid online, the best prices, visit our shop today for big savings."


@pytest.fixture
def moderator(live_site) -> User:
    article = Article.objects.get()
    Comment.objects.create(article=article, body=SPAM, held_reason="links")
    Comment.objects.create(article=article, body="My nurse said the same thing about calcium. Thank you.")
    return staff_in_group("moderator", PASSWORD, "Moderators", "comments", MODERATOR_PERMISSIONS)


def in_view(page: Page, selector: str) -> bool:
    """Whether the element lies inside the viewport and inside the results' scroll box, unscrolled."""
    return page.eval_on_selector(
        selector,
        """e => {
            const r = e.getBoundingClientRect();
            const box = e.closest(".results").getBoundingClientRect();
            return r.left >= Math.max(0, box.left) && r.right <= Math.min(innerWidth, box.right);
        }""",
    )


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_held_reason_and_status_are_in_view_beside_the_comment(live_site: str, moderator, device, request):
    page: Page = request.getfixturevalue(device)
    page.goto(f"{live_site}/admin/")
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_site}/admin/comments/comment/")
    reason = page.locator(".field-comment .held-reason", has_text="Too many links")
    expect(reason).to_be_visible()
    assert in_view(page, ".field-comment .held-reason"), "the reason needs no sideways scroll"
    if device == "desktop":
        for column in ("state", "received", "article_title"):
            assert in_view(page, f"td.field-{column}"), f"{column} is in view at 1280 px"
        assert page.eval_on_selector(".results", "e => e.scrollWidth <= e.clientWidth"), "no sideways scroll"
    screenshot(page, f"moderation-queue-{device}")

    # Ticking the held comment and approving asks first, showing the reason and the text.
    page.locator("tr", has_text=SPAM).locator("input.action-select").check()
    page.locator("select[name=action]").select_option("approve")
    page.get_by_role("button", name="Run").click()
    expect(page.get_by_text("Held: Too many links")).to_be_visible()
    page.get_by_role("link", name="No, go back to the queue").click()
    assert Comment.objects.get(body=SPAM).status == "pending"
