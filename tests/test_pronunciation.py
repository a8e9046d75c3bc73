"""Glossary pronunciations: loaded from glossary.md, exported, edited in the admin, shown and read aloud."""

import json
import re

import pytest
from django.conf import settings

from metsinfo.articles.models import GlossaryTerm
from metsinfo.contentsync.contentfiles import ContentError
from metsinfo.contentsync.exporter import export_content, glossary_file
from metsinfo.contentsync.plan import load_content
from tests.conftest import ARTICLE_SLUG

#: Terms a reader is likely to stumble over; the glossary must say how to pronounce each.
NEEDED = {
    "denosumab": "den-OH-sue-mab",
    "zoledronic-acid": None,
    "bisphosphonate": None,
    "osteonecrosis-of-the-jaw": None,
    "hypercalcaemia": None,
    "metastasis": None,
    "oncology": None,
    "osteoclast": None,
}


def listen_words(html: str) -> dict[str, str]:
    match = re.search(r'<script id="listen-words" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page carries the pronunciations for reading aloud"
    return json.loads(match.group(1))


@pytest.mark.usefixtures("seeded")
class TestRealGlossary:
    def test_the_terms_that_need_one_have_a_pronunciation(self):
        said = dict(GlossaryTerm.objects.values_list("slug", "pronunciation"))
        for slug, expected in NEEDED.items():
            assert said[slug], f"{slug} has no pronunciation"
            if expected:
                assert said[slug] == expected

    def test_the_glossary_page_says_how_to_say_it(self, client):
        html = client.get("/glossary/").text
        entry = html[html.index('id="denosumab"') :]
        entry = entry[: entry.index("</div>")]
        assert '<p class="say-it">Say it: den-OH-sue-mab</p>' in entry
        everyday = html[html.index('id="fracture"') :]
        assert "Say it" not in everyday[: everyday.index("</div>")], "no pronunciation, no line"

    def test_pages_carry_the_pronunciations_of_the_words_they_link(self, client):
        words = listen_words(client.get(f"/articles/{ARTICLE_SLUG}/treatments/").text)
        assert words["denosumab"] == "den-OH-sue-mab"
        assert words["bisphosphonate"] == GlossaryTerm.objects.get(slug="bisphosphonate").pronunciation
        assert "fracture" not in words, "only terms with a pronunciation"
        page = client.get("/support/getting-help/").text
        linked = {term.slug for term in GlossaryTerm.objects.linked_in(page)}
        assert set(listen_words(page)) <= linked, "only the words this page links"

    def test_export_writes_the_pronunciation_line(self, tmp_path):
        export_content(tmp_path)
        text = (tmp_path / "glossary.md").read_text()
        assert "## Denosumab\nAliases: Xgeva\nPronunciation: den-OH-sue-mab\n\n" in text
        assert text == (settings.CONTENT_DIR / "glossary.md").read_text(), "export gives back the file"


def test_pronunciation_is_loaded_from_its_line_next_to_aliases(db, content_dir):
    glossary = "## Denosumab\nAliases: Xgeva\nPronunciation:  den-OH-sue-mab \n\nA drug that protects bone.\n"
    load_content(content_dir(**{"glossary.md": glossary}))
    term = GlossaryTerm.objects.get(slug="denosumab")
    assert (term.pronunciation, term.aliases) == ("den-OH-sue-mab", "Xgeva")
    assert "Pronunciation" not in term.definition
    assert glossary_file([term]) == "# Glossary\n\n" + glossary.replace("  den-OH-sue-mab ", " den-OH-sue-mab")


def test_a_changed_pronunciation_in_the_file_is_loaded(db, content_dir):
    load_content(content_dir(**{"glossary.md": "## Osteoclast\nPronunciation: OSS-tee-oh-klast\n\nA cell.\n"}))
    root = content_dir(**{"glossary.md": "## Osteoclast\nPronunciation: OSS-tee-uh-klast\n\nA cell.\n"})
    plan = load_content(root)
    assert [str(change) for change in plan.changes] == ["update glossary term 'Osteoclast' (pronunciation)"]
    assert GlossaryTerm.objects.get().pronunciation == "OSS-tee-uh-klast"


def test_an_overlong_pronunciation_is_refused_with_its_line(db, content_dir):
    root = content_dir(**{"glossary.md": "## Osteoclast\nPronunciation: " + "la-" * 40 + "\n\nA cell.\n"})
    with pytest.raises(ContentError, match=r"glossary.md:2: the pronunciation is over 100 characters"):
        load_content(root)


@pytest.mark.usefixtures("seeded")
def test_editors_set_a_pronunciation_in_the_admin(admin_client, client):
    term = GlossaryTerm.objects.get(slug="osteoblast")
    data = {"term": term.term, "slug": term.slug, "definition": term.definition, "aliases": term.aliases}
    response = admin_client.post(
        f"/admin/articles/glossaryterm/{term.pk}/change/", {**data, "pronunciation": "OSS-tee-oh-blahst"}
    )
    assert response.status_code == 302, response.text
    term.refresh_from_db()
    assert term.pronunciation == "OSS-tee-oh-blahst"
    assert "Say it: OSS-tee-oh-blahst" in client.get("/glossary/").text
