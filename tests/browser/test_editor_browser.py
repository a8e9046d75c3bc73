"""An editor logs in, edits a section, previews it, saves it and sees the change on the site."""

from importlib import import_module

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, staff_in_group
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser
PASSWORD = "a long editor password"
EDITOR_PERMISSIONS = import_module("metsinfo.articles.migrations.0007_editors_support_pages").EDITOR_PERMISSIONS


@pytest.fixture
def editor(live_site) -> User:
    return staff_in_group("editor", PASSWORD, "Editors", "articles", EDITOR_PERMISSIONS)


def test_editor_edits_previews_and_publishes_a_section(live_site: str, desktop: Page, editor: User):
    desktop.goto(f"{live_site}/admin/")
    desktop.get_by_label("Username").fill("editor")
    desktop.get_by_label("Password").fill(PASSWORD)
    desktop.get_by_role("button", name="Log in").click()
    expect(desktop.get_by_role("heading", name="Content, glossary and review")).to_be_visible()

    desktop.goto(f"{live_site}/admin/articles/section/?kind=diagnosis")
    desktop.get_by_role("link", name="Diagnosis of Bone Lesions").click()
    body = desktop.get_by_label("In detail")
    body.fill(body.input_value() + "\n\nYour team will explain each scan before you have it.")

    with desktop.context.expect_page() as preview_tab:
        desktop.get_by_role("button", name="Preview (opens in a new tab, saves nothing)").click()
    preview = preview_tab.value
    expect(preview.get_by_text("Preview: not saved.")).to_be_visible()
    expect(preview.get_by_text("Your team will explain each scan before you have it.")).to_be_visible()
    screenshot(preview, "editor-preview")
    preview.close()

    desktop.goto(f"{live_site}/articles/{ARTICLE_SLUG}/diagnosis/")
    expect(desktop.get_by_text("Your team will explain each scan")).to_have_count(0)

    desktop.go_back()
    desktop.get_by_role("button", name="Save", exact=True).click()
    expect(desktop.get_by_text("was changed successfully")).to_be_visible()

    desktop.goto(f"{live_site}/articles/{ARTICLE_SLUG}/diagnosis/")
    expect(desktop.get_by_text("Your team will explain each scan before you have it.")).to_be_visible()
    expect(desktop.get_by_text("Preview: not saved.")).to_have_count(0)
