"""Strict readers for settings that come from the environment.

A value that is present but malformed stops start-up with a message naming the variable, instead
of silently falling back to a default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    """Return the variable's value, or ``default`` when it is unset or empty."""
    value = os.environ.get(name, "").strip()
    return value or default


def env_bool(name: str, default: bool) -> bool:
    """Parse a boolean: 1/0, true/false, yes/no, on/off (any case)."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} is not a boolean: use one of true/false, 1/0, yes/no, on/off."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """Parse a whole number no smaller than ``minimum``."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Parse a comma-separated list; empty items are an error (a stray comma is a typo)."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return list(default)
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={raw!r} has an empty item; separate values with single commas.")
    return items


def env_rate(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """Parse a rate such as ``5/600``: at most 5 events per 600 seconds."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    count, _, seconds = raw.partition("/")
    try:
        limit, window = int(count), int(seconds)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate: write COUNT/SECONDS, e.g. 5/600.") from None
    if limit < 1 or window < 1:
        raise ImproperlyConfigured(f"{name}={raw!r}: both the count and the seconds must be at least 1.")
    return limit, window
