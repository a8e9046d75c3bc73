"""The way back from a lockout, in Chromium: the lockout page, the reset pages; axe and CSP clean."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from playwright.sync_api import Browser

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_accessibility import context_page, violations

pytestmark = pytest.mark.browser
ADMIN = f"/{settings.ADMIN_PATH}"
PASSWORD = "the editor's real password"


def test_a_locked_out_editor_follows_the_link_and_sets_a_new_password(live_site: str, browser: Browser):
    User.objects.create_user("editor", email="editor@example.org", password=PASSWORD, is_staff=True)
    problems: dict[str, list[str]] = {}
    for width, options in (("phone", PHONE), ("desktop", DESKTOP)):
        mail.outbox.clear()
        page = context_page(browser, options, "dark" if width == "phone" else "light")
        refused: list[str] = []
        page.on("console", lambda m, refused=refused: refused.append(m.text) if "Content Security" in m.text else None)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            page.goto(f"{live_site}{ADMIN}login/")
            page.get_by_label("Username").fill("editor")
            page.get_by_label("Password").fill("wrong password")
            page.get_by_role("button", name="Log in").click()
        assert page.get_by_role("heading", name="Sign-in is locked for now").is_visible()
        problems[f"locked-{width}"] = violations(page)

        page.get_by_role("link", name="Set a new password by email").click()
        problems[f"reset-form-{width}"] = violations(page)
        page.get_by_label("Email address").fill("editor@example.org")
        page.get_by_role("button", name="Reset my password").click()
        problems[f"reset-done-{width}"] = violations(page)

        link = re.search(r"https?://\S+/reset/\S+/", mail.outbox[0].body).group()
        page.goto(live_site + link.removeprefix(settings.SITE_URL))
        problems[f"set-password-{width}"] = violations(page)
        new_password = f"a brand new passphrase for the {width}"
        page.locator("#id_new_password1").fill(new_password)
        page.locator("#id_new_password2").fill(new_password)
        page.get_by_role("button", name="Change my password").click()
        problems[f"complete-{width}"] = violations(page)

        page.goto(f"{live_site}{ADMIN}login/")
        page.get_by_label("Username").fill("editor")
        page.get_by_label("Password").fill(new_password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_site}{ADMIN}")
        assert refused == []
        page.context.close()
    assert {name: found for name, found in problems.items() if found} == {}
