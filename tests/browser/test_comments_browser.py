"""A reader comments on a phone; a moderator approves it; it appears on the article."""

from importlib import import_module

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, staff_in_group
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser
PASSWORD = "a long moderator password"
MODERATOR_PERMISSIONS = import_module("metsinfo.comments.migrations.0002_moderators_group").MODERATOR_PERMISSIONS
COMMENT = "The diagram idea is a good one. My sister found the key points very clear."


@pytest.fixture
def moderator(live_site) -> User:
    return staff_in_group("moderator", PASSWORD, "Moderators", "comments", MODERATOR_PERMISSIONS)


def test_reader_comment_is_moderated_then_published(live_site: str, phone: Page, desktop: Page, moderator, settings):
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0  # the robot types faster than any reader
    article = f"{live_site}/articles/{ARTICLE_SLUG}/"
    phone.goto(f"{article}#comment-form")

    phone.get_by_role("button", name="Send comment").click()
    expect(phone.get_by_role("alert")).to_contain_text("There is a problem")
    # The reader lands on the list of problems, focused (so a screen reader reads it), at once.
    expect(phone.locator(".error-summary")).to_be_focused()
    assert phone.evaluate("document.querySelector('.error-summary').getBoundingClientRect().top") >= 0
    assert (
        phone.evaluate("document.querySelector('.error-summary').getBoundingClientRect().bottom")
        <= phone.viewport_size["height"]
    )
    expect(phone.get_by_role("link", name="Write your comment before sending it.")).to_be_visible()
    screenshot(phone, "comment-form-errors-phone")

    phone.get_by_label("Your name (optional)").fill("Priya")
    phone.get_by_label("Family member or carer").check()
    phone.get_by_label("Your comment").fill(COMMENT)
    phone.get_by_label("I have read the privacy notice").check()
    phone.get_by_role("button", name="Send comment").click()

    expect(phone).to_have_url(f"{article}#comments")
    expect(phone.get_by_role("status").filter(has_text="Thank you")).to_contain_text(
        "Your comment will appear after a moderator has checked it."
    )
    # Where the reader lands (#comments), not at the top of a long page.
    expect(phone.get_by_role("status").filter(has_text="Thank you")).to_be_in_viewport()
    expect(phone.locator("#comments").get_by_text(COMMENT)).to_have_count(0)

    desktop.goto(f"{live_site}/admin/")
    desktop.get_by_label("Username").fill("moderator")
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Log in").click()
    desktop.get_by_role("link", name="1 comment awaiting review").click()
    row = desktop.get_by_role("row").filter(has_text=COMMENT[:40])
    row.get_by_role("checkbox").check()
    desktop.get_by_label("Action:").select_option(label="Approve selected comments (publish them)")
    desktop.get_by_role("button", name="Run").click()
    expect(desktop.get_by_text("1 comment was approved.")).to_be_visible()

    phone.goto(article)
    comment = phone.locator("#comments li").filter(has_text=COMMENT)
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("Priya, family member or carer")
