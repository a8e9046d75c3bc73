"""Production refuses a secret key that is short, uniform or a repeated pattern (Django's rule and more)."""

import secrets

import pytest
from django.core.management.utils import get_random_secret_key

from metsinfo.lib.secretkey import secret_key_problem
from tests.test_settings import STRONG_KEY, load_settings

WEAK = {
    "short": "s3cr3t-but-short",
    "two characters": "ab" * 30,
    "five characters repeated": "abcde" * 12,  # Django's own check (W009) accepts this one
    "ten characters repeated": "abcdefghij" * 5,
    "startproject's prefix": "django-insecure-" + secrets.token_urlsafe(50),
}


@pytest.mark.parametrize("key", WEAK.values(), ids=WEAK.keys())
def test_weak_keys_are_refused_at_start_up(key):
    result = load_settings("metsinfo.settings.prod", DJANGO_SECRET_KEY=key, DJANGO_ALLOWED_HOSTS="metsinfo.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr
    assert key not in result.stderr, "the key itself is never printed"


def test_a_repeated_pattern_is_named_as_the_problem():
    assert secret_key_problem("abcde" * 12) == "it repeats a short pattern"


@pytest.mark.parametrize(
    "make", [get_random_secret_key, lambda: secrets.token_urlsafe(50), lambda: secrets.token_hex(25)]
)
def test_generated_keys_pass(make):
    for _ in range(200):
        assert secret_key_problem(make()) is None


def test_production_starts_with_a_random_key():
    result = load_settings(
        "metsinfo.settings.prod", DJANGO_SECRET_KEY=secrets.token_urlsafe(50), DJANGO_ALLOWED_HOSTS="metsinfo.example"
    )
    assert result.returncode == 0, result.stderr
    assert secret_key_problem(STRONG_KEY) is None
