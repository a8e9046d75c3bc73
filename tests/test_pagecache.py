"""The shared page cache: zero queries on a hit, working forms on cached pages, no stale pages.

Hits are served by the WSGI layer in front of Django, so these tests drive the WSGI application
itself (the ``visitor`` fixture, WebTest) rather than Django's test client, which bypasses it.
"""

import gzip
import re
import shutil
import time
from io import StringIO

import pytest
import webob
from django.conf import settings
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client

from metsinfo.articles import pagecache
from metsinfo.articles.models import GlossaryTerm, Section
from metsinfo.comments.models import Comment
from tests.comments_helpers import ARTICLE_URL, POST_URL, form_data
from tests.helpers import page_text, redis_settings

pytestmark = pytest.mark.usefixtures("seeded")
READER_PAGES = ["/", ARTICLE_URL, f"{ARTICLE_URL}symptoms/", "/glossary/"]
#: The pages with no per-visitor values (the article carries a CSRF token and a signed timestamp).
SAME_FOR_EVERYONE = ["/", f"{ARTICLE_URL}symptoms/", "/glossary/"]
SECTION_URL = f"{ARTICLE_URL}symptoms/"


def hidden(html: str, name: str) -> str:
    return re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html).group(1)


def state(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def raw(visitor, url: str, **headers: str) -> webob.Response:
    """The response exactly as sent (WebTest would inflate a compressed body)."""
    return webob.Request.blank(url, headers={"Host": "testserver", **headers}).get_response(visitor().app)


def send_comment(page, monkeypatch, after_seconds: float = 30):
    """Send the comment form on ``page`` as a reader who writes for ``after_seconds``."""
    later = time.time() + after_seconds
    monkeypatch.setattr("metsinfo.comments.spam.time.time", lambda: later)
    form = next(form for form in page.forms.values() if form.action.startswith(POST_URL))
    for name, value in form_data().items():
        if name not in ("csrfmiddlewaretoken", "timestamp") and name in form.fields:
            form[name] = value
    return form.submit(expect_errors=True)


def shown_after_checking_back(reader, url: str, copy):
    """What the reader's browser shows when it revalidates its copy: the new page, or the copy on a 304."""
    validators = {"If-None-Match": copy.headers.get("ETag"), "If-Modified-Since": copy.headers.get("Last-Modified")}
    response = reader.get(url, headers={name: value for name, value in validators.items() if value})
    return copy if response.status_int == 304 else response


def test_second_visit_is_served_from_the_cache_with_no_queries(visitor, django_assert_num_queries):
    assert state(visitor().get(ARTICLE_URL)) == "miss"
    with django_assert_num_queries(0):
        response = visitor().get(ARTICLE_URL)
    assert state(response) == "hit"
    assert "Understanding Breast Cancer Bone Metastasis" in response.text


@pytest.mark.parametrize("url", ["/", f"{ARTICLE_URL}symptoms/", "/glossary/"])
def test_other_reader_pages_are_cached_too(visitor, url, django_assert_num_queries):
    visitor().get(url)
    with django_assert_num_queries(0):
        assert state(visitor().get(url)) == "hit"


@pytest.mark.parametrize("url", READER_PAGES)
def test_a_hit_is_the_page_django_renders(visitor, url):
    """Same HTML (but for the per-visitor values) and the same headers, security headers included."""
    first = visitor().get(url)
    hit = visitor().get(url)
    assert (state(first), state(hit)) == ("miss", "hit")
    rendered = Client().get(url)  # Django's handler alone, no page cache
    mask = re.compile(r'(name="(?:csrfmiddlewaretoken|timestamp)" value=")[^"]*"')
    assert mask.sub(r"\1", hit.text) == mask.sub(r"\1", rendered.text)
    per_response = {"content-length", "set-cookie", "etag", "last-modified", "cache-control", "x-page-cache"}
    expected = {(k.lower(), v) for k, v in rendered.items() if k.lower() not in per_response}
    assert {(k.lower(), v) for k, v in hit.headerlist if k.lower() not in per_response} == expected
    for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy", "Referrer-Policy"):
        assert hit.headers[name] == rendered[name]


def test_stored_page_holds_no_visitor_specific_values(visitor):
    first = visitor().get(ARTICLE_URL).text
    stored = cache.get(pagecache.page_key("http", ARTICLE_URL))
    html = b"".join(stored.parts[::2]).decode() + " ".join(stored.parts[1::2])
    assert "Understanding Breast Cancer Bone Metastasis" in html
    assert stored.parts[1::2] == ("csrfmiddlewaretoken", "timestamp")
    assert hidden(first, "csrfmiddlewaretoken") not in html
    assert hidden(first, "timestamp") not in html


def test_each_visitor_of_a_cached_page_gets_their_own_token_and_timestamp(visitor):
    visitor().get(ARTICLE_URL)
    first, second = visitor(), visitor()
    one, two = first.get(ARTICLE_URL), second.get(ARTICLE_URL)
    assert state(one) == state(two) == "hit"
    assert hidden(one.text, "csrfmiddlewaretoken") != hidden(two.text, "csrfmiddlewaretoken")
    assert "csrftoken" in first.cookies, "the visitor gets the CSRF cookie their token belongs to"


def test_a_returning_visitor_keeps_their_csrf_secret(visitor):
    from django.middleware.csrf import _unmask_cipher_token

    reader = visitor()
    reader.get(ARTICLE_URL)
    secret = reader.cookies["csrftoken"]
    again = reader.get(ARTICLE_URL)
    assert state(again) == "hit"
    assert _unmask_cipher_token(hidden(again.text, "csrfmiddlewaretoken")) == secret
    assert reader.cookies["csrftoken"] == secret


def test_a_malformed_csrf_cookie_is_replaced(visitor):
    from django.middleware.csrf import _unmask_cipher_token

    visitor().get(ARTICLE_URL)
    reader = visitor()
    reader.set_cookie("csrftoken", "not-a-valid-secret")
    page = reader.get(ARTICLE_URL)
    assert state(page) == "hit"
    assert reader.cookies["csrftoken"] != "not-a-valid-secret"
    assert _unmask_cipher_token(hidden(page.text, "csrfmiddlewaretoken")) == reader.cookies["csrftoken"]


def test_a_cached_article_page_still_accepts_a_comment(visitor, monkeypatch):
    visitor().get(ARTICLE_URL)  # someone else's visit fills the cache
    reader = visitor()
    page = reader.get(ARTICLE_URL)
    assert state(page) == "hit"
    response = send_comment(page, monkeypatch)
    assert response.status_int == 302, page_text(response.text)[:300]
    assert Comment.objects.filter(seed_key__isnull=True, body__startswith="Thank you for explaining").exists()


def test_a_post_without_the_pages_token_is_refused(visitor):
    visitor().get(ARTICLE_URL)
    reader = visitor()
    reader.get(ARTICLE_URL)
    response = reader.post(POST_URL, form_data(csrfmiddlewaretoken="x" * 64), expect_errors=True)
    assert response.status_int == 403


def test_thank_you_message_is_shown_even_though_the_page_is_cached(visitor):
    reader = visitor()
    reader.get(ARTICLE_URL)
    page = reader.get(ARTICLE_URL)
    data = form_data(csrfmiddlewaretoken=hidden(page.text, "csrfmiddlewaretoken"))
    response = reader.post(POST_URL, data).follow()
    assert "Your comment will appear after a moderator has checked it." in page_text(response.text)
    assert state(response) is None, "a page with a message is never cached or served from cache"


class TestNotCached:
    def test_logged_in_staff_always_get_a_fresh_page(self, visitor, admin_user):
        staff = visitor()
        staff.set_cookie(settings.SESSION_COOKIE_NAME, Client().session.session_key or "x")
        client = Client()
        client.force_login(admin_user)
        staff.set_cookie(settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value)
        staff.get(ARTICLE_URL)
        assert state(staff.get(ARTICLE_URL)) is None

    def test_query_strings_bypass_the_cache(self, visitor):
        visitor().get(ARTICLE_URL)
        assert state(visitor().get(f"{ARTICLE_URL}?utm_source=leaflet")) is None

    def test_not_found_is_not_cached(self, visitor):
        visitor().get("/articles/nope/", status=404)
        assert state(visitor().get("/articles/nope/", status=404)) is None

    def test_a_disallowed_host_gets_400_even_for_a_cached_page(self, visitor):
        visitor().get(ARTICLE_URL)
        response = visitor().get(ARTICLE_URL, headers={"Host": "evil.example"}, status=400)
        assert state(response) is None

    def test_pages_stored_over_http_are_not_served_over_https(self, visitor):
        visitor().get(ARTICLE_URL)
        https = visitor().get(ARTICLE_URL, extra_environ={"wsgi.url_scheme": "https"})
        assert state(https) == "miss"


class TestConditionalRequests:
    """Pages that are the same for everyone are revalidated; pages with per-visitor values never are."""

    def test_repeat_visit_gets_304_by_etag_and_by_date(self, visitor):
        reader = visitor()
        first = reader.get(SECTION_URL)
        assert first.headers["Cache-Control"] == "private, no-cache"
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        again = reader.get(SECTION_URL, headers={"If-None-Match": etag})
        assert again.status_int == 304
        assert again.body == b""
        assert again.headers["ETag"] == etag
        assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
        assert reader.get(SECTION_URL, headers={"If-Modified-Since": modified}).status_int == 304

    def test_the_weak_etag_of_a_compressed_page_matches_too(self, visitor):
        visitor().get(SECTION_URL)
        compressed = visitor().get(SECTION_URL, headers={"Accept-Encoding": "gzip"})
        assert compressed.headers["ETag"].startswith('W/"')
        assert visitor().get(SECTION_URL, headers={"If-None-Match": compressed.headers["ETag"]}).status_int == 304

    @pytest.mark.parametrize("url", [ARTICLE_URL, SECTION_URL])
    def test_a_failed_if_match_gets_412(self, visitor, url):
        visitor().get(url)
        response = visitor().get(url, headers={"If-Match": '"something-else"'}, status=412)
        assert state(response) == "hit"

    @pytest.mark.parametrize("url", SAME_FOR_EVERYONE)
    def test_a_page_that_is_the_same_for_everyone_has_one_etag(self, visitor, url):
        first, second = visitor().get(url), visitor().get(url)
        assert (state(first), state(second)) == ("miss", "hit")
        assert first.headers["ETag"] == second.headers["ETag"]
        assert first.body == second.body, "one ETag is right only for one body"

    def test_a_change_gives_a_full_page_again(self, visitor):
        first = visitor().get(f"{ARTICLE_URL}research/")
        section = Section.objects.get(kind="research")
        section.body += "\n\nNews."
        section.save()
        response = visitor().get(f"{ARTICLE_URL}research/", headers={"If-None-Match": first.headers["ETag"]})
        assert response.status_int == 200
        assert response.headers["ETag"] != first.headers["ETag"]

    def test_a_page_with_per_visitor_values_has_no_validators(self, visitor):
        miss, hit = visitor().get(ARTICLE_URL), visitor().get(ARTICLE_URL)
        compressed = raw(visitor, ARTICLE_URL, **{"Accept-Encoding": "gzip"})
        for response in (miss, hit, compressed):
            assert not {"ETag", "Last-Modified"} & set(response.headers), state(response)
            assert response.headers["Cache-Control"] == "private, no-cache"

    def test_checking_back_after_the_csrf_cookie_changed_gives_a_form_that_works(self, visitor, monkeypatch):
        """The browser's CSRF secret changes (signing in rotates it; here its cookies are cleared)."""
        visitor().get(ARTICLE_URL)
        reader = visitor()
        copy = reader.get(ARTICLE_URL)
        reader.reset()
        page = shown_after_checking_back(reader, ARTICLE_URL, copy)
        assert send_comment(page, monkeypatch).status_int == 302

    def test_checking_back_days_later_gives_a_form_that_works(self, visitor, monkeypatch):
        visitor().get(ARTICLE_URL)
        reader = visitor()
        copy = reader.get(ARTICLE_URL)
        days_later = time.time() + 3 * 24 * 3600  # longer than COMMENTS_FORM_MAX_AGE
        monkeypatch.setattr("metsinfo.comments.spam.time.time", lambda: days_later)
        page = shown_after_checking_back(reader, ARTICLE_URL, copy)
        response = send_comment(page, monkeypatch)
        assert response.status_int == 302, page_text(response.text, "comment-form")[:300]


class TestCompression:
    """Stored pages are kept compressed; the per-visitor values are spliced in uncompressed."""

    @pytest.mark.parametrize("url", READER_PAGES)
    def test_a_compressed_hit_inflates_to_the_page(self, visitor, url):
        visitor().get(url)
        response = raw(visitor, url, **{"Accept-Encoding": "gzip, deflate, br"})
        assert (state(response), response.headers["Content-Encoding"]) == ("hit", "gzip")
        html = gzip.decompress(response.body).decode()  # checks the CRC and length too
        assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
        assert len(response.body) < len(html) / 2
        assert int(response.headers["Content-Length"]) == len(response.body)
        assert response.headers["Vary"].endswith("Accept-Encoding")
        if 'name="csrfmiddlewaretoken"' in html:
            from django.middleware.csrf import _unmask_cipher_token

            secret = response.headers["Set-Cookie"].split(";")[0].removeprefix("csrftoken=")
            assert _unmask_cipher_token(hidden(html, "csrfmiddlewaretoken")) == secret

    def test_compressed_and_plain_hits_hold_the_same_page(self, visitor):
        visitor().get(ARTICLE_URL)
        mask = re.compile(r'(name="(?:csrfmiddlewaretoken|timestamp)" value=")[^"]*"')
        plain = visitor().get(ARTICLE_URL).text
        compressed = gzip.decompress(raw(visitor, ARTICLE_URL, **{"Accept-Encoding": "gzip"}).body).decode()
        assert mask.sub(r"\1", compressed) == mask.sub(r"\1", plain)

    def test_a_miss_is_compressed_by_django(self, visitor):
        response = raw(visitor, ARTICLE_URL, **{"Accept-Encoding": "gzip"})
        assert (state(response), response.headers["Content-Encoding"]) == ("miss", "gzip")
        assert "Understanding Breast Cancer Bone Metastasis" in gzip.decompress(response.body).decode()

    def test_hole_values_of_any_length_splice_in(self):
        page = pagecache.StoredPage(
            generation=1, etag='"e"', last_modified=1, headers=(),
            parts=(b"<p>" * 300, "a", b"</p>" * 10, "b", b""),
            deflated=(pagecache._deflate(b"<p>" * 300, last=False), pagecache._deflate(b"</p>" * 10, last=False),
                      pagecache._deflate(b"", last=True)),
            crc_of_first_part=__import__("zlib").crc32(b"<p>" * 300),
        )  # fmt: skip
        for values in ([b"", b""], [b"x" * 70_000, b"y"], [b"\x00\xff", b"z" * 65_535]):
            assert gzip.decompress(page.gzipped(values)) == page.body(values)


class TestCacheDown:
    """A failing shared cache costs speed, never the page."""

    @pytest.fixture
    def cache_down(self, monkeypatch):
        def broken(*args, **kwargs):
            raise ConnectionError("redis is down")

        for method in ("get", "get_many", "set", "add"):
            monkeypatch.setattr(cache, method, broken)
        monkeypatch.setattr(cache, "get_announced", broken, raising=False)

    def test_pages_are_rendered_from_the_database(self, visitor, cache_down):
        for url in ("/", ARTICLE_URL, f"{ARTICLE_URL}symptoms/", "/glossary/"):
            response = visitor().get(url)
            assert response.status_int == 200, url
            assert state(response) is None

    def test_the_article_still_lists_comments_and_the_form(self, visitor, cache_down):
        html = visitor().get(ARTICLE_URL).text
        assert 'name="csrfmiddlewaretoken"' in html
        assert Comment.objects.approved().first().author_name in html


class TestRedisThatStopsAnswering:
    """A Redis host that hangs costs one timeout per process now and then, never the page,
    a reader's comment or an editor's change."""

    @pytest.fixture
    def hung(self, silent_redis, settings, monkeypatch):
        """Redis hangs (the site's cache settings aimed at a silent server); ``real`` restores."""
        monkeypatch.setattr(pagecache, "_retirement_owed", False)  # and back to False afterwards
        silent_redis.real = settings.CACHES
        silent_redis.hung = settings.CACHES = {"default": redis_settings(silent_redis.url, monkeypatch)}
        return silent_redis

    def test_readers_get_every_page_and_only_the_first_call_waits(self, visitor, hung):
        for url in ("/", ARTICLE_URL, f"{ARTICLE_URL}symptoms/", "/glossary/", ARTICLE_URL):
            response = visitor().get(url)
            assert response.status_int == 200, url
        # One connection for the announcements, one for the call that timed out; every other
        # call in the pause after it failed at once.
        assert len(hung.connections) <= 2

    def test_a_readers_comment_is_kept(self, visitor, hung):
        before = Comment.objects.count()
        forms = visitor().get(ARTICLE_URL).forms.values()
        form = next(form for form in forms if form.action.endswith("/comments/#comment-form"))
        for name, value in form_data(body="Posted while the cache was away.").items():
            if name != "website":
                form[name] = value
        response = form.submit()
        assert response.status_int in (302, 303), response.text[:500]
        assert Comment.objects.count() == before + 1
        assert Comment.objects.latest("created").body == "Posted while the cache was away."

    def test_an_editors_change_is_kept_and_no_stale_page_follows(self, visitor, hung, settings):
        settings.CACHES = hung.real
        visitor().get(ARTICLE_URL)
        assert state(visitor().get(ARTICLE_URL)) == "hit"  # stored, and this process holds a copy
        settings.CACHES = hung.hung
        section = Section.objects.get(kind="symptoms")
        section.body += "\n\nA sentence saved while the cache was away."
        section.save()
        assert pagecache._retirement_owed
        settings.CACHES = hung.real  # Redis is back, still holding the old pages
        assert "saved while the cache was away" in visitor().get(ARTICLE_URL).text
        assert not pagecache._retirement_owed

    def test_the_retirement_is_retried_in_the_background(self, visitor, hung, settings, monkeypatch):
        """Other servers stop serving old pages even if this process gets no further request."""
        monkeypatch.setattr(pagecache, "RETRY_SECONDS", 0.2)
        settings.CACHES = hung.real
        visitor().get(ARTICLE_URL)
        before = cache.get(pagecache.GENERATION_KEY)
        settings.CACHES = hung.hung
        GlossaryTerm.objects.create(term="Zeta", slug="zeta", definition="Saved while the cache was away.")
        assert pagecache._retirement_owed
        settings.CACHES = hung.real  # back; no request comes to this process
        for _ in range(100):
            if not pagecache._retirement_owed:
                break
            time.sleep(0.1)
        assert not pagecache._retirement_owed
        assert cache.get(pagecache.GENERATION_KEY) != before

    def test_load_content_says_when_pages_could_not_be_retired(self, hung, settings, tmp_path):
        root = tmp_path / "content"
        shutil.copytree(settings.CONTENT_DIR, root)
        path = root / "breast-cancer-bone-metastasis" / "diagnosis.md"
        path.write_text(path.read_text() + "\nA sentence loaded while the cache was away.\n")
        with pytest.raises(CommandError, match=r"content is loaded.*retire_pages"):
            call_command("load_content", "--content-dir", str(root), stdout=StringIO())
        assert "loaded while the cache was away" in Section.objects.get(kind="diagnosis").body
        with pytest.raises(CommandError, match="no page was retired"):
            call_command("retire_pages", stdout=StringIO())
        settings.CACHES = hung.real
        out = StringIO()
        call_command("retire_pages", stdout=out)
        assert "retired" in out.getvalue()
        assert not pagecache._retirement_owed


def test_retire_pages_retires_every_cached_page(visitor):
    visitor().get(ARTICLE_URL)
    assert state(visitor().get(ARTICLE_URL)) == "hit"
    call_command("retire_pages", stdout=StringIO())
    assert state(visitor().get(ARTICLE_URL)) == "miss"


class TestCsrfTokenOnCachedPages:
    """Cached pages make CSRF tokens faster than Django's get_token, with the same contract."""

    def test_token_unmasks_to_the_visitors_secret_with_a_fresh_mask_each_time(self, rf):
        from django.middleware.csrf import _unmask_cipher_token

        from metsinfo.articles.pagecache import csrf_token

        request = rf.get("/")
        request.META["CSRF_COOKIE"] = secret = "a" * 16 + "Z9" * 8
        tokens = {csrf_token(request) for _ in range(50)}
        assert len(tokens) == 50
        assert {_unmask_cipher_token(token) for token in tokens} == {secret}
        assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True

    def test_a_new_visitor_gets_a_new_secret(self, rf):
        from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token

        from metsinfo.articles.pagecache import csrf_token

        request = rf.get("/")
        token = csrf_token(request)
        secret = request.META["CSRF_COOKIE"]
        assert len(secret) == 32 and set(secret) <= set(CSRF_ALLOWED_CHARS)
        assert len(token) == 64 and _unmask_cipher_token(token) == secret

    def test_random_characters_cover_the_whole_alphabet_evenly(self):
        from collections import Counter

        from django.middleware.csrf import CSRF_ALLOWED_CHARS

        from metsinfo.articles.pagecache import _random_chars

        counts = Counter(_random_chars(62_000))
        assert set(counts) == set(CSRF_ALLOWED_CHARS)
        # 1,000 expected per character; 6 standard deviations either side.
        assert 800 < min(counts.values()) <= max(counts.values()) < 1200

    def test_the_cookie_set_on_a_cached_page_is_the_secret_behind_its_token(self, visitor):
        from django.middleware.csrf import _unmask_cipher_token

        visitor().get(ARTICLE_URL)
        reader = visitor()
        page = reader.get(ARTICLE_URL)
        assert state(page) == "hit"
        assert _unmask_cipher_token(hidden(page.text, "csrfmiddlewaretoken")) == reader.cookies["csrftoken"]

    def test_the_cookie_has_the_attributes_django_gives_it(self, visitor, settings):
        visitor().get(ARTICLE_URL)
        hit = visitor().get(ARTICLE_URL).headers["Set-Cookie"]
        rendered = Client().get(ARTICLE_URL).cookies["csrftoken"]
        for attribute in ("Path=/", "SameSite=Lax", f"Max-Age={settings.CSRF_COOKIE_AGE}", "HttpOnly"):
            assert attribute in hit and attribute in rendered.OutputString()
        settings.CSRF_COOKIE_SAMESITE = "Strict"
        assert "SameSite=Strict" in visitor().get(ARTICLE_URL).headers["Set-Cookie"]


def test_a_page_kept_in_process_memory_is_not_served_once_another_server_moves_the_generation(visitor):
    visitor().get(ARTICLE_URL)
    assert state(visitor().get(ARTICLE_URL)) == "hit"
    assert pagecache._local_pages, "the hit came from this process's copy"
    pagecache.invalidate()  # what another server does on an edit
    assert state(visitor().get(ARTICLE_URL)) == "miss"


def test_static_files_never_touch_the_page_cache(visitor, monkeypatch):
    def unexpected(*args, **kwargs):
        raise AssertionError("the page cache was consulted for a static file")

    monkeypatch.setattr(pagecache, "_lookup", unexpected)
    assert pagecache.PageCacheApp._cacheable({"REQUEST_METHOD": "GET", "PATH_INFO": "/static/css/site.css"}) is False
    assert pagecache.PageCacheApp._cacheable({"REQUEST_METHOD": "GET", "PATH_INFO": "/glossary/"}) is True
