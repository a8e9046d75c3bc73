"""A response that says nothing about caching is never kept by a shared cache (security review 8a).

Reader pages say ``public`` themselves (metsinfo/articles/caching.py); everything else, such as
the report form with its CSRF cookie, a 404 for an unknown address or a redirect, is marked
private by default, as the README promises.
"""

import pytest

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE = "/articles/breast-cancer-bone-metastasis/"


def _report_url(client) -> str:
    from metsinfo.comments.models import Comment

    comment = Comment.objects.filter(status=Comment.Status.APPROVED).first()
    return f"/comments/{comment.pk}/report/"


@pytest.mark.parametrize("url", ["/no-such-page/", "/glossary", "report"])
def test_a_response_without_its_own_caching_rule_is_private(client, url):
    response = client.get(_report_url(client) if url == "report" else url)
    assert response.status_code in (200, 301, 404)
    assert "private" in response["Cache-Control"], response.status_code
    assert "public" not in response["Cache-Control"]


def test_reader_pages_keep_their_own_public_rule(client):
    response = client.get(ARTICLE)
    assert response["Cache-Control"].startswith("public, ")
    assert "private" not in response["Cache-Control"]
