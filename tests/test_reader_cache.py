"""Reader pages are the same bytes for every anonymous visitor, marked public, cached by the book.

No Set-Cookie, no Vary: Cookie, nothing per visitor; Cache-Control public with the chosen
lifetimes; an ETag from the body and 304s; staff, sessions and pending messages bypass every
cache. Requests go through the WSGI application as gunicorn runs it (``visitor``).
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches

from metsinfo.articles.models import Article, Section
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
READER_PAGES = [
    "/",
    ARTICLE_URL,
    f"{ARTICLE_URL}symptoms/",
    "/glossary/",
    "/support/",
    "/support/getting-help/",
    "/support/questions-to-ask/",
    "/my-questions/",
    "/search/?q=pain",
    "/search/?q=nothing-matches-this",
]


@pytest.mark.parametrize("url", READER_PAGES)
def test_every_anonymous_visitor_gets_the_same_bytes_and_no_cookie(visitor, url):
    first, second = visitor().get(url), visitor().get(url)
    assert first.status_int == 200
    assert first.body == second.body
    for response in (first, second):
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.headers.get("Vary", "")
        assert "csrfmiddlewaretoken" not in response.text or 'value=""' in response.text


@pytest.mark.parametrize("url", READER_PAGES)
def test_reader_pages_are_public_with_the_chosen_lifetimes(visitor, url):
    directives = {part.strip() for part in visitor().get(url).headers["Cache-Control"].split(",")}
    assert directives == {
        "public",
        f"max-age={settings.READER_PAGE_MAX_AGE}",
        f"s-maxage={settings.READER_PAGE_S_MAXAGE}",
        f"stale-while-revalidate={settings.READER_PAGE_STALE_WHILE_REVALIDATE}",
        f"stale-if-error={settings.READER_PAGE_STALE_IF_ERROR}",
    }


def test_a_correction_reaches_a_shared_cache_within_a_minute():
    kept = settings.READER_PAGE_PROCESS_SECONDS + settings.READER_PAGE_S_MAXAGE
    assert kept + settings.READER_PAGE_STALE_WHILE_REVALIDATE <= 60


@pytest.mark.parametrize("url", [ARTICLE_URL, "/glossary/"])
def test_checking_back_gets_304_until_the_page_changes(visitor, url):
    reader = visitor()
    first = reader.get(url)
    etag = first.headers["ETag"]
    assert reader.get(url, headers={"If-None-Match": etag}).status_int == 304
    term_or_section = Section.objects.get(kind="symptoms")
    term_or_section.body += "\n\nA sentence added by an editor."
    term_or_section.save()
    if url == "/glossary/":
        from metsinfo.articles.models import GlossaryTerm

        GlossaryTerm.objects.create(term="Zeta", slug="zeta", definition="A new term.")
    assert reader.get(url, headers={"If-None-Match": etag}).status_int == 200


@pytest.mark.parametrize("accept", ["", "gzip, deflate, br"])
def test_a_cached_page_is_neither_hashed_nor_compressed_again(visitor, monkeypatch, accept):
    import django.middleware.gzip
    import django.middleware.http

    work = {"hashed": 0, "compressed": 0}

    def counting(name, real):
        def counted(*args, **kwargs):
            work[name] += 1
            return real(*args, **kwargs)

        return counted

    monkeypatch.setattr(
        django.middleware.http, "set_response_etag", counting("hashed", django.middleware.http.set_response_etag)
    )
    monkeypatch.setattr(
        django.middleware.gzip, "compress_string", counting("compressed", django.middleware.gzip.compress_string)
    )
    headers = {"Accept-Encoding": accept} if accept else {}
    first = visitor().get(ARTICLE_URL, headers=headers)
    before = dict(work)
    pages = [visitor().get(ARTICLE_URL, headers=headers) for _ in range(5)]
    assert work == before, "served as stored"
    assert work["hashed"] == 0, "the ETag is made once, before the page is stored"
    assert {page.body for page in pages} == {first.body}
    # Compressed once, when stored (WebTest decodes the body; GZip marks the ETag weak).
    assert before["compressed"] == (1 if accept else 0)
    assert first.headers["ETag"].startswith("W/") == bool(accept)


def test_a_draft_stays_hidden_from_readers_after_staff_viewed_it(visitor, admin_user):
    Article.objects.filter(slug=ARTICLE_SLUG).update(status="draft")
    caches["pages"].clear()
    staff = visitor()
    staff.set_cookie(settings.SESSION_COOKIE_NAME, _session_for(admin_user))
    seen = staff.get(ARTICLE_URL)
    assert seen.status_int == 200 and "Draft." in seen.text
    assert "private" in seen.headers["Cache-Control"] and "no-cache" in seen.headers["Cache-Control"]
    assert visitor().get(ARTICLE_URL, expect_errors=True).status_int == 404


def test_a_staff_page_is_never_stored_for_readers(visitor, admin_user):
    staff = visitor()
    staff.set_cookie(settings.SESSION_COOKIE_NAME, _session_for(admin_user))
    staff.get("/")
    assert not caches["pages"]._cache, "nothing a signed-in visitor saw is kept"
    assert "Cookie" in staff.get("/").headers.get("Vary", "")


def test_a_pending_message_bypasses_the_cache(visitor):
    reader = visitor()
    reader.get(ARTICLE_URL)
    stored = len(caches["pages"]._cache)
    reader.set_cookie("messages", "anything")
    response = reader.get(ARTICLE_URL)
    assert "private" in response.headers["Cache-Control"]
    assert len(caches["pages"]._cache) == stored


def test_reading_user_does_not_touch_the_session_without_a_session_cookie(client):
    response = client.get(f"{ARTICLE_URL}symptoms/")
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def _session_for(user: User) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value
