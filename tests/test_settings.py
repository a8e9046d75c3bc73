"""Settings come from the environment, strictly: a bad value stops start-up with a clear message."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from metsinfo.settings.env import env_bool, env_int, env_list

STRONG_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"


def load_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    """Import a settings module in a fresh interpreter with exactly ``env`` on top of a clean base."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    base.setdefault("SITE_URL", "https://metsinfo.example")
    code = (
        f"import {module} as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], "
        "s.CACHES['default']['BACKEND'])"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**base, **env},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


class TestParsers:
    @pytest.mark.parametrize(("raw", "expected"), [("true", True), ("1", True), ("Off", False), ("no", False)])
    def test_booleans(self, monkeypatch, raw, expected):
        monkeypatch.setenv("X_FLAG", raw)
        assert env_bool("X_FLAG", default=not expected) is expected

    @pytest.mark.parametrize("raw", ["tru", "2", "enabled"])
    def test_bad_boolean_is_an_error(self, monkeypatch, raw):
        monkeypatch.setenv("X_FLAG", raw)
        with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
            env_bool("X_FLAG", default=False)

    def test_unset_uses_default(self, monkeypatch):
        monkeypatch.delenv("X_FLAG", raising=False)
        assert env_bool("X_FLAG", default=True) is True
        assert env_int("X_FLAG", default=5) == 5
        assert env_list("X_FLAG", ["a"]) == ["a"]

    def test_bad_integer_is_an_error(self, monkeypatch):
        monkeypatch.setenv("X_NUM", "ten")
        with pytest.raises(ImproperlyConfigured, match="not a whole number"):
            env_int("X_NUM", default=1)
        monkeypatch.setenv("X_NUM", "-1")
        with pytest.raises(ImproperlyConfigured, match="below the minimum"):
            env_int("X_NUM", default=1)

    def test_list_with_empty_item_is_an_error(self, monkeypatch):
        monkeypatch.setenv("X_LIST", "example.org,,www.example.org")
        with pytest.raises(ImproperlyConfigured, match="empty item"):
            env_list("X_LIST", [])
        monkeypatch.setenv("X_LIST", " example.org , www.example.org ")
        assert env_list("X_LIST", []) == ["example.org", "www.example.org"]


class TestSettingsModules:
    def test_development_defaults_are_safe(self):
        result = load_settings("metsinfo.settings.dev")
        assert result.returncode == 0, result.stderr
        assert result.stdout.split()[0] == "False", "DEBUG is off unless asked for"
        assert "sqlite3" in result.stdout
        assert "FileBasedCache" in result.stdout, "the default cache is shared by all workers"

    def test_production_refuses_to_start_without_a_secret_key(self):
        result = load_settings("metsinfo.settings.prod")
        assert result.returncode != 0
        assert "DJANGO_SECRET_KEY is required in production" in result.stderr

    def test_production_refuses_a_weak_secret_key(self):
        result = load_settings("metsinfo.settings.prod", DJANGO_SECRET_KEY="secret")
        assert result.returncode != 0
        assert "too weak" in result.stderr

    def test_production_refuses_debug(self):
        result = load_settings("metsinfo.settings.prod", DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_DEBUG="true")
        assert result.returncode != 0
        assert "DJANGO_DEBUG must not be true" in result.stderr

    def test_production_starts_with_a_strong_key(self):
        result = load_settings(
            "metsinfo.settings.prod", DJANGO_SECRET_KEY=STRONG_KEY, DJANGO_ALLOWED_HOSTS="metsinfo.example"
        )
        assert result.returncode == 0, result.stderr
        assert "['metsinfo.example']" in result.stdout

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            ("DJANGO_DEBUG", "maybe", "DJANGO_DEBUG='maybe' is not a boolean"),
            ("DJANGO_ALLOWED_HOSTS", "a.example,", "empty item"),
            ("DATABASE_URL", "nonsense://x", "DATABASE_URL is not a database URL"),
            ("REDIS_URL", "localhost:6379", "must start with redis://"),
            ("DJANGO_ADMIN_PATH", "/admin", "DJANGO_ADMIN_PATH='/admin' must be"),
            ("DJANGO_ADMIN_PATH", "../x/", "must be one or more path segments"),
        ],
    )
    def test_bad_values_stop_start_up(self, name, value, message):
        result = load_settings("metsinfo.settings.dev", **{name: value})
        assert result.returncode != 0
        assert message in result.stderr

    def test_database_and_redis_urls_are_used(self):
        result = load_settings(
            "metsinfo.settings.dev",
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/metsinfo",
            REDIS_URL="redis://127.0.0.1:6379/0",
        )
        assert result.returncode == 0, result.stderr
        assert "postgresql" in result.stdout
        assert "RedisCache" in result.stdout


def test_sqlite_is_tuned_for_a_web_server():
    code = "import metsinfo.settings.dev as s; import json; print(json.dumps(s.DATABASES['default']['OPTIONS']))"
    base = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    output = subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, cwd=settings.BASE_DIR, check=True
    ).stdout
    assert "journal_mode=WAL" in output
    assert "busy_timeout" in output
    assert '"transaction_mode": "IMMEDIATE"' in output


def test_admin_lives_at_the_configured_path():
    from django.urls import reverse

    assert reverse("admin:index") == f"/{settings.ADMIN_PATH}"
    assert settings.ADMIN_PATH == "admin/"


def test_admin_path_can_move():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.urls import reverse; print(reverse('admin:index'))",
        ],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "metsinfo.settings.dev", "DJANGO_ADMIN_PATH": "editors-desk/"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.stdout.strip() == "/editors-desk/", result.stderr


class TestSiteUrl:
    def test_in_development_it_follows_port(self):
        code = "import metsinfo.settings.dev as s; print(s.SITE_URL)"
        base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SITE_URL", "PORT"))}
        result = subprocess.run(
            [sys.executable, "-c", code], env={**base, "PORT": "8821"}, capture_output=True, text=True,
            cwd=settings.BASE_DIR, check=False,
        )  # fmt: skip
        assert result.stdout.strip() == "http://127.0.0.1:8821", result.stderr

    def test_production_refuses_to_start_without_it(self):
        result = load_settings("metsinfo.settings.prod", DJANGO_SECRET_KEY=STRONG_KEY, SITE_URL="")
        assert result.returncode != 0
        assert "SITE_URL is required in production" in result.stderr

    @pytest.mark.parametrize("bad", ["metsinfo.example", "ftp://metsinfo.example", "https://metsinfo.example/sub"])
    def test_a_malformed_address_is_refused(self, bad):
        result = load_settings("metsinfo.settings.dev", SITE_URL=bad)
        assert result.returncode != 0 and "SITE_URL" in result.stderr
