"""Whether a ``SECRET_KEY`` is strong enough for production: Django's own rule, and no repeats.

Django's deploy check (security.W009) asks for at least 50 characters, at least 5 different ones,
and not the ``django-insecure-`` prefix its ``startproject`` writes; this reuses that rule as it
stands. It lets through a key such as ``"abcde" * 12``: 60 characters, 5 different, and about as
hard to guess as the five letters. So a key must also not be a repeated pattern: squeezed by
zlib's deflate (which replaces every repeat with a short back-reference), it must still fill
``MIN_COMPRESSED_BYTES``. Random keys are far above that (a 50-character hex key, the weakest
usual kind, compresses to 41 bytes at the least; Django's ``get_random_secret_key`` and
``secrets.token_urlsafe(50)`` to 50 or more); ``"abcdefghij" * 5`` compresses to 15.
"""

from __future__ import annotations

import zlib

from django.core.checks.security.base import _check_secret_key

#: Bytes the key must still take after deflate: 192 bits, well under any random key's size.
MIN_COMPRESSED_BYTES = 24


def _deflated_size(key: str) -> int:
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: no header or checksum to count
    return len(squeezer.compress(key.encode()) + squeezer.flush())


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is too weak for production, or None."""
    if not _check_secret_key(key):
        return (
            "it must be at least 50 characters long, with at least 5 different characters, "
            "and not start with 'django-insecure-'"
        )
    if _deflated_size(key) < MIN_COMPRESSED_BYTES:
        return "it repeats a short pattern"
    return None
