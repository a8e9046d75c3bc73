"""Every public page over HTTP: content, stable URLs, 404s, the 500 page and query bounds."""

from datetime import date

import pytest
from django.conf import settings
from django.test import RequestFactory

from metsinfo.articles import views
from metsinfo.articles.models import Article, ChangeNote, GlossaryTerm, Section, SectionKind, add_note
from tests.conftest import ARTICLE_SLUG
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"


class TestHome:
    def test_lists_published_articles_only(self, client):
        Article.objects.create(slug="work-in-progress", title="Work in progress", summary="Draft.")
        response = client.get("/")
        assert response.status_code == 200
        assert f'href="{ARTICLE_URL}"' in response.text
        assert "Work in progress" not in response.text


class TestArticlePage:
    def test_shows_title_lead_and_every_section_with_its_id(self, client):
        response = client.get(ARTICLE_URL)
        assert response.status_code == 200
        html = response.text
        assert html.count("<h1") == 1
        assert "Understanding Breast Cancer Bone Metastasis</h1>" in html
        for kind in SectionKind.values:
            assert f'<section id="{kind}"' in html
            assert f'href="#{kind}"' in html, "the contents list links to every section"
            assert f'href="/articles/{ARTICLE_SLUG}/{kind}/"' in html

    def test_sections_appear_in_reading_order(self, client):
        html = client.get(ARTICLE_URL).text
        positions = [html.index(f'<section id="{kind}"') for kind in SectionKind.values]
        assert positions == sorted(positions)

    def test_key_points_for_every_section(self, client):
        html = client.get(ARTICLE_URL).text
        for section in Section.objects.all():
            points = page_text(html, f"{section.kind}-key-points")
            assert points == "Key points"
            for point in section.key_points_html.split("<li>")[1:]:
                assert page_text(point) in page_text(html, section.kind)

    def test_trust_information(self, client):
        text = page_text(client.get(ARTICLE_URL).text)
        assert "This is general information, not medical advice." in text
        # Until a clinician signs off, the date is only when it was updated: reviewed by the editors
        # on 25 November, changed on 1 December (the content's newest public change note).
        assert "Last updated: 1 December 2026" in text and "Page last reviewed" not in text
        assert "Next review due:" in text
        assert "has not yet been clinically reviewed" in text
        assert "Sources" in text

    def test_last_updated_is_the_newer_of_the_review_and_the_newest_change(self, client):
        ChangeNote.objects.all().delete()
        assert "Last updated: 25 November 2026" in page_text(client.get(ARTICLE_URL).text)
        add_note(Section.objects.get(kind="symptoms"), "A new sign to look out for.", date(2026, 12, 5))
        assert "Last updated: 5 December 2026" in page_text(client.get(ARTICLE_URL).text)
        add_note(Article.objects.get(slug=ARTICLE_SLUG), "An older note.", date(2026, 11, 1))
        assert "Last updated: 5 December 2026" in page_text(client.get(ARTICLE_URL).text)

    def test_reviewer_is_named_once_signed_off(self, client):
        Article.objects.filter(slug=ARTICLE_SLUG).update(reviewer="Dr A Example, consultant clinical oncologist")
        text = page_text(client.get(ARTICLE_URL).text)
        assert "Clinically reviewed by Dr A Example, consultant clinical oncologist." in text
        assert "not yet been clinically reviewed" not in text
        assert "Page last reviewed: 25 November 2026" in text

    def test_sources_list_every_source(self, client):
        article = Article.objects.get(slug=ARTICLE_SLUG)
        sources = page_text(client.get(ARTICLE_URL).text, "sources")
        assert len(article.references) >= 20
        for reference in article.references:
            assert f"{reference.citation} {reference.url}" in sources

    def test_urgent_help_card_comes_first_and_names_the_red_flags(self, client):
        html = client.get(ARTICLE_URL).text
        assert page_text(html, "urgent-help-title") == "Get urgent help"
        text = page_text(html)
        for sign in ["back or neck", "pins and needles", "trouble walking", "bladder or bowels", "bottom or genitals"]:
            assert sign in text
        for sign in ["very thirsty", "peeing a lot", "(constipation)", "(confusion)", "call 999"]:
            assert sign in text

    def test_draft_article_is_not_found(self, client):
        Article.objects.filter(slug=ARTICLE_SLUG).update(status=Article.Status.DRAFT)
        assert client.get(ARTICLE_URL).status_code == 404
        assert client.get(f"{ARTICLE_URL}symptoms/").status_code == 404

    def test_staff_see_a_draft_at_its_public_address_with_a_banner(self, admin_client):
        Article.objects.filter(slug=ARTICLE_SLUG).update(status=Article.Status.DRAFT)
        for url in (ARTICLE_URL, f"{ARTICLE_URL}symptoms/"):
            response = admin_client.get(url)
            assert response.status_code == 200
            assert "Only staff can see this page" in page_text(response.text)

    def test_published_pages_have_no_draft_banner(self, admin_client):
        assert "Only staff can see this page" not in admin_client.get(ARTICLE_URL).text

    def test_query_count_is_fixed(self, client, django_assert_num_queries):
        # The article, its sections, the glossary words it uses (printed), its public change notes,
        # and its approved comments with their replies.
        with django_assert_num_queries(5):
            client.get(ARTICLE_URL)

    def test_query_count_does_not_grow_with_the_glossary_or_comments(self, client, django_assert_num_queries):
        from metsinfo.comments.models import Comment, Reply

        GlossaryTerm.objects.bulk_create(
            GlossaryTerm(term=f"Term {n}", slug=f"term-{n}", definition="A word.") for n in range(200)
        )
        article = Article.objects.get(slug=ARTICLE_SLUG)
        comments = Comment.objects.bulk_create(
            Comment(article=article, body=f"Comment {n}", body_html=f"<p>Comment {n}</p>", status="approved")
            for n in range(100)
        )
        Reply.objects.bulk_create(Reply(comment=c, body="Thanks", body_html="<p>Thanks</p>") for c in comments[50:])
        with django_assert_num_queries(5):
            response = client.get(ARTICLE_URL)
        assert response.text.count('class="comment"') == settings.COMMENTS_PER_PAGE == 20
        assert response.text.count('class="official-reply"') == 20

    def test_rendered_html_is_stored_not_rendered_per_request(self, client, monkeypatch):
        def fail(*args, **kwargs):
            raise AssertionError("Markdown rendered during a request")

        monkeypatch.setattr("metsinfo.articles.rendering.render_markdown", fail)
        monkeypatch.setattr("metsinfo.articles.models.content.render_markdown", fail)
        monkeypatch.setattr("metsinfo.articles.models.pages.render_markdown", fail)
        assert client.get(ARTICLE_URL).status_code == 200
        assert client.get(f"{ARTICLE_URL}treatments/").status_code == 200


