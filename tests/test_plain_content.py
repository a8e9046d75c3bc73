"""The words readers get first are plain: measured the NHS way, on the pages as rendered.

SMOG reading age (grade + 5) at most 11, with a medical term in brackets after its plain word
left out of the count; no sentence over 20 words. Measured here with the site's own readability
module on the text a reader sees, not on the stored figures.
"""

import re

import pytest
from django.template.loader import render_to_string

from metsinfo.articles import readability
from metsinfo.articles.models import Article, ChangeNote, GlossaryTerm, SupportPage
from tests.conftest import ARTICLE_SLUG
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
SECTIONS = ["mechanism", "symptoms", "diagnosis", "treatments", "prevention", "research"]
SUPPORT_PAGES = ["getting-help", "living-with", "questions-to-ask"]


def layer_html(html: str, layer: str) -> str:
    """The inner HTML of the element marked ``data-layer=layer`` (the first one)."""
    start = html.index(f'data-layer="{layer}"')
    start = html.index(">", start) + 1
    depth, position = 1, start
    for tag in re.finditer(r"<(/?)div\b[^>]*>", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            position = start + tag.start()
            break
    return html[start:position]


def assert_plain(html: str, what: str) -> readability.Readability:
    text = readability.html_to_text(html)
    figures = readability.measure_plain(text)
    assert figures.reading_age is not None, f"{what} is too short to measure"
    assert figures.reading_age <= readability.TARGET_READING_AGE, f"{what}: reading age {figures.reading_age}"
    long = readability.long_sentences(readability.without_bracketed_terms(text))
    assert not long, f"{what} has sentences over 20 words: {long}"
    return figures


@pytest.mark.parametrize("kind", SECTIONS)
def test_each_sections_plain_words_meet_the_nhs_reading_age(client, kind):
    html = client.get(f"{ARTICLE_URL}{kind}/").text
    plain = layer_html(html, "plain")
    heading = re.search(r"<h2[^>]*>(.*?)</h2>", plain)
    assert heading and heading.group(1) == "In plain words"
    assert_plain(plain.split("</h2>", 1)[1], f"{kind} plain words")


@pytest.mark.parametrize("kind", SECTIONS)
def test_the_plain_words_come_first_then_the_detail_under_its_own_heading(client, kind):
    html = client.get(f"{ARTICLE_URL}{kind}/").text
    key_points, plain, detailed = (
        html.index(mark) for mark in ('class="key-points"', 'data-layer="plain"', 'data-layer="detailed"')
    )
    assert key_points < plain < detailed
    assert "In detail" in page_text(layer_html(html, "detailed"))[:80]


def test_the_key_points_of_all_sections_meet_the_nhs_reading_age(client):
    html = client.get(ARTICLE_URL).text
    blocks = re.findall(r'<div class="key-points">(.*?)</div>', html, re.S)
    assert len(blocks) == len(SECTIONS)
    assert_plain("".join(re.sub(r"<h3[^>]*>.*?</h3>", "", block) for block in blocks), "key points")


@pytest.mark.parametrize("slug", SUPPORT_PAGES)
def test_each_support_page_meets_the_nhs_reading_age(client, slug):
    response = client.get(f"/support/{slug}/")
    assert response.status_code == 200
    body = response.text.split('<div class="prose">', 1)[1].split('<p class="disclaimer">', 1)[0]
    assert_plain(body, f"support page {slug}")


def test_glossary_definitions_meet_the_nhs_reading_age():
    definitions = "".join(f"<p>{term.definition}</p>" for term in GlossaryTerm.objects.all())
    assert_plain(definitions, "glossary definitions")


def test_the_urgent_help_card_meets_the_nhs_reading_age():
    card = render_to_string("includes/urgent_help.html")
    card = re.sub(r'<p class="care-card-source">.*?</p>', "", card, flags=re.S)
    assert_plain(card, "urgent help card")


@pytest.mark.parametrize("url", ["/card/", "/card/sheet/"])
def test_the_wallet_card_and_how_to_print_it_meet_the_nhs_reading_age(client, url):
    html = client.get(url).text
    page = html.split('<main id="main"', 1)[1].split('<section class="card-sources"', 1)[0]
    page = re.sub(r'<p class="(?:wallet-card-source|print-only card-sheet-source)">.*?</p>', "", page, flags=re.S)
    assert "How to print it" in page and "Call now if you have any of these" in page
    assert_plain(page.split(">", 1)[1], f"wallet card {url}")


def test_descriptions_are_plain_summaries_not_the_lead():
    for page in [*Article.objects.all(), *SupportPage.objects.all()]:
        sentences = readability.sentences(page.description)
        assert 1 <= len(sentences) <= 3, page
        assert all(len(sentence.split()) <= 20 for sentence in sentences), page
    article = Article.objects.get(slug=ARTICLE_SLUG)
    assert "70%" not in article.description and "morbidity" not in article.description
    assert article.description not in page_text(article.summary_html)


def test_the_stored_layer_figures_agree_with_the_page(client):
    article = Article.objects.get(slug=ARTICLE_SLUG)
    for section in article.sections.all():
        stored = section.layer_readability("plain")
        assert stored is not None and stored.reading_age is not None
        assert stored.reading_age <= readability.TARGET_READING_AGE, section.kind


def _with_script_words(html: str) -> str:
    """``html`` and the messages its script shows (``data-word-*``), each as a sentence, placeholders filled."""
    filled = {"{count}": "3", "{place}": "2", "{total}": "5", "{date}": "2 December 2026"}
    messages = []
    for message in re.findall(r'data-word-[a-z-]+="([^"]*)"', html):
        for placeholder, value in filled.items():
            message = message.replace(placeholder, value)
        messages.append(f"<p>{message}</p>")
    return html + "".join(messages)


def test_the_my_questions_page_meets_the_nhs_reading_age(client):
    """Its help, labels, buttons and what the script announces, all of it, with or without JavaScript."""
    html = client.get("/my-questions/").text
    main = html.split('<main id="main" tabindex="-1">', 1)[1].split("</main>", 1)[0]
    assert "Show this to your team." in main and "Move up" in main
    assert_plain(_with_script_words(main), "my questions page")


@pytest.mark.parametrize("kind", SECTIONS)
def test_the_questions_offered_on_each_section_meet_the_nhs_reading_age(client, kind):
    html = client.get(f"{ARTICLE_URL}{kind}/").text
    picker = re.search(r'<section class="question-picker".*?</section>', html, re.S).group(0)
    assert "Add your own question" in picker
    assert_plain(_with_script_words(picker), f"questions on the {kind} page")


def test_the_public_change_notes_are_plain():
    """Readers see these under "Recent changes" and in the feed: measured together, as one text."""
    notes = list(ChangeNote.objects.values_list("note", flat=True))
    assert len(notes) >= 10, "the article, its six sections and the three support pages each say what changed"
    assert_plain(" ".join(notes), "the change notes")
