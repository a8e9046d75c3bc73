"""The reverse proxy that ships (deploy/nginx/metsinfo.conf), run for real in front of gunicorn.

Two set-ups, each on free ports, both through ``deploy.proxy.Nginx`` exactly as ``make serve``
starts it:

- ``site``: the application under gunicorn with production settings and its own database and
  cache (tests/live.py: a new PostgreSQL database and Redis on the PostgreSQL pass, a SQLite file
  and a cache folder on the other), behind nginx. It sends reader pages a short ``s-maxage`` and
  ``stale-while-revalidate`` (READER_PAGE_* settings), so the promise "a correction reaches
  readers within s-maxage + stale-while-revalidate of the commit" (60 s in production) is checked
  in seconds.
- ``stub``: nginx with the same configuration in front of a stand-in that marks every answer
  public, to show that the configuration's own guards (cookies, sessions, the admin, POSTs,
  request buffering) hold whatever the application sends.

No test measures speed. Waits are counted polls, or sleeps that only the passing of time can
satisfy (a copy's age); a slower machine makes them longer, never wrong.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import math
import socket
import time
import urllib.parse
import uuid

import pytest
from django.conf import settings

from tests.helpers import page_text
from tests.live import Browser, forms
from tests.proxy import FROM_CACHE, Answer, ProxiedSite, StubApp, fetch, nginx_in_front, start_nginx

ARTICLE = "/articles/breast-cancer-bone-metastasis/"
SECTION = f"{ARTICLE}treatments/"
DRAFT_SLUG = "proxy-test-draft"
DRAFT = f"/articles/{DRAFT_SLUG}/"
DRAFT_BANNER = "Only staff can see this page"
THANK_YOU = "Your comment will appear after a moderator has checked it."
PASSWORD = "a long password for the editor"
S_MAXAGE = 2
STALE_WHILE_REVALIDATE = 2
# Each gunicorn worker keeps pages for this long too, and another process's commit does not clear
# them: nginx may fetch the old page from a worker until then, and keep it for its own lifetime.
PROCESS_SECONDS = 1
# Past this many seconds after a commit, readers get the corrected page (nginx keeps time in whole
# seconds, so an age can read up to a second short). In production: 10 + 30 + 30 s.
PAST_PROMISE = PROCESS_SECONDS + S_MAXAGE + STALE_WHILE_REVALIDATE + 1.2
POLL_SECONDS = 0.25


def unique(path: str) -> str:
    """``path`` with a segment no other request used, for the stub: a cache entry of its own.

    Not a made-up query string: nginx stores no address with a query the site does not expect.
    """
    return f"{path}{uuid.uuid4().hex[:12]}/"


def fresh(site: ProxiedSite, path: str) -> str:
    """``path``, its stored copies (gzip and plain) deleted first: the next request is nginx's MISS.

    A page of the real site has one address, so a test that needs a new cache entry of it cannot
    make one up; nginx treats a missing file as a miss, as after a manual purge.
    """
    for encoding in ("gzip", ""):
        digest = hashlib.md5(f"http127.0.0.1{path}|{encoding}".encode()).hexdigest()  # noqa: S324 (nginx's key hash)
        (site.proxy.cache_dir / digest[-1] / digest[-3:-1] / digest).unlink(missing_ok=True)
    return path


def sleep_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def shell(site: ProxiedSite, code: str) -> str:
    """Run ``code`` in ``manage.py shell`` against the site's database; its last line of output."""
    return site.manage("shell", "--no-imports", "-c", code).strip().splitlines()[-1]


