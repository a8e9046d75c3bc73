"""The shared page cache: zero queries on a hit, working forms on cached pages, no stale pages."""

import re
import shutil
import time
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from metsinfo.articles.models import GlossaryTerm, Section
from metsinfo.articles.pagecache import page_key
from metsinfo.comments.models import Comment
from tests.comments_helpers import ARTICLE_URL, POST_URL, form_data
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")


def hidden(html: str, name: str) -> str:
    return re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', html).group(1)


def test_second_visit_is_served_from_the_cache_with_no_queries(client, django_assert_num_queries):
    assert client.get(ARTICLE_URL)["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = Client().get(ARTICLE_URL)
    assert response["X-Page-Cache"] == "hit"
    assert "Understanding Breast Cancer Bone Metastasis" in response.text


@pytest.mark.parametrize("url", ["/", f"{ARTICLE_URL}symptoms/", "/glossary/"])
def test_other_reader_pages_are_cached_too(url, django_assert_num_queries):
    Client().get(url)
    with django_assert_num_queries(0):
        assert Client().get(url)["X-Page-Cache"] == "hit"


def test_stored_page_holds_no_visitor_specific_values():
    first = Client().get(ARTICLE_URL).text
    stored = cache.get(page_key(ARTICLE_URL))
    assert "Understanding Breast Cancer Bone Metastasis" in stored.hollow
    assert hidden(first, "csrfmiddlewaretoken") not in stored.hollow
    assert hidden(first, "timestamp") not in stored.hollow


def test_each_visitor_of_a_cached_page_gets_their_own_token_and_timestamp():
    Client().get(ARTICLE_URL)
    one, two = Client().get(ARTICLE_URL), Client().get(ARTICLE_URL)
    assert one["X-Page-Cache"] == two["X-Page-Cache"] == "hit"
    assert hidden(one.text, "csrfmiddlewaretoken") != hidden(two.text, "csrfmiddlewaretoken")
    assert "csrftoken" in one.cookies, "the visitor gets the CSRF cookie their token belongs to"


def test_a_cached_article_page_still_accepts_a_comment(monkeypatch):
    Client().get(ARTICLE_URL)  # someone else's visit fills the cache
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(ARTICLE_URL)
    assert page["X-Page-Cache"] == "hit"
    later = time.time() + 30  # the reader takes half a minute to write
    monkeypatch.setattr("metsinfo.comments.spam.time.time", lambda: later)
    data = form_data(
        csrfmiddlewaretoken=hidden(page.text, "csrfmiddlewaretoken"), timestamp=hidden(page.text, "timestamp")
    )
    response = reader.post(POST_URL, data)
    assert response.status_code == 302, page_text(response.text)[:300]
    assert Comment.objects.filter(seed_key__isnull=True, body__startswith="Thank you for explaining").exists()


def test_thank_you_message_is_shown_even_though_the_page_is_cached(client):
    client.get(ARTICLE_URL)
    response = client.post(POST_URL, form_data(), follow=True)
    assert "Your comment will appear after a moderator has checked it." in page_text(response.text)
    assert "X-Page-Cache" not in response, "a page with a message is never cached or served from cache"


class TestNoStalePages:
    def test_editor_save(self, client):
        client.get(ARTICLE_URL)
        section = Section.objects.get(kind="symptoms")
        section.body += "\n\nA sentence added by an editor."
        section.save()
        response = Client().get(ARTICLE_URL)
        assert response["X-Page-Cache"] == "miss"
        assert "A sentence added by an editor." in response.text

    def test_glossary_change(self, client):
        client.get("/glossary/")
        GlossaryTerm.objects.create(term="Zeta", slug="zeta", definition="A new term.")
        assert "A new term." in Client().get("/glossary/").text

    def test_load_content_run(self, tmp_path):
        root = tmp_path / "content"
        shutil.copytree(settings.CONTENT_DIR, root)
        call_command("load_content", "--content-dir", str(root), stdout=StringIO())
        Client().get(f"{ARTICLE_URL}diagnosis/")
        path = root / "breast-cancer-bone-metastasis" / "diagnosis.md"
        path.write_text(path.read_text() + "\nA sentence from the content files.\n")
        call_command("load_content", "--content-dir", str(root), stdout=StringIO())
        assert "A sentence from the content files." in Client().get(f"{ARTICLE_URL}diagnosis/").text

    def test_comment_approved_in_the_admin_and_then_removed(self, client):
        comment = Comment.objects.create(article=Comment.objects.first().article, body="Waiting for approval.")
        Client().get(ARTICLE_URL)
        moderator = User.objects.create_user("mod", password="a long moderator password", is_staff=True)
        moderator.groups.add(Group.objects.get(name="Moderators"))
        client.force_login(moderator)
        client.post("/admin/comments/comment/", {"action": "approve", "_selected_action": [comment.pk]})
        assert "Waiting for approval." in Client().get(ARTICLE_URL).text
        comment.delete()
        assert "Waiting for approval." not in Client().get(ARTICLE_URL).text

    def test_a_new_pending_comment_keeps_the_cache(self, client):
        Client().get(ARTICLE_URL)
        client.post(POST_URL, form_data())
        assert Client().get(ARTICLE_URL)["X-Page-Cache"] == "hit"

    def test_a_report_that_hides_a_comment_retires_the_page(self, settings):
        settings.COMMENTS_REPORT_THRESHOLD = 1
        comment = Comment.objects.approved().first()
        Client().get(ARTICLE_URL)
        Client().post(f"/comments/{comment.pk}/report/")
        assert comment.body[:40] not in page_text(Client().get(ARTICLE_URL).text, "comments")

    def test_new_deploy(self, settings):
        Client().get(ARTICLE_URL)
        settings.RELEASE = "next-release"
        assert Client().get(ARTICLE_URL)["X-Page-Cache"] == "miss"


class TestNotCached:
    def test_logged_in_staff_always_get_a_fresh_page(self, admin_client):
        admin_client.get(ARTICLE_URL)
        assert "X-Page-Cache" not in admin_client.get(ARTICLE_URL)

    def test_query_strings_bypass_the_cache(self):
        Client().get(ARTICLE_URL)
        assert "X-Page-Cache" not in Client().get(f"{ARTICLE_URL}?utm_source=leaflet")

    def test_not_found_is_not_cached(self):
        Client().get("/articles/nope/")
        assert "X-Page-Cache" not in Client().get("/articles/nope/")


class TestConditionalRequests:
    def test_repeat_visit_gets_304_by_etag_and_by_date(self):
        reader = Client()
        first = reader.get(ARTICLE_URL)
        assert first["Cache-Control"] == "private, no-cache"
        etag, modified = first["ETag"], first["Last-Modified"]
        again = reader.get(ARTICLE_URL, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert reader.get(ARTICLE_URL, headers={"If-Modified-Since": modified}).status_code == 304

    def test_etag_is_the_same_for_every_visitor_of_the_same_content(self):
        assert Client().get(ARTICLE_URL)["ETag"] == Client().get(ARTICLE_URL)["ETag"]

    def test_a_change_gives_a_full_page_again(self):
        first = Client().get(ARTICLE_URL)
        section = Section.objects.get(kind="research")
        section.body += "\n\nNews."
        section.save()
        response = Client().get(ARTICLE_URL, headers={"If-None-Match": first["ETag"]})
        assert response.status_code == 200
        assert response["ETag"] != first["ETag"]

    def test_html_is_compressed(self):
        import gzip

        response = Client().get(ARTICLE_URL, headers={"Accept-Encoding": "gzip, br"})
        assert response["Content-Encoding"] == "gzip"
        html = gzip.decompress(response.content).decode()
        assert "Understanding Breast Cancer Bone Metastasis" in html
        assert len(response.content) < len(html) / 3


class TestCacheDown:
    """A failing shared cache costs speed, never the page."""

    @pytest.fixture
    def cache_down(self, monkeypatch):
        def broken(*args, **kwargs):
            raise ConnectionError("redis is down")

        for method in ("get", "get_many", "set", "add"):
            monkeypatch.setattr(cache, method, broken)

    def test_pages_are_rendered_from_the_database(self, cache_down):
        for url in ("/", ARTICLE_URL, f"{ARTICLE_URL}symptoms/", "/glossary/"):
            response = Client().get(url)
            assert response.status_code == 200, url
            assert "X-Page-Cache" not in response

    def test_the_article_still_lists_comments_and_the_form(self, cache_down):
        html = Client().get(ARTICLE_URL).text
        assert 'name="csrfmiddlewaretoken"' in html
        assert Comment.objects.approved().first().author_name in html


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

    def test_the_cookie_set_on_a_cached_page_is_the_secret_behind_its_token(self):
        from django.middleware.csrf import _unmask_cipher_token

        Client().get(ARTICLE_URL)
        page = Client().get(ARTICLE_URL)
        assert page["X-Page-Cache"] == "hit"
        assert _unmask_cipher_token(hidden(page.text, "csrfmiddlewaretoken")) == page.cookies["csrftoken"].value


def test_a_page_kept_in_process_memory_is_not_served_once_another_server_moves_the_generation():
    from metsinfo.articles import pagecache

    Client().get(ARTICLE_URL)
    assert Client().get(ARTICLE_URL)["X-Page-Cache"] == "hit"
    assert pagecache._local_pages, "the hit came from this process's copy"
    cache.set(pagecache.GENERATION_KEY, 1, None)  # what another server's invalidate() does
    assert Client().get(ARTICLE_URL)["X-Page-Cache"] == "miss"
