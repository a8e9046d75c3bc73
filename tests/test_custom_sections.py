"""Sections of an article's own, in the editors' order, and a featured article (issue 14, usability 3.6).

A section of its own ("Living well") has its own address and title and sits where its Order puts it;
the six standard sections keep the addresses they always had; home lists the featured article first.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from metsinfo.articles.models import Article, Section, SectionKind
from metsinfo.contentsync.exporter import export_content
from metsinfo.contentsync.parse import ContentError, read_content
from metsinfo.contentsync.plan import load_content
from tests.conftest import ARTICLE_SLUG
from tests.helpers import article_form, section_form

pytestmark = pytest.mark.django_db

LAYERS = "\n\n::: plain\n{plain}\n\n::: detailed\n{detail}\n"
LIVING_WELL = "Slug: living-well\nOrder: 15\nTitle: Living well\nKey-points: Gentle walks can help.\n" + LAYERS.format(
    plain="Keep moving as you can.", detail="Gentle exercise such as walking, with your team's advice."
)


def problems_of(root) -> list[str]:
    with pytest.raises(ContentError) as caught:
        read_content(root)
    return [str(problem) for problem in caught.value.problems]


def contents_titles(html: str) -> list[str]:
    """The section titles of an article page's "On this page" list, in order."""
    contents = html.split('class="contents"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<li><a href="#(?!sources")[^"]+">([^<]+)</a></li>', contents)


@pytest.fixture
def demo_with_living_well(content_dir):
    load_content(content_dir(**{"demo__living.md": LIVING_WELL}))
    return Article.objects.get(slug="demo")


class TestASectionOfItsOwn:
    def test_it_has_its_own_address_and_title(self, client, demo_with_living_well):
        section = demo_with_living_well.sections.get(slug="living-well")
        assert (section.kind, section.order) == ("other", 15)
        assert section.get_absolute_url() == "/articles/demo/living-well/"
        response = client.get("/articles/demo/living-well/")
        assert response.status_code == 200
        html = response.content.decode()
        assert '<h1 id="living-well-title">Living well</h1>' in html
        assert "Keep moving as you can." in html and "Gentle exercise such as walking" in html

    def test_it_sits_in_the_contents_and_pager_at_its_order(self, client, demo_with_living_well):
        html = client.get("/articles/demo/").content.decode()
        assert contents_titles(html) == ["How it works", "Living well", "Symptoms"]
        assert html.index('<section id="mechanism"') < html.index('<section id="living-well"')
        assert html.index('<section id="living-well"') < html.index('<section id="symptoms"')
        page = client.get("/articles/demo/living-well/").content.decode()
        assert 'href="/articles/demo/mechanism/" rel="prev"' in page
        assert 'href="/articles/demo/symptoms/" rel="next"' in page

    def test_without_a_slug_it_is_at_its_file_name_after_the_standard_sections(self, content_dir, client):
        text = "Title: Exercise" + LAYERS.format(plain="Move a little.", detail="Walking helps.")
        load_content(content_dir(**{"demo__exercise.md": text}))
        section = Section.objects.get(slug="exercise")
        assert (section.kind, section.order) == ("other", 100)
        assert contents_titles(client.get("/articles/demo/").content.decode())[-1] == "Exercise"

    @pytest.mark.parametrize(
        "path", ["/articles/demo/Living-Well/", "/articles/demo/living--well/", "/articles/demo/nope/"]
    )
    def test_only_the_canonical_address_of_a_section_that_exists_resolves(self, client, demo_with_living_well, path):
        assert client.get(path).status_code == 404

    def test_the_sitemap_lists_it(self, client, demo_with_living_well):
        assert "/articles/demo/living-well/</loc>" in client.get("/sitemap.xml").content.decode()

    def test_search_finds_it_and_links_to_it(self, client, demo_with_living_well):
        html = client.get("/search/", {"q": "walking"}).content.decode()
        assert 'href="/articles/demo/living-well/"' in html


class TestStandardSectionsKeepTheirAddresses:
    def test_the_six_addresses_are_the_ones_they_always_were(self, seeded, client):
        article = Article.objects.get(slug=ARTICLE_SLUG)
        sections = list(article.sections.all())
        assert [(s.kind, s.slug, s.order) for s in sections] == [
            (kind, kind, (number + 1) * 10) for number, kind in enumerate(SectionKind.values)
        ]
        for section in sections:
            path = f"/articles/{ARTICLE_SLUG}/{section.kind}/"
            assert section.get_absolute_url() == path
            response = client.get(path)
            assert response.status_code == 200
            html = response.content.decode()
            assert f'<h1 id="{section.kind}-title">{section.title}</h1>' in html
            assert section.plain_html in html and section.body_html in html


