"""The comment form on an article page that every reader shares, and any cache may keep.

The page carries no CSRF token and no timestamp: with JavaScript the form fetches both from
``/comments/token/`` (never cached); without it, a link leads to the same form on a page of its
own, never cached either. A form sent back with problems is the reader's own page, token and all.
"""

import re
import time
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.test import Client

from metsinfo.articles.models import Article
from metsinfo.comments import spam
from metsinfo.comments.models import Comment
from tests.comments_helpers import ARTICLE_SLUG, ARTICLE_URL, NEW_URL, POST_URL, TOKEN_URL, form_data, hidden_value
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")

THANK_YOU = "Your comment will appear after a moderator has checked it."
_FORM_TAG = re.compile(r'<form method="post" action="[^"]*/comments/#comment-form"[^>]*>')


@pytest.fixture
def clock(monkeypatch) -> SimpleNamespace:
    """The clock the form's timestamps are signed and checked by; move it with ``clock.now``."""
    clock = SimpleNamespace(now=time.time())
    monkeypatch.setattr(spam, "time", SimpleNamespace(time=lambda: clock.now))
    return clock


@pytest.fixture
def get_token_calls(monkeypatch) -> list:
    """Every call of Django's get_token, direct or through ``{% csrf_token %}``."""
    import django.middleware.csrf
    import django.template.context_processors

    calls = []
    real = django.middleware.csrf.get_token

    def spy(request):
        calls.append(request.path)
        return real(request)

    monkeypatch.setattr(django.middleware.csrf, "get_token", spy)
    monkeypatch.setattr(django.template.context_processors, "get_token", spy)
    return calls


def new_comments():
    return Comment.objects.filter(seed_key__isnull=True)


def form_tag(html: str) -> str:
    return _FORM_TAG.search(html).group(0)


def never_cached(response) -> bool:
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    return {"no-cache", "no-store", "private"} <= directives


class TestTheArticlePage:
    def test_two_anonymous_visitors_get_the_same_bytes_with_no_cookie_and_no_token(self, clock, get_token_calls):
        first = Client().get(ARTICLE_URL)
        caches["pages"].clear()  # the second visitor's page is rendered too, two minutes later
        clock.now += 120
        second = Client().get(ARTICLE_URL)
        assert first.status_code == second.status_code == 200
        assert first.content == second.content
        for response in (first, second):
            assert not response.cookies, "no Set-Cookie"
            assert "Cookie" not in response.get("Vary", "")
            assert "public" in response["Cache-Control"]
        assert get_token_calls == []
        html = first.text
        assert hidden_value(html, "csrfmiddlewaretoken") == ""
        assert hidden_value(html, "timestamp") == ""

    def test_the_form_waits_for_its_script_behind_a_link_to_its_own_page(self, client):
        html = client.get(ARTICLE_URL).text
        tag = form_tag(html)
        assert f'data-token-url="{TOKEN_URL}"' in tag and " hidden" in tag
        assert f'<a class="button" href="{NEW_URL}" rel="nofollow">Write a comment</a>' in html
        assert '<script src="/static/js/comment-form.js" defer></script>' in html
        assert 'role="status"' in html[html.index('id="comment-form"') :], "a live region for a failed fetch"

    def test_the_form_sent_back_with_problems_carries_its_own_token_and_shows(self, client, get_token_calls):
        response = client.post(POST_URL, form_data(consent=None, body="My careful words."))
        assert response.status_code == 400
        html = response.text
        assert "My careful words." in html
        assert "data-token-url" not in form_tag(html) and " hidden" not in form_tag(html)
        assert len(hidden_value(html, "csrfmiddlewaretoken")) == 64
        assert spam.timestamp_problem(hidden_value(html, "timestamp"), now=time.time() + 60) is None
        assert "Write a comment" not in html
        assert get_token_calls, "{% csrf_token %} on the reader's own page"
        assert "public" not in response.get("Cache-Control", "")


