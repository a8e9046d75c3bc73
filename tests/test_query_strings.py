"""A reader page has one address: a query string it does not read gets a 301 to that address.

Issue 16, "Unbounded cache keys": ``/glossary/?x``, ``?utm_source=...`` or ``?fbclid=...`` were
each answered 200 and kept as a page of their own in the ``pages`` cache (and in nginx's, see
tests/test_proxy.py), so a flood of made-up query strings pushed the real pages out. Requests go
through the WSGI application as gunicorn runs it (``visitor``), page cache included.
"""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
#: Every reader page that reads no parameter (the search reads q).
PAGES = [
    "/",
    ARTICLE_URL,
    f"{ARTICLE_URL}symptoms/",
    f"{ARTICLE_URL}comments/page/2/",
    "/glossary/",
    "/support/",
    "/support/getting-help/",
    "/my-questions/",
    "/card/",
    "/card/sheet/",
    "/manifest.webmanifest",
]
JUNK = ["anything=1", "x", "utm_source=newsletter&utm_medium=email", "fbclid=IwAR0abc", "q=pain", "&", "%ff"]


def _pages_cached() -> int:
    return len(caches["pages"]._cache)


@pytest.mark.parametrize("junk", JUNK)
@pytest.mark.parametrize("path", PAGES)
def test_a_parameter_the_page_does_not_read_redirects_to_its_address(visitor, path, junk):
    response = visitor().get(f"{path}?{junk}")
    assert response.status_int == 301
    assert response.headers["Location"] == path
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert directives == {"public", f"max-age={settings.READER_PAGE_MAX_AGE}", "s-maxage=0"}


@pytest.mark.parametrize(
    ("asked", "address"),
    [
        ("q=bone&utm_source=x", "/search/?q=bone"),
        ("fbclid=1&q=bone+pain", "/search/?q=bone+pain"),
        ("q=bone%20pain", "/search/?q=bone+pain"),
        ("q=+bone+", "/search/?q=bone"),
        ("q=first&q=second", "/search/?q=second"),
        ("q=", "/search/"),
        ("q=%C3%A9", None),
        ("q=%c3%a9", "/search/?q=%C3%A9"),
        ("q=bone", None),
        ("q=bone+pain", None),
        ("", None),
    ],
)
def test_the_search_keeps_its_query_in_one_spelling(visitor, asked, address):
    response = visitor().get(f"/search/?{asked}" if asked else "/search/")
    if address is None:
        assert response.status_int == 200
    else:
        assert (response.status_int, response.headers["Location"]) == (301, address)
        assert visitor().get(address).status_int == 200


def test_an_over_long_search_redirects_to_the_part_that_is_read(visitor):
    response = visitor().get("/search/", {"q": "x" * 500})
    assert response.headers["Location"] == f"/search/?q={'x' * 200}"


def test_1000_made_up_query_strings_add_no_page_to_the_cache(visitor):
    reader = visitor()
    for path in [*PAGES, "/search/?q=bone", "/offline.json"]:
        reader.get(path, status="*")
    cached_before = _pages_cached()
    assert cached_before
    for n in range(1000):
        path = PAGES[n % len(PAGES)]
        asked = [f"{path}?utm_source={n}", f"/search/?q=bone&fbclid={n}", f"/offline.json?{n}"][n % 3]
        assert reader.get(asked, status="*").status_int in (200, 301, 404)  # no page 2 of comments
    assert _pages_cached() <= cached_before, "a made-up query string was kept as a page"


def test_the_offline_list_has_one_address_too(visitor):
    """The service worker fetches ``/offline.json`` bare; ``?saved`` is only its Cache Storage key."""
    for query in ("saved", "v=2", "x=1&y=2"):
        answer = visitor().get(f"/offline.json?{query}")
        assert answer.status_int == 301 and answer.headers["Location"] == "/offline.json"


def test_the_service_worker_health_and_token_addresses_are_left_alone(visitor):
    for path in ("/sw.js?v=2", "/healthz?probe=1", "/comments/token/?x=1"):
        assert visitor().get(path).status_int == 200, path
    assert visitor().get("/comments/too-long/?article=nope&x=1", status=413).status_int == 413


def test_staff_are_not_redirected(visitor, admin_user):
    """A visitor with a session is never cached, so their query strings cost nothing: left alone."""
    staff = visitor()
    client = Client()
    client.force_login(admin_user)
    staff.set_cookie(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
    assert staff.get(f"{ARTICLE_URL}?utm_source=x").status_int == 200