class TestOrder:
    def test_reordering_changes_the_contents_and_the_pager(self, seeded, client):
        article_url = f"/articles/{ARTICLE_SLUG}/"
        before = contents_titles(client.get(article_url).content.decode())
        research = Section.objects.get(slug="research")
        research.order = 5
        research.save()
        after = contents_titles(client.get(article_url).content.decode())
        assert after == [research.title, *before[:-1]]
        mechanism = client.get(f"{article_url}mechanism/").content.decode()
        assert f'href="{article_url}research/" rel="prev"' in mechanism
        page = client.get(f"{article_url}research/").content.decode()
        assert 'rel="prev"' not in page and f'href="{article_url}mechanism/" rel="next"' in page


def make_article(slug: str, title: str, **fields) -> Article:
    return Article.objects.create(
        slug=slug, title=title, summary="A lead.", description="A plain summary.", status="published", **fields
    )


class TestHomeOrder:
    def home_titles(self, client) -> list[str]:
        html = client.get("/").content.decode()
        articles = html.split('<ul class="article-list">', 1)[1].split("</ul>", 1)[0]
        return re.findall(r'<a href="/articles/[^"]+/">([^<]+)</a>', articles)

    def test_the_featured_article_comes_first_then_order_then_title(self, client):
        make_article("alpha", "Alpha")
        make_article("beta", "Beta", order=2)
        make_article("gamma", "Gamma")
        assert self.home_titles(client) == ["Alpha", "Gamma", "Beta"]
        make_article("zeta", "Zeta", order=9, featured=True)
        assert self.home_titles(client) == ["Zeta", "Alpha", "Gamma", "Beta"]

    def test_the_featured_article_is_marked_start_here(self, client):
        make_article("alpha", "Alpha")
        assert "Start here" not in client.get("/").content.decode()
        make_article("zeta", "Zeta", featured=True)
        html = client.get("/").content.decode()
        assert re.search(
            r'<li class="featured">\s*<p class="featured-label">Start here</p>\s*<a href="/articles/zeta/">', html
        )


class TestLoaderErrors:
    def test_duplicate_slug_names_both_files(self, content_dir):
        root = content_dir(**{"demo__a.md": LIVING_WELL, "demo__b.md": LIVING_WELL})
        assert problems_of(root) == [
            "content/demo/b.md:1: duplicate section slug 'living-well': content/demo/a.md line 1 has it too"
        ]

    @pytest.mark.parametrize("order", ["0", "first", "1000", "-3"])
    def test_bad_section_order(self, content_dir, order):
        root = content_dir(**{"demo__living.md": LIVING_WELL.replace("Order: 15", f"Order: {order}")})
        assert problems_of(root) == [f"content/demo/living.md:2: Order must be a number from 1 to 999, not '{order}'"]

    def test_bad_article_order_and_featured(self, content_dir):
        article = (
            "Title: Demo article\nStatus: draft\nOrder: soon\nFeatured: maybe\n"
            "Sources: first: First source. 2023. https://example.org/first\n\nThe lead.\n"
        )
        assert problems_of(content_dir(**{"demo__article.md": article})) == [
            "content/demo/article.md:3: Order must be a number from 1 to 999, not 'soon'",
            "content/demo/article.md:4: Featured must be yes or no, not 'maybe'",
        ]

    def test_unknown_kind(self, content_dir):
        root = content_dir(**{"demo__living.md": "Kind: living\n" + LIVING_WELL})
        assert problems_of(root) == [
            "content/demo/living.md:1: unknown section kind 'living'; use one of: mechanism, symptoms, diagnosis, "
            "treatments, prevention, research, or leave Kind out for a section of its own"
        ]

    def test_a_section_of_its_own_cannot_take_a_standard_address(self, content_dir):
        root = content_dir(**{"demo__living.md": LIVING_WELL.replace("Slug: living-well", "Slug: research")})
        assert problems_of(root) == [
            "content/demo/living.md:1: 'research' is the address of the standard section: set its kind to "
            "'research', or pick another slug (from its slug)"
        ]

    def test_a_standard_section_keeps_its_kind_as_its_slug(self, content_dir):
        text = "Kind: symptoms\nSlug: signs\nTitle: Symptoms" + LAYERS.format(plain="P.", detail="D.")
        assert problems_of(content_dir(**{"demo__symptoms.md": text})) == [
            "content/demo/symptoms.md:2: a standard 'symptoms' section's slug is 'symptoms': leave Slug out, "
            "or make it 'symptoms' (from its slug)"
        ]

    def test_a_section_cannot_take_the_comment_forms_address(self, content_dir):
        root = content_dir(**{"demo__living.md": LIVING_WELL.replace("Slug: living-well", "Slug: comments")})
        assert problems_of(root) == [
            "content/demo/living.md:1: 'comments' is taken by another page of the article: pick another slug "
            "(from its slug)"
        ]

    def test_a_file_name_that_is_no_slug_needs_a_slug_line(self, content_dir):
        text = "Title: Exercise" + LAYERS.format(plain="P.", detail="D.")
        assert problems_of(content_dir(**{"demo__Exercise_Tips.md": text})) == [
            "content/demo/Exercise_Tips.md:1: slug 'Exercise_Tips' is not valid: use lower-case letters, digits "
            "and single hyphens (from its file name)"
        ]

    def test_only_one_article_can_be_featured(self, content_dir):
        lead = "Title: {t}\nStatus: draft\nFeatured: yes\n\nThe lead.\n"
        root = content_dir(
            **{
                "demo__article.md": lead.format(t="Demo") + "",
                "other__article.md": lead.format(t="Other"),
            }
        )
        assert problems_of(root) == [
            "content/other/article.md: only one article can be Featured: content/demo/article.md is featured too"
        ]

    def test_a_failed_load_writes_nothing(self, content_dir):
        load_content(content_dir())
        root = content_dir(**{"demo__a.md": LIVING_WELL, "demo__b.md": LIVING_WELL})
        with pytest.raises(Exception, match="duplicate section slug"):
            call_command("load_content", "--content-dir", str(root), stdout=StringIO())
        assert not Section.objects.filter(slug="living-well").exists()


