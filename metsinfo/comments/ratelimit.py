"""Per-client rate limit in the shared cache, keyed by an HMAC of the address (never the address).

The cache is shared by every worker (file cache on one machine, Redis across machines), so the
limit holds however many processes serve the site.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.filebased import FileBasedCache
from django.http import HttpRequest

from metsinfo.clientip import client_address


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client address: stable for rate limits, useless to anyone without the key.

    The address is the one behind trusted proxies (``TRUSTED_PROXIES``), see ``metsinfo.clientip``.
    """
    address = client_address(request)
    return hmac.new(settings.SECRET_KEY.encode(), f"client:{address}".encode(), hashlib.sha256).hexdigest()


@contextmanager
def _counting() -> Iterator[None]:
    """Make add-then-increment atomic where the cache is not.

    Redis increments atomically. Django's file cache reads, adds one and writes back, so two
    workers counting at the same moment could both see the same number; on that backend every
    count takes an exclusive lock on a file beside the cache (all workers of one machine share it).
    """
    backend = caches["default"]
    if not isinstance(backend, FileBasedCache):
        yield
        return
    with open(Path(backend._dir) / "ratelimit.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def hit(key: str, *, limit: int, window: int, scope: str = "comment") -> bool:
    """Count one attempt; return False when the client is over ``limit`` in the current window."""
    bucket = int(time.time() // window)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    with _counting():
        if cache.add(cache_key, 1, timeout=window + 5):
            return limit >= 1
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window + 5)
            count = 1
    return count <= limit


def allow_comment(request: HttpRequest) -> bool:
    """Whether this client may submit another comment now (COMMENTS_RATE_LIMIT)."""
    limit, window = settings.COMMENTS_RATE_LIMIT
    return hit(client_key(request), limit=limit, window=window)