class TestTheTokenEndpoint:
    def test_it_gives_a_token_and_a_fresh_timestamp_never_cached(self, client, clock):
        response = client.get(TOKEN_URL)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        values = response.json()
        assert set(values) == {"csrf", "timestamp"}
        assert len(values["csrf"]) == 64
        assert "quicker than anyone" in spam.timestamp_problem(values["timestamp"]), "signed just now"
        clock.now += 60
        assert spam.timestamp_problem(values["timestamp"]) is None
        assert never_cached(response)
        assert response["X-Robots-Tag"] == "noindex"
        assert "csrftoken" in response.cookies
        assert "Cookie" in response["Vary"]

    def test_it_answers_only_get_and_head(self, client):
        assert client.head(TOKEN_URL).status_code == 200
        assert client.post(TOKEN_URL).status_code == 405

    def test_a_comment_sent_with_its_token_is_stored_once_and_thanked(self, clock):
        reader = Client(enforce_csrf_checks=True)
        reader.get(ARTICLE_URL)  # as a reader arrives, with no cookie and none given
        values = reader.get(TOKEN_URL).json()  # when they start to write
        clock.now += 60  # a minute of writing
        data = form_data(csrfmiddlewaretoken=values["csrf"], timestamp=values["timestamp"])
        response = reader.post(POST_URL, data, follow=True)
        assert response.redirect_chain == [(f"{ARTICLE_URL}#comments", 302)]
        assert THANK_YOU in page_text(response.text, "comments")
        assert "public" not in response["Cache-Control"], "a page with a message is the reader's own"
        assert new_comments().get().status == Comment.Status.PENDING

    def test_without_its_token_a_comment_is_refused_with_the_text_given_back(self):
        response = Client(enforce_csrf_checks=True).post(POST_URL, form_data(body="Words I typed."))
        assert response.status_code == 403
        assert "Words I typed." in response.text
        assert not new_comments().exists()

    def test_a_form_sent_back_with_problems_can_be_sent_with_the_token_it_carries(self, clock):
        reader = Client(enforce_csrf_checks=True)
        values = reader.get(TOKEN_URL).json()
        clock.now += 60
        data = form_data(csrfmiddlewaretoken=values["csrf"], timestamp=values["timestamp"], consent=None)
        first = reader.post(POST_URL, data)
        assert first.status_code == 400
        data = form_data(
            csrfmiddlewaretoken=hidden_value(first.text, "csrfmiddlewaretoken"),
            timestamp=hidden_value(first.text, "timestamp"),
        )
        assert reader.post(POST_URL, data).status_code == 302
        assert new_comments().count() == 1


class TestWithoutJavaScript:
    def test_the_form_has_a_page_of_its_own_with_its_token_never_cached(self, client, clock):
        response = client.get(NEW_URL)
        assert response.status_code == 200
        assert never_cached(response)
        assert response["X-Robots-Tag"] == "noindex"
        html = response.text
        assert "data-token-url" not in form_tag(html) and " hidden" not in form_tag(html)
        assert f'action="{POST_URL}#comment-form"' in form_tag(html)
        assert len(hidden_value(html, "csrfmiddlewaretoken")) == 64
        clock.now += 60
        assert spam.timestamp_problem(hidden_value(html, "timestamp")) is None, "fresh"
        assert "<title>Add a comment \u2013 Understanding Breast Cancer Bone Metastasis \u2013 metsinfo</title>" in html
        assert html.count(f'href="{ARTICLE_URL}#comments"') == 2, "the way back to the article"
        text = page_text(html, "comment-form")
        assert "Comments are checked by a moderator before they appear." in text
        assert "Write a comment" not in text

    def test_a_comment_sent_from_it_is_stored_and_thanked(self, clock):
        reader = Client(enforce_csrf_checks=True)
        html = reader.get(NEW_URL).text
        clock.now += 60
        data = form_data(
            csrfmiddlewaretoken=hidden_value(html, "csrfmiddlewaretoken"), timestamp=hidden_value(html, "timestamp")
        )
        response = reader.post(POST_URL, data, follow=True)
        assert response.redirect_chain == [(f"{ARTICLE_URL}#comments", 302)]
        assert THANK_YOU in page_text(response.text, "comments")
        assert new_comments().get().status == Comment.Status.PENDING

    def test_a_draft_or_unknown_article_has_no_comment_page(self, client):
        assert client.get("/articles/no-such-article/comments/new/").status_code == 404
        Article.objects.filter(slug=ARTICLE_SLUG).update(status=Article.Status.DRAFT)
        assert client.get(NEW_URL).status_code == 404

    def test_it_answers_only_get_and_head(self, client):
        assert client.post(NEW_URL, form_data()).status_code == 405
