"""The "Check readability" button updates the figures in place, without leaving or saving the page."""

import pytest
from playwright.sync_api import Page, expect

from metsinfo.articles.models import Section
from tests.browser.test_editor_browser import PASSWORD, editor  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser
LONG = (
    " This single sentence goes on and on with many plain words so that it is much longer than the twenty "
    "words that the guidance allows for one sentence."
)


def test_check_shows_the_unsaved_figures_under_the_button(live_site: str, desktop: Page, editor):  # noqa: F811
    section = Section.objects.get(kind="diagnosis")
    desktop.goto(f"{live_site}/admin/login/?next=/admin/articles/section/{section.pk}/change/")
    desktop.get_by_label("Username").fill("editor")
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Log in").click()

    plain = desktop.get_by_label("In plain words")
    plain.fill(plain.input_value() + LONG)
    address = desktop.url
    desktop.get_by_role("button", name="Check readability (saves nothing)").click()

    result = desktop.locator("#readability-check")
    expect(result.get_by_text("Nothing was saved.")).to_be_visible()
    expect(result.get_by_text("In plain words", exact=True)).to_be_visible()
    expect(result.get_by_text("MISSED: split the long sentences").first).to_be_visible()
    assert desktop.url == address, "the page stayed, with the editor's text"
    assert desktop.context.pages == [desktop], "no new tab"
    assert LONG.strip() in plain.input_value()
    section.refresh_from_db()
    assert LONG.strip() not in section.plain
