"""A locked-out (or forgetful) editor sets a new password by email, which lifts the lockout."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.test_admin_lockout import LOGIN, PASSWORD, attempt, fail

RESET = f"/{settings.ADMIN_PATH}password_reset/"
NEW_PASSWORD = "a brand new editor passphrase"
ADDRESS = "198.51.100.1"  # the editor's own connection, as in test_admin_lockout


@pytest.fixture
def editor(db):
    from django.contrib.auth.models import User

    return User.objects.create_user("editor", email="editor@example.org", password=PASSWORD, is_staff=True)


def emailed_link() -> str:
    (message,) = mail.outbox
    return re.search(r"https?://\S+/reset/\S+/", message.body).group()


def test_the_sign_in_page_offers_a_new_password(client, db):
    assert f'href="{RESET}"' in client.get(LOGIN).text


def test_a_locked_out_editor_gets_back_in_by_setting_a_new_password(editor):
    fail(settings.AXES_FAILURE_LIMIT)
    assert attempt("editor", PASSWORD).status_code == 429

    browser = Client(REMOTE_ADDR=ADDRESS)
    locked = browser.post(LOGIN, {"username": "editor", "password": PASSWORD})
    assert f'href="{RESET}"' in locked.text, "the lockout page shows the way back"
    sent = browser.post(RESET, {"email": "editor@example.org"})
    assert sent.status_code == 302
    assert sent["Location"] == f"/{settings.ADMIN_PATH}password_reset/done/"
    link = emailed_link()
    assert link.startswith(f"{settings.SITE_URL}/{settings.ADMIN_PATH}reset/")

    form = browser.get(link.removeprefix(settings.SITE_URL), follow=True)
    assert form.status_code == 200
    assert 'name="new_password1"' in form.text
    done = browser.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == f"/{settings.ADMIN_PATH}reset/done/"

    assert not AccessAttempt.objects.filter(username="editor").exists()
    assert attempt("editor", NEW_PASSWORD).status_code == 302, "no wait for the cool-off"
    assert attempt("editor", PASSWORD).status_code == 200, "the old password no longer works"


def test_the_emailed_link_names_the_site_whatever_host_was_asked(editor, settings):
    settings.ALLOWED_HOSTS = ["other.example", "testserver"]
    Client(HTTP_HOST="other.example").post(RESET, {"email": "editor@example.org"})
    assert emailed_link().startswith(f"{settings.SITE_URL}/")
    assert "other.example" not in mail.outbox[0].body


def test_an_unknown_address_looks_the_same_and_sends_nothing(editor, client):
    response = client.post(RESET, {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == f"/{settings.ADMIN_PATH}password_reset/done/"
    assert mail.outbox == []


def test_a_used_link_cannot_set_the_password_again(editor):
    browser = Client()
    browser.post(RESET, {"email": "editor@example.org"})
    link = emailed_link().removeprefix(settings.SITE_URL)
    form = browser.get(link, follow=True)
    browser.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().get(link, follow=True)
    assert 'name="new_password1"' not in again.text


def test_nobody_can_flood_an_editors_mailbox_with_reset_links(editor):
    from metsinfo.editorial.passwords import RESETS_PER_HOUR

    for n in range(RESETS_PER_HOUR + 3):
        response = Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(RESET, {"email": "editor@example.org"})
        assert response.status_code == 302, "the page reads the same over the limit"
    assert len(mail.outbox) == RESETS_PER_HOUR


def test_one_client_cannot_send_reset_links_to_everyone(db):
    from django.contrib.auth.models import User

    from metsinfo.editorial.passwords import RESETS_PER_HOUR

    for n in range(RESETS_PER_HOUR + 3):
        User.objects.create_user(f"editor{n}", email=f"editor{n}@example.org", password=PASSWORD, is_staff=True)
        Client().post(RESET, {"email": f"editor{n}@example.org"})
    assert len(mail.outbox) == RESETS_PER_HOUR
