"""Support pages: loaded, exported, searchable, in the sitemap and the navigation, honest about review."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from metsinfo.articles.models import SupportPage
from metsinfo.contentsync.contentfiles import ContentError
from metsinfo.contentsync.exporter import export_content
from metsinfo.contentsync.plan import load_content
from tests.helpers import page_text

PAGE = (
    "Title: Getting help\nStatus: published\nOrder: 1\nLast-reviewed: 2026-12-01\nNext-review-due: 2027-06-01\n"
    "Reviewer:\nDescription: Where to get help.\n"
    "Sources: bcn: Breast Cancer Now. Helpline. Seen December 2026. https://example.org/helpline\n"
    "\n## Helplines\n\nCall the helpline.[^bcn]\n"
)


def test_a_support_page_loads_and_is_served(db, client, content_dir):
    load_content(content_dir(**{"pages/getting-help.md": PAGE}))
    page = SupportPage.objects.get(slug="getting-help")
    assert (page.title, page.order, page.status) == ("Getting help", 1, "published")
    html = client.get("/support/getting-help/").text
    assert '<h2 id="helplines">Helplines</h2>' in html
    assert '<li id="ref-bcn" value="1">' in html
    assert "Getting help" in page_text(client.get("/support/").text)


@pytest.mark.parametrize(
    ("replace", "by", "line", "message"),
    [
        ("Order: 1", "Order: first", 3, "Order must be a number"),
        ("Description: Where to get help.\n", "", 0, "missing description"),
        ("[^bcn]\n", "[^nope]\n", 12, "'[^nope]' cites no source"),
        ("## Helplines", "# Helplines", 10, "heading level 1 is reserved"),
        ("https://example.org/helpline", "example.org", 8, "must end with its link"),
    ],
)
def test_a_bad_support_page_is_refused_with_file_and_line_and_nothing_changes(
    db, content_dir, replace, by, line, message
):
    with pytest.raises(ContentError) as error:
        load_content(content_dir(**{"pages/getting-help.md": PAGE.replace(replace, by)}))
    problem = next(p for p in error.value.problems if message in p.message)
    assert problem.path == Path("content/pages/getting-help.md")
    if line:
        assert problem.line == line
    assert not SupportPage.objects.exists()


def test_export_then_load_is_a_fixed_point_for_pages(db, content_dir, tmp_path):
    load_content(content_dir(**{"pages/getting-help.md": PAGE}))
    out = tmp_path / "exported"
    export_content(out)
    assert (out / "pages" / "getting-help.md").read_text(encoding="utf-8") == PAGE
    assert load_content(out).is_empty


@pytest.mark.usefixtures("seeded")
class TestTheSitesSupportPages:
    def test_the_three_pages_are_published_in_order(self):
        assert list(SupportPage.objects.published().values_list("slug", flat=True)) == [
            "getting-help",
            "living-with",
            "questions-to-ask",
        ]

    def test_they_are_in_the_navigation_and_on_the_home_page(self, client):
        home = client.get("/").text
        nav = home.split('<nav aria-label="Site">', 1)[1].split("</nav>", 1)[0]
        assert 'href="/support/"' in nav
        for page in SupportPage.objects.all():
            assert f'href="{page.get_absolute_url()}"' in home

    def test_the_sitemap_lists_them(self, client):
        xml = client.get("/sitemap.xml").text
        for page in SupportPage.objects.all():
            assert f"<loc>{settings.SITE_URL}{page.get_absolute_url()}</loc>" in xml

    @pytest.mark.parametrize(("query", "slug"), [("helpline", "getting-help"), ("benefits", "living-with")])
    def test_search_finds_them(self, client, query, slug):
        html = client.get("/search/", {"q": query}).text
        assert f'href="/support/{slug}/"' in html

    def test_helplines_are_tappable_numbers(self, client):
        html = client.get("/support/getting-help/").text
        assert re.search(r'href="tel:0808\s?800\s?6000"', html)
        assert re.search(r'href="tel:0808\s?808\s?0{2}\s?0{2}"', html)

    def test_questions_are_grouped_by_topic(self, client):
        html = client.get("/support/questions-to-ask/").text
        assert len(re.findall(r'<h2 class="questions[^"]*" id=', html)) >= 5
        assert len(re.findall(r"<li>", html.split('<div class="prose">', 1)[1].split("</div>", 1)[0])) >= 25

    def test_they_print_with_the_handout_and_say_they_are_not_yet_clinically_reviewed(self, client):
        html = client.get("/support/living-with/").text
        assert "print-handout" in html and "Last updated" in html
        assert "not yet been clinically reviewed" in page_text(html)

    def test_link_previews_use_the_plain_description(self, client):
        page = SupportPage.objects.get(slug="getting-help")
        html = client.get(page.get_absolute_url()).text
        assert f'<meta property="og:description" content="{page.description}">' in html


@pytest.mark.usefixtures("seeded")
def test_json_ld_says_last_reviewed_only_with_a_reviewer(client):
    from metsinfo.articles.models import Article

    url = "/articles/breast-cancer-bone-metastasis/"
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', client.get(url).text).group(1))
    assert "lastReviewed" not in data and "reviewedBy" not in data
    assert "Last updated" in client.get(url).text
    article = Article.objects.get(slug="breast-cancer-bone-metastasis")
    article.reviewer = "Dr A Example, oncologist"
    article.save()
    html = client.get(url).text
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
    assert data["reviewedBy"]["name"] == "Dr A Example, oncologist" and "lastReviewed" in data
    assert "Page last reviewed" in html


@pytest.mark.usefixtures("seeded")
class TestGlossaryAndBrandNames:
    @pytest.mark.parametrize(
        "term",
        [
            "Biopsy",
            "Fracture",
            "Chemotherapy",
            "Menopause",
            "Oestrogen",
            "Oncology",
            "Lesion",
            "Morbidity",
            "Mortality",
        ],
    )
    def test_words_the_review_found_undefined_are_in_the_glossary(self, client, term):
        from django.utils.text import slugify

        assert f'id="{slugify(term)}"' in client.get("/glossary/").text

    @pytest.mark.parametrize(("brand", "drug"), [("Xgeva", "denosumab"), ("Zometa", "zoledronic-acid")])
    def test_a_reader_who_knows_only_the_brand_finds_the_drug(self, client, brand, drug):
        html = client.get("/search/", {"q": brand}).text
        assert f'href="/glossary/#{drug}"' in html

    def test_jaw_damage_is_not_called_rare(self, client):
        text = page_text(client.get("/glossary/").text, "osteonecrosis-of-the-jaw").lower()
        assert "common" in text and "rare" not in text


class TestSupportPagesInTheAdmin:
    def test_an_editor_previews_a_support_page_and_a_bad_source_is_refused(self, db, admin_client, content_dir):
        load_content(content_dir(**{"pages/getting-help.md": PAGE}))
        page = SupportPage.objects.get(slug="getting-help")
        data = {
            "slug": page.slug,
            "title": page.title,
            "description": page.description,
            "body": page.body + "\n\nA new line from the editor.",
            "status": page.status,
            "order": page.order,
            "last_reviewed": page.last_reviewed,
            "next_review_due": page.next_review_due,
            "reviewer": "",
            "sources": page.sources,
        }
        preview = admin_client.post(f"/admin/articles/supportpage/{page.pk}/preview/", data)
        assert preview.status_code == 200 and "A new line from the editor." in page_text(preview.text)
        refused = admin_client.post(
            f"/admin/articles/supportpage/{page.pk}/change/", {**data, "sources": "bcn: No link or date"}
        )
        assert refused.status_code == 200
        assert "must end with its link" in refused.text
        saved = admin_client.post(f"/admin/articles/supportpage/{page.pk}/change/", data)
        assert saved.status_code == 302
        page.refresh_from_db()
        assert page.history.count() == 2 and "A new line from the editor." in page.body_html
