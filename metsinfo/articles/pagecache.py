"""Whole-page cache for reader pages, in the shared cache, with per-request holes.

A cached page must still work as a page: its comment form needs this visitor's CSRF token and
a fresh signed timestamp. So the stored HTML has those values cut out ("holes") and filled in
for each request; other apps register their own per-request hidden fields (the comments app
registers its timestamp), so this module knows nothing about them.

Invalidation is by generation: a number kept in the shared cache that any content change (an
editor's save, a ``load_content`` run, a comment approved or removed) moves on, on every
server at once, once the change is committed (``retire_on_commit``). Each stored page records
the generation it was rendered under and is served only while that generation is current. Keys
also include the release fingerprint, so a new deploy never serves pages rendered by old
templates.

Hits are answered by ``PageCacheApp``, a WSGI layer around Django's handler (see
``metsinfo/wsgi.py``), the way WhiteNoise serves files: no request signals, middleware, URL
resolving or response object. A hit is one small read of the generation from the shared cache,
the page from this process's memory when it has a current copy (else from the shared cache),
the holes filled, and the headers Django's middleware gave the page when it was rendered, kept
with it. Pages are stored compressed too, as raw deflate pieces that the filled-in holes are
spliced between, so gzip costs nothing per request. Misses go on to Django; views marked
``@cached_page`` render the page, and this layer stores it with its final headers.

Pages are cached only for anonymous GETs with no session, no pending messages and no query
string; everyone else gets a freshly rendered page.

Pages without holes also answer conditional requests: the ETag is a hash of the page and
Last-Modified the moment the cache generation last moved, so a repeat visit gets ``304 Not
Modified``. Pages with holes have no validators: a 304 would have the browser keep a copy whose
token and timestamp are stale. Pages are marked ``private, no-cache``: a copy with holes carries
its visitor's CSRF token, so a shared proxy must not hand it to another visitor, and a browser
must check back before reusing its own.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from functools import lru_cache, wraps
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.cookie import parse_cookie
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


#: Set when a change could not retire the cached pages because the cache was away. The change
#: itself is kept (an editor's save never fails for it); this process retries before it serves
#: any cached page, and serves none until that works, and also every RETRY_SECONDS in the
#: background, so that other servers stop serving the old pages even if this one gets no request.
_retirement_owed = False
RETRY_SECONDS = 5.0
_retrying: threading.Timer | None = None


def invalidate() -> bool:
    """Retire every cached page, on every server sharing the cache; False if the cache failed."""
    global _retirement_owed
    generation = time.time_ns()
    announce = getattr(cache, "set_and_announce", None)  # Redis: also drops every process's copy
    try:
        if announce is not None:
            announce(GENERATION_KEY, generation)
        else:
            cache.set(GENERATION_KEY, generation, None)
    except Exception:
        _retirement_owed = True
        logger.error("cached pages could not be retired (the cache failed); retrying", exc_info=True)
        _retry_later()
        return False
    _retirement_owed = False
    return True


def retire_on_commit(using: str | None = None) -> None:
    """Retire every cached page once the current transaction commits (at once outside one).

    Retiring before COMMIT is not enough: a reader whose miss falls in between reads the rows as
    they were and stores that page under the new generation, to be served until the next change.
    The retirement at the change itself is kept for code that reads its own uncommitted change
    through the page cache, as tests do (their transaction never commits).
    """
    if transaction.get_connection(using).in_atomic_block:
        invalidate()
    transaction.on_commit(invalidate, using=using, robust=True)


def retirement_owed() -> bool:
    """Whether a change in this process could not retire the cached pages yet."""
    return _retirement_owed


def _retry_later() -> None:
    global _retrying
    if _retrying is None:
        _retrying = threading.Timer(RETRY_SECONDS, _retry)
        _retrying.daemon = True
        _retrying.start()


def _retry() -> None:
    global _retrying
    _retrying = None
    if _retirement_owed:
        invalidate()  # if the cache is still away, this asks for another try


def _current_generation() -> int | None:
    """The generation, from this process's copy where the cache backend announces changes."""
    return getattr(cache, "get_announced", cache.get)(GENERATION_KEY)