class TestSectionPage:
    def test_section_on_its_own_page(self, client):
        response = client.get(f"{ARTICLE_URL}diagnosis/")
        assert response.status_code == 200
        html = response.text
        section = Section.objects.get(kind="diagnosis")
        assert html.count("<h1") == 1
        assert f">{section.title}</h1>" in html
        assert f'<link rel="canonical" href="{settings.SITE_URL}{ARTICLE_URL}diagnosis/">' in html
        assert f'href="{ARTICLE_URL}#diagnosis"' in html, "a link back to the article"

    def test_previous_and_next_links(self, client):
        html = client.get(f"{ARTICLE_URL}diagnosis/").text
        assert f'href="{ARTICLE_URL}symptoms/" rel="prev"' in html
        assert f'href="{ARTICLE_URL}treatments/" rel="next"' in html

    def test_first_and_last_sections_have_one_neighbour(self, client):
        first = client.get(f"{ARTICLE_URL}mechanism/").text
        last = client.get(f"{ARTICLE_URL}research/").text
        assert 'rel="prev"' not in first
        assert 'rel="next"' in first
        assert 'rel="prev"' in last
        assert 'rel="next"' not in last

    def test_urgent_help_on_every_section_page(self, client):
        for kind in ("symptoms", "research"):
            assert "Get urgent help" in client.get(f"{ARTICLE_URL}{kind}/").text

    def test_query_count_is_fixed(self, client, django_assert_num_queries):
        # The article, its sections, the glossary words the section uses (printed), the questions
        # page whose topics the section offers to tick, and the section's change notes.
        with django_assert_num_queries(5):
            client.get(f"{ARTICLE_URL}treatments/")

    def test_missing_section_of_a_real_kind_is_not_found(self, client):
        Section.objects.filter(kind="research").delete()
        response = client.get(f"{ARTICLE_URL}research/")
        assert response.status_code == 404