def add_to_section(site: ProxiedSite, kind: str, marker: str) -> None:
    """An editor's change to a section, saved (and so committed) by the time this returns."""
    shell(
        site,
        "from metsinfo.articles.models import Section\n"
        f"section = Section.objects.get(article__slug='breast-cancer-bone-metastasis', kind='{kind}')\n"
        f"section.body += '\\n\\nChecked through the proxy: {marker}.\\n'\n"
        "section.save()\n"
        "print('saved')",
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> ProxiedSite:
    tmp = tmp_path_factory.mktemp("proxy")
    site = ProxiedSite(
        tmp,
        env={
            "READER_PAGE_MAX_AGE": str(S_MAXAGE),
            "READER_PAGE_S_MAXAGE": str(S_MAXAGE),
            "READER_PAGE_STALE_WHILE_REVALIDATE": str(STALE_WHILE_REVALIDATE),
            "READER_PAGE_PROCESS_SECONDS": str(PROCESS_SECONDS),
            "TRUSTED_PROXIES": "127.0.0.1",
            "DJANGO_ADMIN_PATH": settings.ADMIN_PATH,
        },
    )
    proxy = nginx_in_front(site.upstream, tmp, settings.ADMIN_PATH)
    try:
        site.create()
        site.manage(
            "createsuperuser", "--noinput", "--username", "editor", "--email", "editor@example.org",
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )  # fmt: skip
        shell(
            site,
            "from metsinfo.articles.models import Article\n"
            f"Article.objects.create(slug='{DRAFT_SLUG}', title='Not yet for readers', summary='A draft.')\n"
            "print('created')",
        )
        site.start()
        start_nginx(proxy, tmp)
        site.proxy = proxy
        yield site
    finally:
        proxy.stop()
        site.destroy()


@pytest.fixture(scope="module")
def stub(tmp_path_factory) -> StubApp:
    tmp = tmp_path_factory.mktemp("proxy-stub")
    (tmp / "static").mkdir()
    app = StubApp()
    proxy = nginx_in_front(app.upstream, tmp)
    app.start()
    try:
        start_nginx(proxy, tmp)
        app.proxy = proxy
        yield app
    finally:
        proxy.stop()
        app.stop()


# The real site behind nginx ------------------------------------------------------------------------


def test_static_files_come_from_nginx_compressed_and_kept_for_a_year(site):
    static = site.tmp / "static"
    hashed = json.loads((static / "staticfiles.json").read_text())["paths"]["css/site.css"]
    plain = fetch(site.proxy.url(f"/static/{hashed}"))
    assert plain.status == 200
    assert plain.body == (static / hashed).read_bytes()
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Cache-Status" not in plain.headers, "static files never go through gunicorn"

    compressed = fetch(site.proxy.url(f"/static/{hashed}"), headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.body) == plain.body

    unhashed = fetch(site.proxy.url("/static/css/site.css"))
    assert unhashed.headers["Cache-Control"] == "public, max-age=60", "a name without a hash may change"


def test_pages_are_compressed_for_readers_who_ask(site):
    page = fetch(site.proxy.url(fresh(site, "/glossary/")), headers={"Accept-Encoding": "gzip, deflate, br"})
    assert page.status == 200
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert "</html>" in gzip.decompress(page.body).decode()


def test_a_page_says_vary_once(site):
    """nginx's gzip_vary must not repeat the application's own Vary: Accept-Encoding."""
    for accept in ("gzip", "identity"):
        connection = http.client.HTTPConnection("127.0.0.1", site.proxy.port, timeout=20)
        try:
            connection.request("GET", fresh(site, "/glossary/"), headers={"Accept-Encoding": accept})
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        assert response.status == 200
        assert response.headers.get_all("Vary") == ["Accept-Encoding"], accept


def test_a_page_is_stored_compressed_and_sent_from_the_cache_as_stored(site):
    url = site.proxy.url(fresh(site, ARTICLE))
    first = fetch(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    again = fetch(url, headers={"Accept-Encoding": "gzip"})
    assert (first.cache, again.cache) == ("MISS", "HIT")
    # Django's GZipMiddleware writes a random file name into each gzip header (against BREACH):
    # the same bytes twice means nginx sent the stored copy, not a fresh compression.
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "gzip"
    assert again.body == first.body
    plain = fetch(url)
    assert "Content-Encoding" not in plain.headers
    assert gzip.decompress(again.body) == plain.body


def test_reader_pages_are_stored_and_served_from_the_cache(site):
    for path in ("/", ARTICLE, SECTION, "/glossary/", "/support/", "/search/?q=bone"):
        url = site.proxy.url(fresh(site, path))
        first = fetch(url)
        assert first.status == 200, path
        assert first.cache == "MISS", path
        cache_control = first.headers.get("Cache-Control", "")
        assert "public" in cache_control, f"{path}: {cache_control}"
        assert f"s-maxage={S_MAXAGE}" in cache_control, f"{path}: {cache_control}"
        assert not first.set_cookies, f"{path} is the same for everyone: no cookie"
        assert "cookie" not in first.headers.get("Vary", "").lower(), path

        again = fetch(url)
        # From the stored copy; EXPIRED (the copy was found but had aged, on a slow machine) also
        # shows it was stored: only MISS would mean it was not.
        assert again.cache in FROM_CACHE | {"EXPIRED", "REVALIDATED"}, f"{path}: {again.cache}"
        assert again.body == first.body, path

    url = site.proxy.url(fresh(site, ARTICLE))
    first = fetch(url)
    unchanged = fetch(url, headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status == 304


def cache_files(site: ProxiedSite) -> int:
    return sum(1 for entry in site.proxy.cache_dir.rglob("*") if entry.is_file())


def test_1000_made_up_query_strings_add_no_file_to_nginxs_cache(site):
    """Issue 16: each spelling of an address was a stored page; now only the site's own addresses are."""
    canonical = ["/", ARTICLE, SECTION, "/glossary/", "/search/?q=bone", "/robots.txt", "/offline.json"]
    for path in canonical:
        fetch(site.proxy.url(path))
    stored = cache_files(site)
    assert stored >= len(canonical) - 1
    spellings = [
        "{page}?utm_source=newsletter-{n}",
        "{page}?fbclid=IwAR{n}",
        "{page}?{n}",
        "/search/?q=bone&x={n}",
        "/search/?q=bone%20{n}",  # another spelling of "bone n": the application's 301 is not stored
        "/robots.txt?{n}",
        "/offline.json?{n}",
    ]
    for n in range(1000):
        page = canonical[n % 4]
        reply = fetch(site.proxy.url(spellings[n % len(spellings)].format(page=page, n=n)))
        assert reply.status in (200, 301), reply.status
        assert reply.cache in {"BYPASS", "MISS"}, reply.cache
    assert cache_files(site) == stored, "a made-up query string was stored"

    redirected = fetch(site.proxy.url(f"{ARTICLE}?utm_source=x"))
    assert (redirected.status, redirected.headers["Location"]) == (301, ARTICLE)
    search = fetch(site.proxy.url("/search/?q=bone+pain&fbclid=1"))
    assert (search.status, search.headers["Location"]) == (301, "/search/?q=bone+pain")


def test_a_cached_page_is_served_while_the_application_is_stopped(site):
    url = site.proxy.url(fresh(site, ARTICLE))
    first = fetch(url)
    stored = time.monotonic()  # nginx stored it before this answer arrived
    assert (first.status, first.cache) == (200, "MISS")

    site.stop()
    try:
        down = fetch(url)
        assert down.status == 200
        assert down.cache in FROM_CACHE
        assert down.body == first.body

        # Past s-maxage and stale-while-revalidate only the outage lets nginx use its copy.
        sleep_until(stored + PAST_PROMISE)
        later = fetch(url)
        assert (later.status, later.cache) == (200, "STALE")
        assert later.body == first.body

        # What was never stored cannot be served: the health check tells a load balancer the truth.
        assert fetch(site.proxy.url("/healthz")).status == 502
        assert fetch(site.proxy.url(fresh(site, "/glossary/"))).status == 502
    finally:
        site.start()
    assert fetch(site.proxy.url("/healthz")).status == 200


def test_an_edit_reaches_a_reader_in_the_promised_time_though_nobody_read_the_page_meanwhile(site):
    url = site.proxy.url(fresh(site, SECTION))
    assert fetch(url).cache == "MISS"
    marker = f"zq{uuid.uuid4().hex[:10]}"
    add_to_section(site, "treatments", marker)
    committed = time.monotonic()

    # The copy is older than s-maxage + stale-while-revalidate: nginx must not hand it out again
    # (as it would with "proxy_cache_use_stale updating"), but wait for the corrected page.
    sleep_until(committed + PAST_PROMISE)
    after = fetch(url)
    assert marker in after.text
    assert after.cache in {"EXPIRED", "MISS"}


def test_an_edit_reaches_readers_who_keep_reading_in_the_promised_time(site):
    url = site.proxy.url(fresh(site, SECTION))
    assert fetch(url).cache == "MISS"
    marker = f"zq{uuid.uuid4().hex[:10]}"
    add_to_section(site, "treatments", marker)
    committed = time.monotonic()
    # Readers keep asking, so nginx refreshes its copy in the background. Enough polls that the
    # last comes after the promised time, however fast they go.
    for _ in range(math.ceil(PAST_PROMISE / POLL_SECONDS) + 2):
        page = fetch(url)
        if marker in page.text:
            break
        waited = time.monotonic() - committed
        assert waited < PAST_PROMISE, f"the old page was still served {waited:.1f} s after the commit"
        time.sleep(POLL_SECONDS)
    assert marker in page.text


def test_a_comment_posted_through_the_proxy_is_stored_once(site):
    reader = Browser()
    article = reader.get(site.proxy.url(ARTICLE))
    form = next(f for f in forms(article.text) if f"{ARTICLE}comments/" in f["action"])

    # What the page's script does when the reader starts to write.
    token = reader.get(site.proxy.url("/comments/token/"))
    assert token.status == 200, token.text[:300]
    assert token.headers.get("X-Cache-Status") not in FROM_CACHE
    assert "csrftoken" in reader.cookies
    values = json.loads(token.text)

    marker = f"zq{uuid.uuid4().hex[:10]}"
    fields = [[n, v] for n, v in form["fields"] if n not in {"csrfmiddlewaretoken", "timestamp", "body", "consent"}]
    fields += [
        ["csrfmiddlewaretoken", values["csrf"]],
        ["timestamp", values["timestamp"]],
        ["body", f"Thank you for the page on treatments. {marker}"],
        ["consent", "on"],
    ]
    action = urllib.parse.urljoin(site.proxy.url(ARTICLE), form["action"]).split("#")[0]
    posted = reader.request(action, fields)
    assert posted.status == 302, posted.text[:600]
    assert posted.headers.get("X-Cache-Status") not in FROM_CACHE

    landing = reader.get(urllib.parse.urljoin(action, posted.headers["Location"]).split("#")[0])
    assert landing.headers["X-Cache-Status"] == "BYPASS", "a pending message is the reader's own"
    assert THANK_YOU in landing.text
    assert THANK_YOU not in Browser().get(site.proxy.url(ARTICLE)).text

    count = f"print(Comment.objects.filter(body__contains='{marker}').count())"
    assert shell(site, f"from metsinfo.comments.models import Comment; {count}") == "1"


def test_a_comment_over_nginxs_limit_gets_the_sites_own_page_saying_the_limit(site):
    """nginx refuses bodies over 1 MB itself (client_max_body_size), with the site's page, not its bare 413."""
    body = urllib.parse.urlencode({"body": "Far too long. " * 80_000, "consent": "on"}).encode()
    assert len(body) > 1024 * 1024
    reply = fetch(
        site.proxy.url(f"{ARTICLE}comments/"),
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body=body,
    )
    assert reply.status == 413
    text = page_text(reply.text)
    assert "Your comment was too long to send" in text
    assert "A comment can be up to 3,000 characters long." in text
    assert "We could not keep your text, because it was too long." in text
    assert f'href="{ARTICLE}#comment-form"' in reply.text, "back to the form it came from"
    assert "no-store" in reply.headers["Cache-Control"]
    assert reply.headers.get("Content-Security-Policy"), "the application's page, with its headers"
    assert "nginx" not in reply.text
    again = fetch(site.proxy.url(f"{ARTICLE}comments/"), method="POST", body=body)
    assert again.status == 413 and "Your comment was too long to send" in page_text(again.text), "never cached"


def test_a_staff_session_is_never_served_from_the_cache_nor_stored_in_it(site):
    staff = Browser()
    staff.log_in(site.proxy.url(""), "editor", PASSWORD)
    assert "sessionid" in staff.cookies

    own = staff.get(site.proxy.url(DRAFT))
    assert own.status == 200
    assert DRAFT_BANNER in own.text
    assert own.headers["X-Cache-Status"] == "BYPASS"
    for attempt in range(2):
        anonymous = Browser().get(site.proxy.url(DRAFT))
        assert anonymous.status == 404
        assert DRAFT_BANNER not in anonymous.text
        if attempt == 0:
            assert anonymous.headers["X-Cache-Status"] == "MISS", "the staff page was not stored"

    url = site.proxy.url(fresh(site, ARTICLE))
    first = staff.get(url)
    assert first.headers["X-Cache-Status"] == "BYPASS"
    assert "private" in first.headers["Cache-Control"]
    assert Browser().get(url).headers["X-Cache-Status"] == "MISS", "the staff page was not stored"
    assert staff.get(url).headers["X-Cache-Status"] == "BYPASS", "nor is staff given the readers' copy"

    desk = staff.get(site.proxy.url(f"/{settings.ADMIN_PATH}"))
    assert (desk.status, desk.headers["X-Cache-Status"]) == (200, "BYPASS")
    outsider = Browser().get(site.proxy.url(f"/{settings.ADMIN_PATH}"))
    assert (outsider.status, outsider.headers["X-Cache-Status"]) == (302, "BYPASS")


def test_no_response_that_sets_a_cookie_is_served_from_the_cache(site):
    for path in ("/", ARTICLE, SECTION, "/glossary/", "/comments/token/", f"/{settings.ADMIN_PATH}login/"):
        url = site.proxy.url(fresh(site, path))
        first, second = fetch(url), fetch(url)  # two new visitors, no cookies
        for reply in (first, second):
            if reply.set_cookies:
                assert reply.cache not in FROM_CACHE, f"{path}: {reply.cache} with {reply.set_cookies}"
        if first.set_cookies:
            assert second.cache not in FROM_CACHE, f"{path}: a cookie-setting answer was stored"


# The configuration's own guards, in front of an application that marks everything public -------------


def test_a_response_that_sets_a_cookie_is_never_stored_even_when_marked_public(stub):
    stub.answers["/sets-cookie/"] = Answer(
        headers={"Cache-Control": "public, s-maxage=60", "Set-Cookie": "csrftoken=one-visitors; Path=/"}
    )
    replies = [fetch(stub.proxy.url("/sets-cookie/")) for _ in range(3)]
    assert [reply.cache for reply in replies] == ["MISS"] * 3
    assert len(stub.requests_for("/sets-cookie/")) == 3


@pytest.mark.parametrize(
    ("method", "path", "cookie"),
    [
        ("GET", "/page/", "sessionid=staff-session"),
        ("GET", "/page/", "csrftoken=x; messages=thank-you"),
        ("GET", f"/{settings.ADMIN_PATH}articles/", ""),
        ("GET", "/review/signed-token/", ""),
        ("POST", "/articles/a/comments/", ""),
    ],
    ids=["session", "messages", "admin", "review", "post"],
)
def test_sessions_messages_the_admin_review_links_and_posts_skip_the_cache(stub, method, path, cookie):
    path = unique(path)
    headers = {"Cookie": cookie} if cookie else {}
    body = b"body=hello" if method == "POST" else None
    for _ in range(2):
        reply = fetch(stub.proxy.url(path), method=method, headers=headers, body=body)
        assert reply.status == 200
        assert reply.cache in {"BYPASS", ""}  # a POST never even looks in the cache
    assert len(stub.requests_for(path)) == 2, "both reached the application"

    reader = fetch(stub.proxy.url(path))
    assert reader.cache in {"MISS", "BYPASS"}, "nothing of theirs was stored"
    assert len(stub.requests_for(path)) == 3
    if cookie:
        assert cookie not in reader.text


def test_a_csrf_cookie_alone_still_gets_the_cached_page(stub):
    path = unique("/page/")
    assert fetch(stub.proxy.url(path)).cache == "MISS"
    reader = fetch(stub.proxy.url(path), headers={"Cookie": "csrftoken=from-the-token-endpoint"})
    assert reader.cache == "HIT"


def test_stale_while_revalidate_bounds_how_old_a_served_copy_can_be(stub):
    path = unique("/short-lived/")
    stub.answers[path.split("?")[0]] = Answer(headers={"Cache-Control": "public, s-maxage=1, stale-while-revalidate=1"})
    first = fetch(stub.proxy.url(path))
    stored = time.monotonic()
    assert first.cache == "MISS"
    sleep_until(stored + 1 + 1 + 1.2)
    later = fetch(stub.proxy.url(path))
    assert later.cache == "EXPIRED", "an old copy past stale-while-revalidate was served"
    assert later.body != first.body


def test_the_old_copy_is_served_while_the_application_fails(stub):
    paths = {status: unique(f"/fails-with-{status}/") for status in (500, 502, 503, 504)}
    for path in paths.values():
        stub.answers[path.split("?")[0]] = Answer(headers={"Cache-Control": "public, s-maxage=1"})
    first = {status: fetch(stub.proxy.url(path)) for status, path in paths.items()}
    stored = time.monotonic()
    for status, path in paths.items():
        stub.answers[path.split("?")[0]] = Answer(status=status, headers={})
    sleep_until(stored + 1 + 1.2)
    for status, path in paths.items():
        reply = fetch(stub.proxy.url(path))
        assert (reply.status, reply.cache) == (200, "STALE"), status
        assert reply.body == first[status].body


def test_nginx_sets_the_forwarded_headers_and_asks_for_gzip_or_nothing(stub):
    path = unique("/headers/")
    reply = fetch(
        stub.proxy.url(path),
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "Accept-Encoding": "br, gzip"},
    )
    (seen,) = stub.requests_for(path)
    assert seen.headers["X-Forwarded-For"] == "127.0.0.1", "a client cannot claim another address"
    assert seen.headers["X-Forwarded-Proto"] == "http"
    assert seen.headers["Host"] == f"127.0.0.1:{stub.proxy.port}"
    assert seen.headers["Accept-Encoding"] == "gzip", "one spelling, whatever the browser's"
    assert reply.headers["Content-Encoding"] == "gzip", "what the application sent plain, nginx compresses"

    for refused in ("identity", "gzip;q=0", "br"):
        plain = unique("/headers/")
        fetch(stub.proxy.url(plain), headers={"Accept-Encoding": refused})
        (seen,) = stub.requests_for(plain)
        assert "Accept-Encoding" not in seen.headers, refused


def test_every_spelling_of_accept_encoding_shares_one_stored_copy(stub):
    path = unique("/spellings/")
    spellings = ["gzip", "gzip, deflate, br, zstd", "GZIP", "deflate,gzip", "gzip;q=1.0, x-made-up"]
    spellings += [f"gzip, x-{n}" for n in range(20)]
    replies = [fetch(stub.proxy.url(path), headers={"Accept-Encoding": value}) for value in spellings]
    assert len(stub.requests_for(path)) == 1, "one fetch from the application for all of them"
    assert [reply.cache for reply in replies[1:]] == ["HIT"] * (len(spellings) - 1)
    assert len({reply.body for reply in replies}) == 1

    plain = fetch(stub.proxy.url(path))
    assert plain.cache == "MISS", "plain bytes are the other copy"
    assert len(stub.requests_for(path)) == 2


def test_a_response_that_varies_on_more_than_encoding_is_never_stored(stub):
    path = f"/varies-{uuid.uuid4().hex[:8]}/"
    stub.answers[path] = Answer(headers={"Cache-Control": "public, s-maxage=3600", "Vary": "Accept-Encoding, Cookie"})
    first = fetch(stub.proxy.url(path), headers={"Cookie": "theme=dark"})
    second = fetch(stub.proxy.url(path), headers={"Cookie": "theme=light"})
    assert (first.cache, second.cache) == ("MISS", "MISS")
    assert b"theme=light" in second.body, "the second visitor's own answer"


def test_the_application_only_sees_complete_requests(stub):
    path = unique("/slow-upload/")
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 20\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", stub.proxy.port), timeout=20) as connection:
        connection.sendall(head.encode() + b"a" * 10)
        time.sleep(0.5)  # time enough to forward it, had nginx not waited for the whole body
        assert path not in stub.arrived, "the application got a request still being sent"
        connection.sendall(b"b" * 10)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200")
    (seen,) = stub.requests_for(path)
    assert seen.body == b"a" * 10 + b"b" * 10


def test_bodies_over_the_limit_are_refused_before_the_application(stub):
    path = unique("/huge/")
    reply = fetch(stub.proxy.url(path), method="POST", body=b"x" * (2 * 1024 * 1024))
    assert reply.status == 413
    assert not stub.requests_for(path)
