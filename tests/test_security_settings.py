"""Production configuration: check --deploy is clean; a strict CSP and the security headers everywhere."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.usefixtures("seeded")


def test_check_deploy_reports_nothing_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="metsinfo.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="metsinfo.example",
        SITE_URL="https://metsinfo.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


READER_URLS = ["/", "/articles/breast-cancer-bone-metastasis/", "/glossary/", "/privacy/", "/nope/"]


@pytest.mark.parametrize("url", READER_URLS)
@pytest.mark.parametrize("visit", ["first", "cached"])
def test_reader_pages_carry_a_strict_policy_and_headers(client, url, visit):
    response = client.get(url)
    if visit == "cached":
        response = client.get(url)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "geolocation=()", "microphone=()", "payment=()", "usb=()"):
        assert feature in permissions


def test_admin_has_the_same_strict_policy(admin_client):
    policy = admin_client.get("/admin/articles/article/")["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "script-src 'self'" in policy


def test_admin_login_carries_the_headers_too(client):
    response = client.get(f"/{settings.ADMIN_PATH}login/")
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_cookies_are_http_only_and_secure_in_production():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="metsinfo.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        SITE_URL="https://metsinfo.example",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1].split() == ["True"] * 4


def test_the_csrf_cookie_the_comment_form_gets_is_http_only(client):
    # Reader pages set no cookie; the token endpoint the comment form calls sets it.
    cookie = client.get("/comments/token/").cookies["csrftoken"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
