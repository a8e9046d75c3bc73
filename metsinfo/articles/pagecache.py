"""Whole-page cache for reader pages, in the shared cache, with per-request holes.

A cached page must still work as a page: its comment form needs this visitor's CSRF token and
a fresh signed timestamp. So the stored HTML has those values cut out ("holes") and filled in
for each request; other apps register their own per-request hidden fields (the comments app
registers its timestamp), so this module knows nothing about them.

Invalidation is by generation: a number kept in the shared cache that any content change (an
editor's save, a ``load_content`` run, a comment approved or removed) moves on, on every
server at once. Each stored page records the generation it was rendered under and is served
only while that generation is current. Keys also include the release fingerprint, so a new
deploy never serves pages rendered by old templates.

Hits are answered by ``PageCacheMiddleware``, high in the middleware stack: one small read of
the generation from the shared cache, the page itself from this process's memory when it has
a current copy (else from the shared cache), the holes filled, done. Misses fall through to
views marked ``@cached_page``, which render and store.

Pages are cached only for anonymous GETs with no session, no pending messages and no query
string; everyone else gets a freshly rendered page.

Cached pages also answer conditional requests: the ETag is a hash of the stored (hollow) page
and Last-Modified the moment the cache generation last moved, so a repeat visit gets
``304 Not Modified``. They are marked ``private, no-cache``: each copy carries its visitor's CSRF
token, so a shared proxy must not hand one visitor's copy to another, and a browser must check
back before reusing its own.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH, CsrfViewMiddleware
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

logger = logging.getLogger(__name__)
GENERATION_KEY = "pages:generation"
TIMEOUT = 24 * 3600
#: How many pages each process keeps in memory (a few dozen KB each).
LOCAL_PAGES = 64
_local_pages: dict[str, StoredPage] = {}
_CHAR_INDEX = {char: index for index, char in enumerate(CSRF_ALLOWED_CHARS)}
# Random bytes become characters by table lookup: a byte at or above the largest multiple of
# the alphabet's size is dropped (so every character is equally likely), the rest map modulo it.
_FAIR_BYTES = 256 - 256 % len(CSRF_ALLOWED_CHARS)
_BYTE_TO_CHAR = bytes(ord(CSRF_ALLOWED_CHARS[byte % len(CSRF_ALLOWED_CHARS)]) for byte in range(256))
_UNFAIR_BYTES = bytes(range(_FAIR_BYTES, 256))


def _random_chars(length: int) -> str:
    """``length`` characters of the CSRF alphabet, uniformly random, from os.urandom."""
    chars = b""
    while len(chars) < length:
        chars += os.urandom(length + 8).translate(_BYTE_TO_CHAR, _UNFAIR_BYTES)
    return chars[:length].decode()


def csrf_token(request: HttpRequest) -> str:
    """This visitor's masked CSRF token: what ``django.middleware.csrf.get_token`` returns.

    Same contract (a new secret for a visitor without one, the cookie flagged for sending, a
    fresh mask every time), but the random strings come from one ``os.urandom`` call each
    instead of one per character, which is most of the cost of serving a cached page.
    """
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = request.META["CSRF_COOKIE"] = _random_chars(CSRF_SECRET_LENGTH)
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_chars(CSRF_SECRET_LENGTH)
    size = len(CSRF_ALLOWED_CHARS)
    return mask + "".join(
        CSRF_ALLOWED_CHARS[(_CHAR_INDEX[s] + _CHAR_INDEX[m]) % size] for s, m in zip(secret, mask, strict=True)
    )


_CSRF_FIELD = "csrfmiddlewaretoken"
_fresh_fields: dict[str, Callable[[HttpRequest], str]] = {_CSRF_FIELD: csrf_token}


def register_fresh_field(name: str, value_for: Callable[[HttpRequest], str]) -> None:
    """Have the hidden input ``name`` get ``value_for(request)`` on every cached page served."""
    _fresh_fields[name] = value_for


def _field_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf'(<input type="hidden" name="{re.escape(name)}" value=")[^"]*(")')


_HOLE = re.compile("\x00hole:([^\x00]+)\x00")


def _hole(name: str) -> str:
    return f"\x00hole:{name}\x00"


def invalidate() -> None:
    """Retire every cached page, on every server sharing the cache."""
    cache.set(GENERATION_KEY, time.time_ns(), None)


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


class StoredPage(NamedTuple):
    """A page as kept in the cache: its HTML split at the holes, and its validators.

    ``parts`` alternates HTML (bytes) and hole names: html, name, html, ..., html.
    """

    generation: int
    etag: str
    last_modified: int
    last_modified_http: str
    parts: tuple[bytes | str, ...]

    @property
    def hollow(self) -> str:
        return "".join(part.decode() if i % 2 == 0 else _hole(part) for i, part in enumerate(self.parts))

    def fill(self, request: HttpRequest) -> bytes:
        parts = list(self.parts)
        for i in range(1, len(parts), 2):
            parts[i] = _fresh_fields[parts[i]](request).encode()
        return b"".join(parts)


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def page_key(path: str) -> str:
    """The shared-cache key of the page at ``path`` (hashed: paths may hold any character)."""
    return f"page:{settings.RELEASE}:{hashlib.sha256(path.encode()).hexdigest()[:40]}"


def _remember(key: str, page: StoredPage) -> None:
    if len(_local_pages) >= LOCAL_PAGES:
        _local_pages.clear()  # rare, and cheaper than tracking use; pages come back from the cache
    _local_pages[key] = page


def _lookup(request: HttpRequest) -> tuple[int, StoredPage | None]:
    """The current generation and, if it is still current, the page stored for this request."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        return _generation(), None
    key = page_key(request.path)
    page = _local_pages.get(key)
    if page is not None and page.generation == generation:
        return generation, page
    page = cache.get(key)
    if page is not None and page.generation == generation:
        _remember(key, page)
        return generation, page
    return generation, None


