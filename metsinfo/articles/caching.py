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
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
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


def reader_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view`` as a page every anonymous reader shares: cached here and by any HTTP cache.

    What the process keeps is the finished page: its ETag (which ConditionalGetMiddleware would
    otherwise hash the whole page for on every request) and, for readers who accept gzip, the
    compressed bytes (Django's ``gzip_page``, inside the cache; ``cache_page`` keys it by the
    ``Vary: Accept-Encoding`` it adds). A cached hit is then neither hashed nor compressed again;
    GZipMiddleware leaves a response that already has a Content-Encoding alone.
    """
    cached_view = cache_page(settings.READER_PAGE_PROCESS_SECONDS, cache=PAGES_CACHE)(gzip_page(_with_etag(view)))

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if is_personal(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie"])
            return response
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
