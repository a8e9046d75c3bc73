"""The wallet card and its A4 sheet: public cached pages that say what the urgent-help card says."""

import re

import pytest
import segno
from django.conf import settings

from metsinfo.articles.models import Article
from tests.conftest import ARTICLE_SLUG
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
CARD_PAGES = ["/card/", "/card/sheet/"]
URGENT_HELP_URL = f"{settings.SITE_URL}{ARTICLE_URL}#urgent-help-title"
SOURCES = [
    "https://www.ncbi.nlm.nih.gov/books/NBK595817/",
    "https://www.nice.org.uk/guidance/cg75/chapter/Key-priorities-for-implementation",
    "https://www.exeterspineunit.co.uk/metastatic-spinal-cord-compression-mscc",
    "https://mariecurie.org.uk/professionals/palliative-care-knowledge-zone/hypercalcaemia",
    "https://d1acqfzvcc9iwe.cloudfront.net/about-cancer/coping/physically/blood-calcium/high-calcium-people-cancer",
]


def wallet_cards(html: str) -> list[str]:
    """Each wallet card's markup (front and back)."""
    return [part.split("\n</div>", 1)[0] for part in re.split(r'<div class="wallet-card(?: print-only)?">', html)[1:]]


def side(card: str, name: str) -> str:
    """The inner markup of one side of ``card``, ``front`` or ``back``."""
    section = card.split(f'class="wallet-card-side wallet-card-{name}"', 1)[1]
    return section.split(">", 1)[1].split("</section>", 1)[0]


def care_card(html: str) -> str:
    return html.split('class="care-card"', 1)[1].split("</aside>", 1)[0]


def qr_svg(url: str) -> str:
    title = "QR code: the address of the urgent-help card online"
    return segno.make(url, error="m").svg_inline(
        scale=3, dark="#000", light="#fff", title=title, svgclass="qr", omitsize=True
    )


@pytest.mark.parametrize("url", CARD_PAGES)
def test_the_card_pages_are_public_cached_and_set_no_cookie(visitor, url):
    response = visitor().get(url)
    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control and "s-maxage=" in cache_control, cache_control
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")


@pytest.mark.parametrize("url", CARD_PAGES)
def test_the_card_has_the_urgent_help_signs_and_action_word_for_word(client, url):
    html = client.get(url).text
    emergency = care_card(client.get(ARTICLE_URL).text).split("tier-urgent", 1)[0]
    signs = page_text(emergency.split("</h3>", 1)[1].split('<p class="care-card-action">', 1)[0])
    action = page_text(emergency.split('<p class="care-card-action">', 1)[1])
    assert "trouble walking" in signs and "feeling very thirsty" in signs, "the care card's signs"
    for card in wallet_cards(html):
        front, back = page_text(side(card, "front")), page_text(side(card, "back"))
        assert front == f"Call now if you have any of these {signs}"
        assert action in back, "the one action, as the care card says it"
        assert "Call your cancer helpline now. If they do not answer straight away, call 999." in back
        assert "New or worse pain in your back or neck: call your cancer helpline or cancer team today." in back


@pytest.mark.parametrize("url", CARD_PAGES)
def test_the_card_has_a_phone_link_and_blank_lines_for_the_readers_own_number(client, url):
    for card in wallet_cards(client.get(url).text):
        back = side(card, "back")
        assert '<a href="tel:999">999</a>' in back
        assert 'My cancer helpline (acute oncology service): <span class="write-line"></span>' in back
        assert 'Hospital: <span class="write-line"></span>' in back


@pytest.mark.parametrize("url", CARD_PAGES)
def test_the_qr_code_on_the_card_is_the_urgent_help_cards_public_address(client, url):
    html = client.get(url).text
    cards = wallet_cards(html)
    assert cards and all(qr_svg(URGENT_HELP_URL) in side(card, "back") for card in cards)
    assert 'id="urgent-help-title"' in client.get(ARTICLE_URL).text, "the anchor it points to"


def test_with_no_article_published_the_qr_code_points_to_the_home_pages_urgent_help(client):
    Article.objects.update(status=Article.Status.DRAFT)
    html = client.get("/card/").text
    assert qr_svg(f"{settings.SITE_URL}/#urgent-help-title") in html
    assert 'id="urgent-help-title"' in client.get("/").text


@pytest.mark.parametrize("url", CARD_PAGES)
def test_the_card_is_sourced_on_screen_and_on_paper(client, url):
    html = client.get(url).text
    sources = html.split('<section class="card-sources"', 1)[1].split("</section>", 1)[0]
    for source in SOURCES:
        assert f'<a href="{source}">' in sources, source
    for card in wallet_cards(html):
        assert "Sources: NICE NG234, Marie Curie, Cancer Research UK." in page_text(side(card, "back"))


def test_the_sheet_prints_five_cards_and_shows_one_on_screen(client):
    html = client.get("/card/sheet/").text
    assert html.count('<div class="wallet-card">') == 1
    assert html.count('<div class="wallet-card print-only">') == 4
    printed_sources = html.split('<p class="print-only card-sheet-source">', 1)[1].split("</p>", 1)[0]
    assert all(f'<a href="{source}">' in printed_sources for source in SOURCES)
    assert 'href="/card/"' in html


def test_the_card_page_says_how_to_print_and_links_to_the_sheet(client):
    html = client.get("/card/").text
    howto = page_text(html.split('<div class="card-howto">', 1)[1].split("</ol>", 1)[0])
    assert "How to print it" in howto and "Actual size" in howto and "Fold it in half" in howto
    assert '<a href="/card/sheet/">Print a sheet of 5 cards</a>' in html
    assert html.count('<div class="wallet-card">') == 1
    assert '<link rel="stylesheet" href="/static/css/card.' in html


@pytest.mark.parametrize("url", [ARTICLE_URL, f"{ARTICLE_URL}symptoms/", "/", "/support/", "/support/getting-help/"])
def test_the_urgent_help_card_links_to_the_wallet_card(client, url):
    card = care_card(client.get(url).text)
    link = '<a href="/card/">Print these signs on a card for your purse or wallet</a>'
    assert link in card
    assert link not in card.split("tier-urgent", 1)[0], "the emergency tier keeps its one action"


def test_the_support_index_links_to_the_wallet_card_and_the_sheet(client):
    html = client.get("/support/").text
    tools = html.split('<section class="support-tools"', 1)[1].split("</section>", 1)[0]
    assert 'href="/card/"' in tools and 'href="/card/sheet/"' in tools
