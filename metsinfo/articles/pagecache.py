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
import re
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

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


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _key(request: HttpRequest, generation: int) -> str:
    return f"page:{settings.RELEASE}:{generation}:{request.path}"


def _validators(hollow: str, generation: int) -> tuple[str, int]:
    etag = '"' + hashlib.sha256(f"{settings.RELEASE}:{hollow}".encode()).hexdigest()[:32] + '"'
    return etag, generation // 1_000_000_000


def _finish(response: HttpResponse, etag: str, last_modified: int, state: str) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
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


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view`` from the shared page cache when the request allows it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        generation = _generation()
        key = _key(request, generation)
        stored = cache.get(key)
        if stored is not None:
            etag, last_modified = _validators(stored, generation)
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if not_modified is not None:
                return _finish(not_modified, etag, last_modified, "hit")
            return _finish(HttpResponse(_fill_holes(stored, request)), etag, last_modified, "hit")
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies.keys() - {"csrftoken"}:
            hollow = _make_holes(response.content.decode())
            cache.set(key, hollow, TIMEOUT)
            _finish(response, *_validators(hollow, generation), "miss")
        return response

    return wrapper
