"""/search/?q=: published sections and the glossary, matches highlighted, a helpful empty state."""

import pytest
from django.conf import settings
from django.db import connection

from metsinfo.articles.models import Article, Section
from metsinfo.articles.search import highlight, words_of
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")


def results(client, query: str) -> list[str]:
    import re

    html = client.get("/search/", {"q": query}).text
    return re.findall(r'<h3><a href="([^"]+)">', html)


def test_finds_sections_and_glossary_terms(client):
    found = results(client, "osteoclasts")
    assert "/articles/breast-cancer-bone-metastasis/mechanism/" in found
    assert "/glossary/#osteoclast" in found


def test_a_word_not_on_the_site_does_not_hide_the_others(client):
    assert "/articles/breast-cancer-bone-metastasis/diagnosis/" in results(client, "bone scan")
    assert "/glossary/#osteoclast" in results(client, "osteoclasts zzyzzyx")
    assert results(client, "zzyzzyx qqqxqq") == []


def test_matches_are_highlighted_and_counted(client):
    response = client.get("/search/", {"q": "denosumab"})
    assert response.status_code == 200
    assert "<mark>denosumab</mark>" in response.text.lower()
    assert "result" in page_text(response.text)
    assert f'<link rel="canonical" href="{settings.SITE_URL}/search/">' in response.text


def test_stemming_and_highlighting_on_every_database(client):
    assert connection.vendor in {"sqlite", "postgresql"}
    assert "/articles/breast-cancer-bone-metastasis/treatments/" in results(client, "fracture")
    assert "<mark>fractures</mark>" in client.get("/search/", {"q": "fracture"}).text


def test_no_results_gives_a_way_on(client):
    text = page_text(client.get("/search/", {"q": "qwertyuiop"}).text)
    assert "No results for “qwertyuiop”" in text
    assert "Browse the sections" in text
    assert "glossary" in text


def test_no_query_shows_the_form_and_the_sections(client):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'role="search"' in response.text
    assert "Or browse the sections" in page_text(response.text)


def test_drafts_are_not_searched(client):
    Article.objects.update(status=Article.Status.DRAFT)
    assert results(client, "osteoclasts") == ["/glossary/#osteoclast"]


def test_the_query_and_the_content_never_become_markup(client):
    response = client.get("/search/", {"q": '<script>alert(1)</script> bone "><img src=x onerror=alert(1)>'})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "<img src=x" not in response.text
    section = Section.objects.get(kind="research")
    section.body += "\n\nA note about <b>bold</b> &amp; zebras."
    section.save()
    html = client.get("/search/", {"q": "zebras"}).text
    assert "<mark>zebras</mark>" in html
    assert "&lt;b&gt;" not in html and "<b>bold</b>" not in html.split('class="search-results"')[1]


def test_long_and_odd_queries_are_handled(client):
    long = client.get("/search/", {"q": "bone " * 500}, follow=True)
    assert long.status_code == 200
    assert long.redirect_chain == [(f"/search/?q={('bone+' * 40).removesuffix('+')}", 301)]  # its first 200
    assert client.get("/search/", {"q": "%%%___"}).status_code == 200
    assert words_of("a b c") == []
    assert len(words_of(" ".join(f"word{n}" for n in range(20)))) == 8


def test_query_count_is_fixed(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/search/", {"q": "bone pain scan"})


def test_highlight_escapes_and_marks():
    excerpt = highlight("Pain & <fractures> in bone; fractured hips.", ["fractures"])
    assert excerpt == "Pain &amp; &lt;<mark>fractures</mark>&gt; in bone; <mark>fractured</mark> hips."
