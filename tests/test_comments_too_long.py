"""A comment over the upload limit gets the site's own page, saying what the limit is (413).

Security review 2026-12, §1: a 3 MB comment got Django's 143-byte "Bad Request".
"""

import pytest
from django.test import Client

from metsinfo.comments.models import Comment
from tests.comments_helpers import ARTICLE_SLUG, ARTICLE_URL, POST_URL, TOKEN_URL, form_data
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")
THREE_MB = "Far too long. " * (3 * 1024 * 1024 // 14)


def test_a_comment_too_large_to_receive_gets_a_page_saying_the_limit(client, settings):
    assert len(THREE_MB) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = client.post(POST_URL, form_data(body=THREE_MB))
    assert response.status_code == 413
    text = page_text(response.text)
    assert "Your comment was too long to send" in text
    assert f"A comment can be up to {settings.COMMENTS_MAX_LENGTH:,} characters long." in text
    assert "We could not keep your text, because it was too long." in text
    assert "please shorten it and send it again" in text
    assert f'href="{ARTICLE_URL}#comment-form"' in response.text
    assert "no-store" in response["Cache-Control"]
    assert not Comment.objects.filter(seed_key__isnull=True).exists()


def test_the_limit_on_the_page_follows_the_setting(client, settings):
    settings.COMMENTS_MAX_LENGTH = 1200
    assert "A comment can be up to 1,200 characters long." in page_text(
        client.post(POST_URL, form_data(body=THREE_MB)).text
    )


def test_it_is_the_same_with_csrf_checks_on():
    browser = Client(enforce_csrf_checks=True)
    token = browser.get(TOKEN_URL).json()["csrf"]
    response = browser.post(POST_URL, {**form_data(body=THREE_MB), "csrfmiddlewaretoken": token})
    assert response.status_code == 413
    assert "Your comment was too long to send" in page_text(response.text)


def test_a_long_comment_under_the_upload_limit_still_comes_back_with_its_text(client):
    body = "Long but receivable. " * 50_000  # about 1 MB
    response = client.post(POST_URL, form_data(body=body))
    assert response.status_code == 400
    assert "Please shorten it." in page_text(response.text)
    assert body.strip()[:200] in response.text


def test_other_forms_keep_djangos_answer(client):
    comment = Comment.objects.approved().first()
    response = client.post(f"/comments/{comment.pk}/report/", {"reason": THREE_MB})
    assert response.status_code == 400


def test_the_page_nginx_shows_for_its_own_limit_names_the_limit_and_the_way_back(client):
    """deploy/nginx/metsinfo.conf turns its 413 into a GET of this page (tests/test_proxy.py runs it)."""
    response = client.get("/comments/too-long/", {"article": ARTICLE_SLUG})
    assert response.status_code == 413
    assert "Your comment was too long to send" in page_text(response.text)
    assert f'href="{ARTICLE_URL}#comment-form"' in response.text
    assert "no-store" in response["Cache-Control"]
    odd = client.get("/comments/too-long/", {"article": '"><script>'})
    assert odd.status_code == 413
    assert "comment-form" not in odd.text and "<script>" not in odd.text