def _generation() -> int:
    generation = _current_generation()
    if generation is None:
        generation = time.time_ns()
        cache.add(GENERATION_KEY, generation, None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


class StoredPage(NamedTuple):
    """A page as kept in the cache: its HTML split at the holes, its headers and validators.

    ``parts`` alternates HTML (bytes) and hole names: html, name, html, ..., html. ``etag`` is
    empty for a page with holes, which is sent with no validators.
    ``deflated`` holds each HTML part compressed on its own (raw deflate, ending on a byte
    boundary), ready for the hole values to be spliced between them; empty if the page is too
    small to be worth compressing. ``headers`` are the ones Django's middleware gave the page,
    less those that differ from one response to the next.
    """

    generation: int
    etag: str
    last_modified: int
    headers: tuple[tuple[str, str], ...]
    parts: tuple[bytes | str, ...]
    deflated: tuple[bytes, ...]
    crc_of_first_part: int

    def fill(self, request: HttpRequest) -> list[bytes]:
        """This request's values for the holes, in order."""
        return [_fresh_fields[name](request).encode() for name in self.parts[1::2]]

    def body(self, values: list[bytes]) -> bytes:
        parts = list(self.parts)
        parts[1::2] = values
        return b"".join(parts)

    def gzipped(self, values: list[bytes]) -> bytes:
        """The page with ``values`` in its holes, as a gzip stream, without compressing anything.

        The hole values go in as stored (uncompressed) deflate blocks; the checksum runs on
        from the first part's, over the values and what follows them (the form sits near the
        end of the page, so that is a few KB).
        """
        crc, size, pieces = self.crc_of_first_part, len(self.parts[0]), [_GZIP_HEADER, self.deflated[0]]
        for value, html, deflated in zip(values, self.parts[2::2], self.deflated[1:], strict=True):
            crc = zlib.crc32(html, zlib.crc32(value, crc))
            size += len(value) + len(html)
            pieces += (_stored_block(value), deflated)
        pieces.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
        return b"".join(pieces)


# A gzip member header (RFC 1952): deflate, no flags, no time, unknown OS.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware decides


def _deflate(html: bytes, last: bool) -> bytes:
    """``html`` as raw deflate on its own (no references outside it), ending on a byte boundary."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(html) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


def _stored_block(data: bytes) -> bytes:
    """``data`` as non-final stored deflate blocks (RFC 1951 3.2.4), at most 65,535 bytes each."""
    blocks = []
    for start in range(0, len(data), 0xFFFF):
        chunk = data[start : start + 0xFFFF]
        blocks.append(struct.pack("<BHH", 0, len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


def page_key(scheme: str, path: str) -> str:
    """The shared-cache key of the page at ``path`` (hashed: paths may hold any character).

    The scheme is part of it: a page's headers depend on it (HSTS only over HTTPS), and a page
    stored over HTTPS must not answer a plain-HTTP request that Django would redirect.
    """
    return f"page:{settings.RELEASE}:{hashlib.sha256(f'{scheme}:{path}'.encode()).hexdigest()[:40]}"


def _remember(key: str, page: StoredPage) -> None:
    if len(_local_pages) >= LOCAL_PAGES:
        _local_pages.clear()  # rare, and cheaper than tracking use; pages come back from the cache
    _local_pages[key] = page


def _lookup(key: str) -> tuple[int, StoredPage | None]:
    """The current generation and, if it is still current, the page stored under ``key``."""
    if _retirement_owed and not invalidate():
        raise ConnectionError("cached pages are still to be retired, and the cache is away")
    generation = _current_generation()
    if generation is None:
        return _generation(), None
    page = _local_pages.get(key)
    if page is not None and page.generation == generation:
        return generation, page
    page = cache.get(key)
    if page is not None and page.generation == generation:
        _remember(key, page)
        return generation, page
    return generation, None


# Set per response, so never kept with a stored page.
_PER_RESPONSE = {"content-length", "content-encoding", "etag", "set-cookie", "x-page-cache"}


def _store(key: str, rendered: _Rendered, headers: Iterable[tuple[str, str]]) -> StoredPage:
    pieces = _HOLE.split(rendered.hollow)
    parts = tuple(piece.encode() if i % 2 == 0 else piece for i, piece in enumerate(pieces))
    html = parts[::2]
    deflated = ()
    if len(rendered.hollow) >= 200:  # as GZipMiddleware: not worth it for less
        deflated = tuple(_deflate(part, last=i == len(html) - 1) for i, part in enumerate(html))
    page = StoredPage(
        generation=rendered.generation,
        etag=rendered.etag,
        last_modified=rendered.generation // 1_000_000_000,
        headers=tuple((name, value) for name, value in headers if name.lower() not in _PER_RESPONSE),
        parts=parts,
        deflated=deflated,
        crc_of_first_part=zlib.crc32(parts[0]),
    )
    cache.set(key, page, TIMEOUT)
    _remember(key, page)
    return page


def _make_holes(html: str) -> str:
    for name in _fresh_fields:
        html = _field_pattern(name).sub(lambda m, name=name: f"{m.group(1)}{_hole(name)}{m.group(2)}", html)
    return html


class _Rendered:
    """What ``@cached_page`` and ``PageCacheApp`` pass each other through the WSGI environ."""

    ENVIRON_KEY = "metsinfo.page_cache"
    __slots__ = ("etag", "generation", "hollow")

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.hollow: str | None = None
        self.etag = ""


_csrf = CsrfViewMiddleware(lambda request: HttpResponse())


@lru_cache(maxsize=1)
def _csrf_cookie_attributes(second: int) -> str:
    """What follows the value in the CSRF cookie Django sets (its expiry counted from ``second``)."""
    request = HttpRequest()
    request.META.update(CSRF_COOKIE="value", CSRF_COOKIE_NEEDS_UPDATE=True)
    response = HttpResponseBase()
    _csrf.process_response(request, response)
    return response.cookies[settings.CSRF_COOKIE_NAME].OutputString().removeprefix(f"{settings.CSRF_COOKIE_NAME}=value")


@receiver(setting_changed)
def _forget_cookie_attributes(**kwargs: Any) -> None:
    _csrf_cookie_attributes.cache_clear()


def _csrf_cookie(request: HttpRequest) -> list[tuple[str, str]]:
    """The Set-Cookie header Django's CSRF middleware would send with this response, if any.

    Built as Django builds it, once a second; the secret is letters and digits, which a cookie
    value takes as they are.
    """
    if not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return []
    attributes = _csrf_cookie_attributes(int(time.time()))
    return [("Set-Cookie", f"{settings.CSRF_COOKIE_NAME}={request.META['CSRF_COOKIE']}{attributes}")]


def _start(start_response: Callable[..., Any], response: HttpResponseBase) -> list[bytes]:
    """Send a (rare) Django response object from here, as Django's WSGI handler would."""
    status = f"{response.status_code} {response.reason_phrase}"
    cookies = [("Set-Cookie", morsel.OutputString()) for morsel in response.cookies.values()]
    start_response(status, [*response.items(), *cookies])
    return [response.content]


class PageCacheApp:
    """WSGI layer that answers stored pages before Django's handler runs, and stores new ones.

    It checks what Django would: the Host header (a disallowed one goes on to Django for its
    400), the CSRF cookie (read and, if malformed, replaced, as ``CsrfViewMiddleware`` does), and
    conditional request headers (304, or 412 for a failed ``If-Match``). Static files and
    requests with a session, messages or a query string go straight on to Django.
    """

    def __init__(self, application: Callable[..., Iterable[bytes]]) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not self._cacheable(environ):
            return self.application(environ, start_response)
        request = WSGIRequest(environ.copy())  # Django builds its own from environ if this is a miss
        try:
            request.get_host()
        except DisallowedHost:
            return self.application(environ, start_response)  # Django answers it with a 400
        key = page_key(request.scheme, request.path)
        try:
            generation, page = _lookup(key)
        except Exception:  # the cache is down: Django renders from the database instead
            logger.warning("page cache unavailable; rendering %s", request.path, exc_info=True)
            return self.application(environ, start_response)
        if page is None:
            return self._render(environ, start_response, key, generation)
        return self._serve(request, page, start_response)

    @staticmethod
    def _cacheable(environ: dict[str, Any]) -> bool:
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return False
        if environ.get("PATH_INFO", "").startswith(settings.STATIC_URL):
            return False
        cookies = environ.get("HTTP_COOKIE")
        if cookies:
            names = parse_cookie(cookies)
            return settings.SESSION_COOKIE_NAME not in names and "messages" not in names
        return True

    def _render(
        self, environ: dict[str, Any], start_response: Callable[..., Any], key: str, generation: int
    ) -> Iterable[bytes]:
        rendered = environ[_Rendered.ENVIRON_KEY] = _Rendered(generation)
        sent: list[tuple[str, list[tuple[str, str]]]] = []

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent.append((status, headers))
            return start_response(status, headers, exc_info)

        body = self.application(environ, capture)
        if rendered.hollow is not None and sent and sent[-1][0].startswith("200 "):
            # Stored only now, with the headers every middleware added on the way out.
            try:
                _store(key, rendered, sent[-1][1])
            except Exception:  # the cache is down: the reader still gets the page
                logger.warning("page cache unavailable; not storing %s", environ.get("PATH_INFO"), exc_info=True)
        return body

    @staticmethod
    def _serve(request: WSGIRequest, page: StoredPage, start_response: Callable[..., Any]) -> list[bytes]:
        validators = {"etag": page.etag, "last_modified": page.last_modified} if page.etag else {}
        conditional = get_conditional_response(request, **validators)
        if conditional is not None:  # 304 Not Modified, or 412 for a failed If-Match
            for name, value in page.headers:
                if name.lower() != "content-type" and name not in conditional:
                    conditional[name] = value
            if page.etag:
                conditional["ETag"] = page.etag
            conditional["X-Page-Cache"] = "hit"
            return _start(start_response, conditional)
        cookie: list[tuple[str, str]] = []
        if _CSRF_FIELD in page.parts[1::2]:
            _csrf.process_request(request)
        values = page.fill(request)
        if _CSRF_FIELD in page.parts[1::2]:
            cookie = _csrf_cookie(request)
        gzipped = bool(page.deflated and _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
        body = page.gzipped(values) if gzipped else page.body(values)
        encoding = [("Content-Encoding", "gzip")] if gzipped else []
        if page.etag:  # weak when compressed, as GZipMiddleware makes it
            encoding.append(("ETag", "W/" + page.etag if gzipped else page.etag))
        headers = [*page.headers, *encoding, ("Content-Length", str(len(body))), ("X-Page-Cache", "hit"), *cookie]
        start_response("200 OK", headers)
        return [body]


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Have ``PageCacheApp`` store what ``view`` renders, for every server to serve."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The generation was read before rendering: if content changes meanwhile, this page is
        # already out of date when stored and will never be served.
        rendered = request.META.get(_Rendered.ENVIRON_KEY)
        response = view(request, *args, **kwargs)
        if (
            isinstance(rendered, _Rendered)
            and response.status_code == 200
            and not response.streaming
            and not response.cookies.keys() - {settings.CSRF_COOKIE_NAME}
        ):
            rendered.hollow = _make_holes(response.content.decode())
            if not _HOLE.search(rendered.hollow):  # the same bytes for everyone: safe to revalidate
                digest = hashlib.sha256(f"{settings.RELEASE}:{rendered.hollow}".encode()).hexdigest()
                rendered.etag = f'"{digest[:32]}"'
                response["ETag"] = rendered.etag
                response["Last-Modified"] = http_date(rendered.generation // 1_000_000_000)
            response["Cache-Control"] = "private, no-cache"
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