class TestGlossaryPage:
    def test_every_term_has_an_anchor_and_definition(self, client):
        html = client.get("/glossary/").text
        terms = list(GlossaryTerm.objects.all())
        assert len(terms) >= 26
        for term in terms:
            assert f'id="{term.slug}"' in html
            assert term.definition in page_text(html, term.slug)

    def test_every_glossary_link_on_the_article_has_a_target(self, client):
        import re

        article_html = client.get(ARTICLE_URL).text
        glossary_html = client.get("/glossary/").text
        slugs = set(re.findall(r'class="glossary-link" href="/glossary/#([a-z0-9-]+)"', article_html))
        assert len(slugs) >= 20
        for slug in slugs:
            assert f'id="{slug}"' in glossary_html


class TestNotFound:
    @pytest.mark.parametrize(
        "url",
        [
            "/articles/no-such-article/",
            f"{ARTICLE_URL}no-such-section/",
            f"{ARTICLE_URL}symptoms/extra/",
            "/articles/",
            "/nothing-here/",
            "/articles/Bad%20Slug/",
        ],
    )
    def test_unknown_addresses_get_a_helpful_404(self, client, url):
        response = client.get(url)
        assert response.status_code == 404
        text = page_text(response.text)
        assert "We cannot find that page" in text
        assert "Understanding Breast Cancer Bone Metastasis" in text, "the 404 page offers the articles"
        assert 'href="/glossary/"' in response.text


class TestServerError:
    def test_500_page_needs_no_database_or_context(self, django_assert_num_queries):
        request = RequestFactory().get("/")
        with django_assert_num_queries(0):
            response = views.server_error(request)
        assert response.status_code == 500
        assert "Sorry, something went wrong on our side" in response.content.decode()


def test_article_model_review_overdue():
    article = Article(next_review_due=date(2026, 1, 1))
    assert article.review_overdue(today=date(2026, 1, 2))
    assert not article.review_overdue(today=date(2025, 12, 31))


def test_every_section_heading_has_a_link_to_its_own_address(client):
    html = client.get(ARTICLE_URL).text
    for kind in SectionKind.values:
        assert f'<a href="{ARTICLE_URL}{kind}/" data-copy-url="{settings.SITE_URL}{ARTICLE_URL}{kind}/"' in html
    section = client.get(f"{ARTICLE_URL}treatments/").text
    assert f'data-copy-url="{settings.SITE_URL}{ARTICLE_URL}treatments/"' in section
    assert '<script src="/static/js/share.js" defer></script>' in html
    assert "<script>" not in html, "no inline script"


@pytest.mark.parametrize("path", ["", "treatments/"])
def test_printed_pages_carry_a_qr_code_of_their_address_and_the_review_dates(client, path):
    import segno

    html = client.get(f"{ARTICLE_URL}{path}").text
    address = f"{settings.SITE_URL}{ARTICLE_URL}{path}"
    handout = html[html.index('<aside class="print-only print-handout"') :]
    assert f"{address}</p>" in handout
    expected = segno.make(address, error="m").svg_inline(
        scale=3, dark="#000", light="#fff", title="QR code: the address of this page", svgclass="qr", omitsize=True
    )
    assert expected in handout, "the QR code encodes this page's public address"
    assert "Last updated " in handout and "not yet clinically reviewed" in handout
    assert "Next review due " in handout
    assert "not medical advice" in handout


@pytest.mark.parametrize("path", ["", "mechanism/"])
def test_the_mechanism_diagram_is_an_accessible_inline_svg(client, path):
    import re

    html = client.get(f"{ARTICLE_URL}{path}").text
    figure = re.search(r'<figure class="diagram".*?</figure>', html, re.S).group(0)
    assert (
        '<svg class="diagram-wide" viewBox="0 0 360 520" role="img" aria-labelledby="cycle-title cycle-desc"' in figure
    )
    narrow = (
        '<svg class="diagram-narrow" viewBox="0 0 190 806" role="img" aria-labelledby="cycle-title-narrow cycle-desc"'
    )
    assert narrow in figure, "and the one-column drawing for large text"
    assert '<title id="cycle-title">' in figure and '<desc id="cycle-desc">' in figure
    steps = re.findall(r"<li>(.*?)</li>", figure.split("<figcaption", 1)[1])
    assert len(steps) == 5, "a text alternative, step by step"
    for word in ("PTHrP", "RANKL", "osteoclasts", "osteoblasts", "growth factors", "calcium"):
        assert word in figure.split("<figcaption", 1)[1]
    assert "style=" not in figure, "no inline styles: the CSP forbids them"
    assert html.count('<figure class="diagram"') == 1


def test_only_the_mechanism_section_has_the_diagram(client):
    assert '<figure class="diagram"' not in client.get(f"{ARTICLE_URL}symptoms/").text
