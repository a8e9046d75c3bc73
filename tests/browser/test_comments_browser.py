"""A reader comments on a phone, with JavaScript or without; a moderator approves it; it appears.

The article page is the same for every reader, so the form on it has no CSRF token or timestamp
of its own: its script fetches them from /comments/token/ when the reader starts to write, and
without JavaScript the reader follows "Write a comment" to the form on a page of its own.
"""

from importlib import import_module

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, screenshot, staff_in_group
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser
PASSWORD = "a long moderator password"
MODERATOR_PERMISSIONS = import_module("metsinfo.comments.migrations.0002_moderators_group").MODERATOR_PERMISSIONS
COMMENT = "The diagram idea is a good one. My sister found the key points very clear."
THANK_YOU = "Your comment will appear after a moderator has checked it."


@pytest.fixture(autouse=True)
def _robot_speed(settings) -> None:
    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0  # the robot types faster than any reader


def is_token_request(request) -> bool:
    return request.url.endswith("/comments/token/")


def fill_in_the_form(page: Page, body: str = COMMENT) -> None:
    page.get_by_label("Your name (optional)").fill("Priya")
    page.get_by_label("Family member or carer").check()
    page.get_by_label("Your comment").fill(body)
    page.get_by_label("I have read the privacy notice").check()


def expect_the_thanks(page: Page, article: str) -> None:
    expect(page).to_have_url(f"{article}#comments")
    thanks = page.get_by_role("status").filter(has_text="Thank you")
    expect(thanks).to_contain_text(THANK_YOU)
    # Where the reader lands (#comments), not at the top of a long page.
    expect(thanks).to_be_in_viewport()


@pytest.fixture
def moderator(live_site) -> User:
    return staff_in_group("moderator", PASSWORD, "Moderators", "comments", MODERATOR_PERMISSIONS)


def test_with_javascript_the_form_fetches_its_token_when_the_reader_starts_to_write(live_site: str, phone: Page):
    article = f"{live_site}/articles/{ARTICLE_SLUG}/"
    phone.goto(f"{article}#comment-form")
    expect(phone.get_by_role("link", name="Write a comment")).to_be_hidden()
    token = phone.locator('#comment-form input[name="csrfmiddlewaretoken"]')
    expect(token).to_have_value("")
    with phone.expect_request(is_token_request):
        phone.get_by_label("Your name (optional)").click()
    expect(token).not_to_have_value("")
    expect(phone.locator('#comment-form input[name="timestamp"]')).not_to_have_value("")
    fill_in_the_form(phone)
    phone.get_by_role("button", name="Send comment").click()
    expect_the_thanks(phone, article)


def test_when_the_token_cannot_be_fetched_the_reader_is_told_and_keeps_the_text(live_site: str, phone: Page):
    article = f"{live_site}/articles/{ARTICLE_SLUG}/"
    phone.route("**/comments/token/", lambda route: route.abort("internetdisconnected"))
    phone.goto(f"{article}#comment-form")
    fill_in_the_form(phone)
    phone.get_by_role("button", name="Send comment").click()
    expect(phone.locator(".comment-form-status")).to_contain_text("Your comment has not been sent yet")
    expect(phone.locator(".comment-form-status")).to_have_attribute("role", "status")
    expect(phone).to_have_url(f"{article}#comment-form")
    expect(phone.get_by_label("Your comment")).to_have_value(COMMENT)

    phone.unroute("**/comments/token/")  # back online: the same press sends it
    phone.get_by_role("button", name="Send comment").click()
    expect_the_thanks(phone, article)


def test_without_javascript_the_reader_follows_write_a_comment(live_site: str, browser: Browser):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    article = f"{live_site}/articles/{ARTICLE_SLUG}/"
    page.goto(f"{article}#comment-form")
    expect(page.get_by_role("button", name="Send comment")).to_be_hidden()
    page.get_by_role("link", name="Write a comment").click()
    expect(page).to_have_url(f"{article}comments/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a comment")
    fill_in_the_form(page)
    page.get_by_role("button", name="Send comment").click()
    expect_the_thanks(page, article)
    context.close()


def test_reader_comment_is_moderated_then_published(live_site: str, phone: Page, desktop: Page, moderator):
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

    fill_in_the_form(phone)
    phone.get_by_role("button", name="Send comment").click()
    expect_the_thanks(phone, article)
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