class TestLoaderAppliesChanges:
    def test_a_changed_order_in_the_file_is_loaded_and_a_second_load_is_empty(self, content_dir):
        load_content(content_dir(**{"demo__living.md": LIVING_WELL}))
        plan = load_content(content_dir(**{"demo__living.md": LIVING_WELL.replace("Order: 15", "Order: 25")}))
        assert [str(change) for change in plan.changes] == ["update section demo/living-well (order)"]
        assert Section.objects.get(slug="living-well").order == 25
        assert load_content(content_dir(**{"demo__living.md": LIVING_WELL.replace("Order: 15", "Order: 25")})).is_empty

    def test_article_order_and_featured_are_loaded(self, content_dir):
        article = (
            "Title: Demo article\nStatus: draft\nOrder: 3\nFeatured: yes\n"
            "Sources: first: First source. 2023. https://example.org/first\n\nThe lead.\n"
        )
        load_content(content_dir(**{"demo__article.md": article}))
        assert Article.objects.values_list("order", "featured").get(slug="demo") == (3, True)

    def test_featured_moves_from_one_article_to_another_in_one_load(self, content_dir):
        lead = "Title: {t}\nStatus: draft\n{f}\nThe lead.\n"
        files = {
            "demo__article.md": lead.format(t="Demo", f=""),
            "zeta__article.md": lead.format(t="Zeta", f="Featured: yes\n"),
        }
        load_content(content_dir(**files))
        files = {
            "demo__article.md": lead.format(t="Demo", f="Featured: yes\n"),
            "zeta__article.md": lead.format(t="Zeta", f=""),
        }
        load_content(content_dir(**files))
        assert list(Article.objects.filter(featured=True).values_list("slug", flat=True)) == ["demo"]


