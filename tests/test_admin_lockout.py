"""Admin sign-in lockout (django-axes): per account and client together, with a clear page and an unlock."""

import ipaddress
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

LOGIN = f"/{settings.ADMIN_PATH}login/"
PASSWORD = "the editor's real password"


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", password=PASSWORD, is_staff=True)


def attempt(username: str, password: str, address: str = "198.51.100.1"):
    return Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})


def fail(times: int, username: str = "editor", address: str = "198.51.100.1") -> list[int]:
    """Failed attempts; the form comes back with its error (200) until the one that locks (429)."""
    return [attempt(username, "wrong password", address).status_code for _ in range(times)]


def test_a_few_mistakes_are_forgiven(editor):
    assert set(fail(settings.AXES_FAILURE_LIMIT - 1)) == {200}
    assert attempt("editor", PASSWORD).status_code == 302


def test_the_client_that_failed_is_locked_out_of_the_account(editor):
    assert fail(settings.AXES_FAILURE_LIMIT) == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    response = attempt("editor", PASSWORD)
    assert response.status_code == 429, "even the right password, from the client that failed"
    assert "Sign-in is locked for now" in response.text
    assert "axes_reset_username" in response.text
    assert f'href="/{settings.ADMIN_PATH}password_reset/"' in response.text


def test_an_attackers_failures_do_not_lock_the_editor_out_elsewhere(editor):
    fail(settings.AXES_FAILURE_LIMIT * 2, address="192.0.2.66")
    assert attempt("editor", "wrong password", "192.0.2.66").status_code == 429
    assert attempt("editor", PASSWORD, "203.0.113.200").status_code == 302, "the editor signs in from their own"


def test_failures_spread_over_many_clients_lock_none_of_them(editor):
    statuses = [fail(1, address=f"198.51.100.{n + 1}")[0] for n in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * settings.AXES_FAILURE_LIMIT
    assert attempt("editor", PASSWORD, "203.0.113.200").status_code == 302


def test_a_client_guessing_many_accounts_is_locked_for_all_of_them(editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(1, username=f"guess{n}")
    assert attempt("editor", PASSWORD).status_code == 429
    assert attempt("editor", PASSWORD, "203.0.113.200").status_code == 302, "others can still sign in"


def test_an_administrator_can_lift_the_lock(editor):
    fail(settings.AXES_FAILURE_LIMIT)
    assert attempt("editor", PASSWORD).status_code == 429
    call_command("axes_reset_username", "editor", stdout=StringIO())
    assert attempt("editor", PASSWORD).status_code == 302


def test_no_raw_address_is_stored(editor):
    fail(2, address="198.51.100.77")
    stored = AccessAttempt.objects.values_list("ip_address", flat=True)
    assert stored
    for value in stored:
        assert value != "198.51.100.77"
        assert ipaddress.ip_address(value) in ipaddress.ip_network("fd00::/8")


def test_behind_a_trusted_proxy_clients_are_told_apart(editor, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]

    def through_proxy(client_address: str, password: str, username: str):
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_address).post(
            LOGIN, {"username": username, "password": password}
        )

    for n in range(settings.AXES_FAILURE_LIMIT):
        through_proxy("198.51.100.1", "wrong", f"guess{n}")
    assert through_proxy("198.51.100.1", PASSWORD, "editor").status_code == 429
    assert through_proxy("198.51.100.2", PASSWORD, "editor").status_code == 302


def test_weak_passwords_are_refused():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["short", "password1234", "123456789012"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("correct horse battery staple")
