"""Whole-page cache for reader pages, in the shared cache, with per-request holes.

A cached page must still work as a page: its comment form needs this visitor's CSRF token and
a fresh signed timestamp. So the stored HTML has those values cut out ("holes") and filled in
for each request; other apps register their own per-request hidden fields (the comments app
registers its timestamp), so this module knows nothing about them.

Invalidation is by generation: every key includes a generation number kept in the shared
cache, and any content change (an editor's save, a ``load_content`` run, a comment approved or
removed) moves it on, on every server at once. Keys also include the release fingerprint, so a
new deploy never serves pages rendered by old templates.

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
import re
import time
from collections.abc import Callable
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

logger = logging.getLogger(__name__)
GENERATION_KEY = "pages:generation"
TIMEOUT = 24 * 3600
_CSRF_FIELD = "csrfmiddlewaretoken"
_fresh_fields: dict[str, Callable[[HttpRequest], str]] = {_CSRF_FIELD: get_token}


def register_fresh_field(name: str, value_for: Callable[[HttpRequest], str]) -> None:
    """Have the hidden input ``name`` get ``value_for(request)`` on every cached page served."""
    _fresh_fields[name] = value_for


def _field_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf'(<input type="hidden" name="{re.escape(name)}" value=")[^"]*(")')


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
    """A page as kept in the shared cache: hollow HTML and its validators."""

    generation: int
    etag: str
    last_modified: int
    hollow: str


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


def _lookup(request: HttpRequest) -> tuple[int, StoredPage | None]:
    """The current generation and, if it is still current, the page stored for this request.

    One round trip to the shared cache: the page is stored with the generation it was rendered
    under, and counts only while that generation is the current one.
    """
    key = page_key(request.path)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return _generation(), None
    stored = found.get(key)
    if stored is not None and stored.generation == generation:
        return generation, stored
    return generation, None


def _store(request: HttpRequest, generation: int, html: str) -> StoredPage:
    hollow = _make_holes(html)
    etag = '"' + hashlib.sha256(f"{settings.RELEASE}:{hollow}".encode()).hexdigest()[:32] + '"'
    page = StoredPage(generation, etag, generation // 1_000_000_000, hollow)
    cache.set(page_key(request.path), page, TIMEOUT)
    return page


def _finish(response: HttpResponse, page: StoredPage, state: str) -> HttpResponse:
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    response["Cache-Control"] = "private, no-cache"
    response["X-Page-Cache"] = state
    return response


def _make_holes(html: str) -> str:
    for name in _fresh_fields:
        html = _field_pattern(name).sub(lambda m, name=name: f"{m.group(1)}{_hole(name)}{m.group(2)}", html)
    return html


def _fill_holes(html: str, request: HttpRequest) -> str:
    for name, value_for in _fresh_fields.items():
        if _hole(name) in html:
            html = html.replace(_hole(name), value_for(request))
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
        response = _finish(HttpResponse(_fill_holes(page.hollow, request)), page, "hit")
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
