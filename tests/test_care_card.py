"""Urgent help as an NHS-style care card: two tiers, one action each, tappable numbers, everywhere."""

import pytest

from tests.conftest import ARTICLE_SLUG
from tests.helpers import page_text

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
SECTIONS = ["mechanism", "symptoms", "diagnosis", "treatments", "prevention", "research"]
PAGES = ["/", ARTICLE_URL, *(f"{ARTICLE_URL}{kind}/" for kind in SECTIONS), "/support/", "/support/getting-help/"]


def card_of(html: str) -> str:
    assert html.count('class="care-card"') == 1, "one care card per page"
    return html.split('class="care-card"', 1)[1].split("</aside>", 1)[0]


@pytest.mark.parametrize("url", PAGES)
def test_the_card_with_both_tiers_and_phone_links_is_on_every_reader_page(client, url):
    card = card_of(client.get(url).text)
    assert '<a href="tel:999">999</a>' in card
    emergency, urgent = card.split('class="care-card-tier tier-emergency"', 1)[1].split(
        'class="care-card-tier tier-urgent"', 1
    )
    # The urgency is said in words for screen readers, not only by colour or position.
    assert '<span class="visually-hidden">Emergency: </span>' in emergency
    assert '<span class="visually-hidden">Urgent: </span>' in urgent
    assert "tel:999" in emergency and "tel:999" not in urgent
    assert "Do not wait more than 24 hours" in page_text(urgent)
    assert "tel:" not in urgent, "the same-day tier has one action: call the team today"


def test_nerve_signs_and_high_calcium_signs_mean_act_at_once(client):
    emergency = page_text(card_of(client.get(ARTICLE_URL).text).split("tier-urgent", 1)[0])
    for sign in [
        "numbness, pins and needles, or weakness in your arms or legs",
        "trouble walking",
        "a band of pain around your body",
        "problems passing urine",
        "numbness around your bottom or genitals",
        "feeling very thirsty",
        "new muddled thinking (confusion)",
        "much more tired and weak than normal",
    ]:
        assert sign in emergency, sign
    assert "If they do not answer straight away, call 999" in emergency


def test_back_or_neck_pain_alone_means_the_same_day(client):
    urgent = page_text(card_of(client.get(ARTICLE_URL).text).split("tier-urgent", 1)[1])
    assert "new or worse pain in your back or neck" in urgent
    assert "Try not to bend your back" in urgent
    assert "worried about your spine" in urgent


def test_no_vague_words_in_the_card(client):
    card = page_text(card_of(client.get(ARTICLE_URL).text)).lower()
    for vague in ["prompt", "as soon as possible", "may need", "seek advice", "if concerned"]:
        assert vague not in card


def test_the_card_comes_straight_after_the_title_on_the_article(client):
    html = client.get(ARTICLE_URL).text
    assert html.index("</h1>") < html.index('class="care-card"') < html.index('class="lead prose"')
