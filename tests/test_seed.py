"""Every sentence of the original article reaches the site, in the right section."""

import re

import pytest

from metsinfo.articles.models import Article
from tests.conftest import ARTICLE_SLUG, SEED_COMMENT_COUNT, SEED_FILE
from tests.helpers import normalise, page_text

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
# Seed headings and the section their text belongs to.
SEED_HEADINGS = {
    "The Process of Cancer Cells Spread to Bones": "mechanism",
    "Symptoms of Bone Metastasis": "symptoms",
    "Diagnosis and Treatment of Bone Lesions": "diagnosis",
    "Bisphosphonates for Bone Metastasis": "treatments",
    "Managing Bone Pain and Preventing Fractures": "treatments",
    "Osteolytic Lesions and Their Treatment": "treatments",
    "Preventing Breast Cancer Recurrence and Metastasis": "prevention",
    "Current Research and Future Directions": "research",
}
# The issue splits this heading in two: its first paragraph is diagnosis, the rest treatments.
SPLIT_HEADING = "Diagnosis and Treatment of Bone Lesions"


def seed_article_lines() -> list[str]:
    if not SEED_FILE.is_file():
        pytest.fail(f"The seed text is missing: expected {SEED_FILE} (../shared beside the repository).")
    lines = [line.strip() for line in SEED_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[-SEED_COMMENT_COUNT].startswith("A compelling read indeed!"), "nine comments end the seed"
    return lines[:-SEED_COMMENT_COUNT]


def sentences(paragraph: str) -> list[str]:
    return [normalise(s) for s in re.split(r"(?<=[.;!?])\s+(?=[A-Z])", paragraph) if s.strip()]


def seed_by_section() -> tuple[str, str, dict[str, list[str]], list[str]]:
    """Return (title, intro, {kind: sentences}, headings)."""
    title, intro, *rest = seed_article_lines()
    by_kind: dict[str, list[str]] = {}
    headings: list[str] = []
    kind = None
    paragraphs_since_split = None
    for line in rest:
        if line in SEED_HEADINGS:
            headings.append(line)
            kind = SEED_HEADINGS[line]
            paragraphs_since_split = 0 if line == SPLIT_HEADING else None
            continue
        assert kind is not None, f"seed text before the first heading: {line!r}"
        if paragraphs_since_split is not None:
            paragraphs_since_split += 1
            if paragraphs_since_split > 1:
                kind = "treatments"
        by_kind.setdefault(kind, []).extend(sentences(line))
    return title, intro, by_kind, headings


def test_seed_is_parsed_as_expected():
    title, _, by_kind, headings = seed_by_section()
    assert title == "Understanding Breast Cancer Bone Metastasis"
    assert set(by_kind) == {"mechanism", "symptoms", "diagnosis", "treatments", "prevention", "research"}
    assert len(headings) == len(SEED_HEADINGS)
    assert sum(len(s) for s in by_kind.values()) == 48


def test_every_seed_sentence_is_on_the_article_page(client):
    title, intro, by_kind, headings = seed_by_section()
    text = page_text(client.get(ARTICLE_URL).text)
    expected = [title, *sentences(intro), *(s for group in by_kind.values() for s in group)]
    expected += [heading for heading in headings if heading != SPLIT_HEADING]
    missing = [sentence for sentence in expected if sentence not in text]
    assert not missing, "seed sentences missing from the page:\n" + "\n".join(missing)


def test_every_seed_sentence_is_in_its_own_section(client):
    _, _, by_kind, _ = seed_by_section()
    html = client.get(ARTICLE_URL).text
    for kind, expected in by_kind.items():
        section_text = page_text(html, kind)
        missing = [sentence for sentence in expected if sentence not in section_text]
        assert not missing, f"not in the {kind} section:\n" + "\n".join(missing)


def test_intro_is_the_lead_and_the_description_is_a_plain_summary():
    _, intro, _, _ = seed_by_section()
    article = Article.objects.get(slug=ARTICLE_SLUG)
    assert normalise(intro) in page_text(article.summary_html)
    # Link previews and search results show a plain summary, not the seed's jargon and bare 70%.
    assert article.description and article.description != normalise(intro)


def test_seed_sub_headings_are_sub_headings_of_treatments(client):
    html = client.get(f"{ARTICLE_URL}treatments/").text
    for heading in [
        "Bisphosphonates for Bone Metastasis",
        "Managing Bone Pain and Preventing Fractures",
        "Osteolytic Lesions and Their Treatment",
    ]:
        assert re.search(rf"<h3 id=\"[a-z-]+\">{heading}</h3>", html), heading
