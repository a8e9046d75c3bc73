"""Reader pages are the same bytes for every anonymous visitor, so any HTTP cache may keep them.

Django's stock cache framework keeps each page for a few seconds in every process (the ``pages``
cache, local memory) and is cleared once a change commits; a proxy or CDN in front keeps it for
``s-maxage``, and may serve it stale while it fetches a fresh copy or while the site is down. A
visitor with a session (staff) or a pending message is never served from, or stored in, any
cache: their page is marked ``private, no-cache``.

Why these numbers (each a setting, from the environment):

- ``max-age`` 30 s: a browser may reuse its own copy for half a minute, then checks back (the
  ETag makes that a 304).
- ``s-maxage`` 20 s and ``stale-while-revalidate`` 30 s, after at most 10 s in a process's
  memory (``READER_PAGE_PROCESS_SECONDS``; the process that commits clears its own at once): a
  shared cache serves a page at most 60 s after a correction was committed, the promise for
  medical advice; no purge is needed.
- ``stale-if-error`` one day: when the application or its database is down, readers still get
  the last good page, which for a patient looking for the urgent-help card beats an error page.

Each address is one entry in every cache, so a page has one address: ``reader_page(query=...)``
names the parameters a page reads (most read none), and any other query string is answered with a
301 to the same path with only those (``?utm_source=...`` and ``?fbclid=...`` included). The
redirect is decided before any cache is consulted, so no spelling is ever stored here; it is
``public`` (it is the same for everyone) but ``s-maxage=0``, so no shared cache keeps one per
spelling either (nginx also never stores an address with a query string it does not expect:
deploy/nginx/metsinfo.conf).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.encoding import escape_uri_path
from django.views.decorators.cache import cache_page
from django.views.decorators.gzip import gzip_page

PAGES_CACHE = "pages"
#: Cookies that make a page personal: a signed-in session, or a message waiting to be shown.
PERSONAL_COOKIES = ("messages",)


def is_personal(request: HttpRequest) -> bool:
    """Whether this request may see something meant only for it (staff, or a pending message)."""
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or any(name in cookies for name in PERSONAL_COOKIES)


def reader_is_staff(request: HttpRequest) -> bool:
    """``request.user.is_staff``, without touching the session of a visitor who has none.

    Reading ``request.user`` loads the session, and a loaded session makes Django add
    ``Vary: Cookie``: a page every visitor shares must not depend on whether this one has a cookie.
    """
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff


def _public(response: HttpResponse) -> HttpResponse:
    # cache_page adds its own Expires and max-age (its in-process timeout), and patch_cache_control
    # keeps the smaller of two max-ages: start from none. Cache-Control then says it all.
    del response["Expires"]
    del response["Cache-Control"]
    patch_cache_control(
        response,
        public=True,
        max_age=settings.READER_PAGE_MAX_AGE,
        s_maxage=settings.READER_PAGE_S_MAXAGE,
        stale_while_revalidate=settings.READER_PAGE_STALE_WHILE_REVALIDATE,
        stale_if_error=settings.READER_PAGE_STALE_IF_ERROR,
    )
    return response


def _with_etag(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return set_response_etag(view(request, *args, **kwargs))

    return wrapper


#: What a page does with a parameter it reads: its value as the page uses it ("" drops it).
Cleaner = Callable[[str], str]
View = Callable[..., HttpResponse]


def canonical_query(request: HttpRequest, query: Mapping[str, Cleaner]) -> str:
    """The one spelling of this request's query string: the parameters the page reads, cleaned.

    In the order ``query`` names them, one value each (the last, as ``QueryDict.get`` reads it),
    encoded as ``urlencode`` does; empty values are left out.
    """
    pairs = []
    for name, clean in query.items():
        value = clean(request.GET[name]) if name in request.GET else ""
        if value:
            pairs.append((name, value))
    return urlencode(pairs)


def _to_canonical(request: HttpRequest, query: str) -> HttpResponse:
    """301 to the page's own address: the same for every visitor, kept by browsers, not by proxies."""
    response = HttpResponsePermanentRedirect(escape_uri_path(request.path) + (f"?{query}" if query else ""))
    patch_cache_control(response, public=True, max_age=settings.READER_PAGE_MAX_AGE, s_maxage=0)
    return response


def reader_page(
    view: View | None = None, *, query: Mapping[str, Cleaner] | None = None
) -> View | Callable[[View], View]:
    """Serve ``view`` as a page every anonymous reader shares: cached here and by any HTTP cache.

    What the process keeps is the finished page: its ETag (which ConditionalGetMiddleware would
    otherwise hash the whole page for on every request) and, for readers who accept gzip, the
    compressed bytes (Django's ``gzip_page``, inside the cache; ``cache_page`` keys it by the
    ``Vary: Accept-Encoding`` it adds). A cached hit is then neither hashed nor compressed again;
    GZipMiddleware leaves a response that already has a Content-Encoding alone.

    ``query`` names the parameters the page reads, each with how it cleans the value (search:
    ``{"q": clean_query}``); a request spelled any other way gets a 301 to its one spelling (see
    the module's notes). Visitors with a session or a message (staff) are left alone: nothing of
    theirs is cached.
    """
    if view is None:
        return lambda view: reader_page(view, query=query)
    allowed = dict(query or {})
    cached_view = cache_page(settings.READER_PAGE_PROCESS_SECONDS, cache=PAGES_CACHE)(gzip_page(_with_etag(view)))

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_personal(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
            return response
        canonical = canonical_query(request, allowed)
        if request.META.get("QUERY_STRING", "") != canonical:
            return _to_canonical(request, canonical)
        response = cached_view(request, *args, **kwargs)
        if response.status_code in (200, 301, 404) and not response.cookies:
            return _public(response)
        patch_cache_control(response, private=True, no_cache=True)
        return response

    return wrapper


def clear_pages() -> None:
    """Forget this process's cached pages (other processes' copies expire within seconds)."""
    caches[PAGES_CACHE].clear()


def pages_changed(using: str | None = None) -> None:
    """Content readers see has changed: clear cached pages now, and again once it commits.

    The clear that counts is the one after COMMIT: a reader whose request falls inside the
    writer's transaction renders the old rows, and would otherwise leave that page cached.
    Inside ``pages_change_together`` the clear "now" waits for the end of the block.
    """
    if getattr(_together, "depth", 0):
        _together.due = True
    else:
        clear_pages()
    transaction.on_commit(clear_pages, using=using, robust=True)


_together = threading.local()


@contextmanager
def pages_change_together() -> Iterator[None]:
    """Changes made inside clear the cached pages once, when the block ends, and not if it fails.

    For a writer that can fail halfway (``load_content``): a clear at its first save would retire
    every cached page even though the load is then rolled back, and readers would pay for pages
    that never changed. Django drops the after-COMMIT clears of a rolled-back transaction itself.
    """
    depth = getattr(_together, "depth", 0)
    _together.depth = depth + 1
    finished = False
    try:
        yield
        finished = True
    finally:
        _together.depth = depth
        if not depth:  # the outermost block decides, once
            due, _together.due = getattr(_together, "due", False), False
            if due and finished:
                clear_pages()
