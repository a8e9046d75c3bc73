"""The admin as it stands for issue 2: pages open, and a glossary edit refreshes stored HTML."""

import pytest

from metsinfo.articles.models import Article, GlossaryTerm, Section

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize("model", ["article", "glossaryterm"])
def test_changelists_and_change_pages_open(admin_client, model):
    assert admin_client.get(f"/admin/articles/{model}/").status_code == 200
    obj = Article.objects.first() if model == "article" else GlossaryTerm.objects.first()
    assert admin_client.get(f"/admin/articles/{model}/{obj.pk}/change/").status_code == 200


def test_new_glossary_term_is_linked_in_stored_pages(admin_client):
    assert "glossary/#nanotechnology" not in Section.objects.get(kind="research").body_html
    response = admin_client.post(
        "/admin/articles/glossaryterm/add/",
        {
            "term": "Nanotechnology",
            "slug": "nanotechnology",
            "definition": "Science of very small things.",
            "aliases": "",
        },
    )
    assert response.status_code == 302
    assert 'href="/glossary/#nanotechnology">nanotechnology</a>' in Section.objects.get(kind="research").body_html


def test_readers_cannot_reach_the_admin(client):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