def test_export_round_trip_keeps_custom_sections_and_article_place(content_dir, tmp_path):
    article = (
        "Title: Demo article\nStatus: published\nOrder: 4\nFeatured: yes\nDescription: A plain summary.\n"
        "Sources: first: First source. 2023. https://example.org/first\n\nThe lead.\n"
    )
    symptoms = "Kind: symptoms\nOrder: 35\nTitle: Symptoms" + LAYERS.format(plain="In short.", detail="Pain.")
    load_content(
        content_dir(**{"demo__living.md": LIVING_WELL, "demo__article.md": article, "demo__symptoms.md": symptoms})
    )
    rows = lambda: sorted(Section.objects.values_list("slug", "kind", "order", "title", "plain", "body", "key_points"))  # noqa: E731
    before, article_place = rows(), Article.objects.values_list("order", "featured").get()

    first = tmp_path / "first"
    export_content(first)
    living = (first / "demo" / "living-well.md").read_text()
    assert living.startswith("Slug: living-well\nOrder: 15\nTitle: Living well\n")
    assert (first / "demo" / "symptoms.md").read_text().startswith("Kind: symptoms\nOrder: 35\nTitle: Symptoms\n")
    assert (first / "demo" / "mechanism.md").read_text().startswith("Kind: mechanism\nTitle: How it works\n")
    assert "Order: 4\nFeatured: yes\n" in (first / "demo" / "article.md").read_text()

    Article.objects.all().delete()
    load_content(first)
    assert rows() == before
    assert Article.objects.values_list("order", "featured").get() == article_place
    second = tmp_path / "second"
    export_content(second)
    files = lambda root: {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.md")}  # noqa: E731
    assert files(first) == files(second)


def test_a_section_page_is_retired_from_the_cache_when_its_order_changes(seeded, visitor):
    reader = visitor()
    url = f"/articles/{ARTICLE_SLUG}/mechanism/"
    assert 'rel="prev"' not in reader.get(url).text
    research = Section.objects.get(slug="research")
    research.order = 1
    research.save()
    assert f'href="/articles/{ARTICLE_SLUG}/research/" rel="prev"' in visitor().get(url).text


class TestAdmin:
    def test_an_editor_adds_a_section_of_its_own(self, seeded, admin_client, client):
        article = Article.objects.get(slug=ARTICLE_SLUG)
        symptoms = article.sections.get(slug="symptoms")
        data = section_form(
            symptoms, kind="other", slug="living-well", order=25, title="Living well", key_points="Walk a little."
        )
        response = admin_client.post(reverse("admin:articles_section_add"), data)
        assert response.status_code == 302, response.content.decode()
        page = client.get(f"/articles/{ARTICLE_SLUG}/").content.decode()
        assert contents_titles(page)[2] == "Living well"
        assert client.get(f"/articles/{ARTICLE_SLUG}/living-well/").status_code == 200

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"kind": "other", "slug": ""}, "a section of its own needs a slug, its address"),
            ({"kind": "other", "slug": "diagnosis"}, "&#x27;diagnosis&#x27; is the address of the standard section"),
            ({"kind": "other", "slug": "Living_Well"}, "Use lower-case letters, digits and single hyphens."),
            ({"kind": "symptoms", "slug": "signs"}, "a standard &#x27;symptoms&#x27; section&#x27;s slug is"),
            ({"kind": "symptoms", "slug": ""}, "This article already has a section at this address (slug)."),
            ({"kind": "other", "slug": "x", "order": "0"}, "Ensure this value is greater than or equal to 1."),
        ],
    )
    def test_the_admin_refuses_what_the_loader_refuses(self, seeded, admin_client, changes, message):
        symptoms = Section.objects.get(slug="symptoms")
        data = section_form(symptoms, title="New", **changes)
        response = admin_client.post(reverse("admin:articles_section_add"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert Section.objects.count() == 6

    def test_a_standard_section_with_no_slug_or_order_gets_its_usual_place(self, seeded, admin_client):
        research = Section.objects.get(slug="research")
        research.delete()
        data = section_form(research, slug="", order="")
        assert admin_client.post(reverse("admin:articles_section_add"), data).status_code == 302
        assert Section.objects.values_list("slug", "order").get(kind="research") == ("research", 60)

    def test_the_article_form_refuses_a_second_featured_article(self, seeded, admin_client):
        make_article("other", "Other", featured=True)
        article = Article.objects.get(slug=ARTICLE_SLUG)
        response = admin_client.post(
            reverse("admin:articles_article_change", args=[article.pk]), article_form(article, featured="on")
        )
        assert response.status_code == 200
        assert "Another article is already featured: untick it first." in response.content.decode()

    def test_the_article_inline_reorders_sections(self, seeded, admin_client, client):
        article = Article.objects.get(slug=ARTICLE_SLUG)
        data = article_form(article, section_changes={"research": {"order": 1}})
        assert admin_client.post(reverse("admin:articles_article_change", args=[article.pk]), data).status_code == 302
        assert (
            contents_titles(client.get(f"/articles/{ARTICLE_SLUG}/").content.decode())[0]
            == Section.objects.get(slug="research").title
        )

    def test_the_section_list_shows_slug_and_order(self, seeded, admin_client):
        html = admin_client.get(reverse("admin:articles_section_changelist")).content.decode()
        assert "column-order" in html and "column-slug" in html

    def test_the_section_page_explains_slug_and_order(self, seeded, admin_client):
        html = admin_client.get(reverse("admin:articles_section_add")).content.decode()
        assert "a section of its own needs one, e.g. living-well" in html
        assert "So 25 puts a section between the second and third." in html
        assert '<option value="other" selected>Other: a section of its own (give it a slug)</option>' in html

    def test_a_new_section_of_its_own_can_be_previewed_in_the_article(self, seeded, admin_client):
        article = Article.objects.get(slug=ARTICLE_SLUG)
        data = article_form(article)
        total = data["sections-TOTAL_FORMS"]
        new = {"kind": "other", "slug": "living-well", "order": "25", "title": "Living well"}
        new |= {"key_points": "Walk a little.", "plain": "Keep moving.", "body": "Gentle exercise helps."}
        data |= {f"sections-{total}-{name}": value for name, value in new.items()}
        data |= {"sections-TOTAL_FORMS": total + 1, f"sections-{total}-article": article.pk}
        response = admin_client.post(reverse("admin:articles_article_preview", args=[article.pk]), data)
        assert response.status_code == 200, response.content.decode()[:2000]
        assert contents_titles(response.content.decode())[2] == "Living well"
        assert not Section.objects.filter(slug="living-well").exists()
