"""Per-client rate limit in the shared cache, keyed by an HMAC of the address (never the address).

The cache is shared by every worker (file cache on one machine, Redis across machines), so the
limit holds however many processes serve the site.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from metsinfo.lib.clientip import client_address

logger = logging.getLogger(__name__)


def counted_as(address: str) -> str:
    """The client an address counts as: an IPv4 address on its own, an IPv6 address by its /64.

    One household or phone is usually given a whole IPv6 /64 and may use any address in it, so
    counting each address would let it past every limit, and let one person hide a comment with
    reports from three addresses. An IPv4 address written as IPv6 (``::ffff:192.0.2.1``) counts
    as that IPv4 address. Anything that is not an address is counted as written.
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((int(ip) >> 64 << 64, 64)))
    return str(ip)


def client_key(request: HttpRequest) -> str:
    """A keyed hash of the client: stable for rate limits and reports, useless without the key.

    The address is the one behind trusted proxies (``TRUSTED_PROXIES``, see
    ``metsinfo.lib.clientip``), and IPv6 clients are counted by their /64 (``counted_as``).
    """
    client = counted_as(client_address(request))
    return hmac.new(settings.SECRET_KEY.encode(), f"client:{client}".encode(), hashlib.sha256).hexdigest()


#: The window slides in this many steps: an attempt is counted against everything the client
#: did in the last ``window`` seconds (and up to one step more), so no window boundary lets a
#: client through twice the limit.
STEPS = 10


def hit(key: str, *, limit: int, window: int, scope: str = "comment") -> bool:
    """Count one attempt; return False when the client already had ``limit`` in the last ``window`` s.

    A refused attempt is not counted: a reader who tries again later is let in as soon as their
    oldest counted attempt leaves the window, however often they tried in between.
    """
    step = max(1, -(-window // STEPS))  # seconds, rounded up
    now = int(time.time() // step)
    prefix = f"ratelimit:{scope}:{key}:{window}"
    current = f"{prefix}:{now}"
    earlier = [f"{prefix}:{n}" for n in range(now - STEPS, now)]  # with the current step, >= window
    try:
        count = _count(current, timeout=window + 2 * step)
        count += sum(cache.get_many(earlier).values())
        if count > limit:
            with contextlib.suppress(ValueError):  # the step expired meanwhile: nothing to take back
                cache.decr(current)
    except Exception:
        # The shared cache is away. A reader's comment is worth more than the limit for the
        # minutes that lasts: comments are held for review and the spam checks still run.
        logger.warning("rate limit not applied: the cache failed", exc_info=True)
        return True
    return count <= limit


def _count(cache_key: str, *, timeout: int) -> int:
    # Both steps are atomic on Redis and on the site's file cache (metsinfo.lib.cache.FileBasedCache).
    # Each value can only rise while an attempt is being decided and every allowed attempt
    # stays counted, so concurrent attempts never let more than ``limit`` through.
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=timeout)
        return 1


#: Submissions the form sends back for correction are limited too, but more loosely: a reader
#: who gets the form wrong a few times must still be able to send their comment.
CORRECTIONS_PER_COMMENT = 5


def allow_comment(request: HttpRequest, *, acceptable: bool) -> bool:
    """Count this submission; whether this client may submit another comment now.

    Acceptable submissions count against COMMENTS_RATE_LIMIT; ones the form refuses count
    separately, against ``CORRECTIONS_PER_COMMENT`` times that limit in the same window.
    """
    limit, window = settings.COMMENTS_RATE_LIMIT
    if acceptable:
        return hit(client_key(request), limit=limit, window=window)
    return hit(client_key(request), limit=limit * CORRECTIONS_PER_COMMENT, window=window, scope="comment-refused")