def _store(request: HttpRequest, generation: int, html: str) -> StoredPage:
    hollow = _make_holes(html)
    etag = '"' + hashlib.sha256(f"{settings.RELEASE}:{hollow}".encode()).hexdigest()[:32] + '"'
    pieces = _HOLE.split(hollow)
    parts = tuple(piece.encode() if i % 2 == 0 else piece for i, piece in enumerate(pieces))
    last_modified = generation // 1_000_000_000
    page = StoredPage(generation, etag, last_modified, http_date(last_modified), parts)
    key = page_key(request.path)
    cache.set(key, page, TIMEOUT)
    _remember(key, page)
    return page


def _finish(response: HttpResponse, page: StoredPage, state: str) -> HttpResponse:
    response["ETag"] = page.etag
    response["Last-Modified"] = page.last_modified_http
    response["Cache-Control"] = "private, no-cache"
    response["X-Page-Cache"] = state
    return response


def _make_holes(html: str) -> str:
    for name in _fresh_fields:
        html = _field_pattern(name).sub(lambda m, name=name: f"{m.group(1)}{_hole(name)}{m.group(2)}", html)
    return html


class PageCacheMiddleware:
    """Serve stored pages before the rest of the middleware stack runs.

    A hit needs no session, user, messages or URL resolving, so it sits high in ``MIDDLEWARE``
    (below WhiteNoise, the security headers and GZip) and answers from one cache round trip. It
    still validates the Host header and runs Django's CSRF middleware for the token it puts in
    the form, so a cached page behaves exactly like a rendered one. Misses go down the stack to
    views marked ``@cached_page``, which render and store.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            return self.get_response(request)
        request.get_host()  # a disallowed Host gets its 400, as from CommonMiddleware
        try:
            generation, page = _lookup(request)
        except Exception:  # the cache is down: render from the database instead
            logger.warning("page cache unavailable; rendering %s", request.path, exc_info=True)
            return self.get_response(request)
        if page is None:
            request._page_cache_generation = generation
            return self.get_response(request)
        not_modified = get_conditional_response(request, etag=page.etag, last_modified=page.last_modified)
        if not_modified is not None:
            return _finish(not_modified, page, "hit")
        self.csrf.process_request(request)
        body = page.fill(request)
        response = _finish(HttpResponse(body), page, "hit")
        # Set here, as CommonMiddleware (below) would: without it the server sends chunks.
        response["Content-Length"] = str(len(body))
        return self.csrf.process_response(request, response)


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Store what ``view`` renders in the shared page cache, for PageCacheMiddleware to serve."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The generation read before rendering: if content changes meanwhile, this page is
        # already out of date when stored and will never be served.
        generation = getattr(request, "_page_cache_generation", None)
        response = view(request, *args, **kwargs)
        if (
            generation is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies.keys() - {settings.CSRF_COOKIE_NAME}
        ):
            try:
                page = _store(request, generation, response.content.decode())
            except Exception:  # the cache is down: the reader still gets the page
                logger.warning("page cache unavailable; not storing %s", request.path, exc_info=True)
            else:
                _finish(response, page, "miss")
        return response

    return wrapper
