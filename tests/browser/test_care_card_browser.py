"""The urgent-help card as a reader meets it: in the first screen on a phone, black on paper."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"


def test_the_card_heading_is_in_the_first_screen_of_the_article_on_a_phone(live_site: str, phone: Page):
    phone.goto(f"{live_site}{ARTICLE_URL}")
    heading = phone.get_by_role("heading", level=2, name="Get urgent help")
    box = heading.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844, f"heading ends at {box}"
    expect(phone.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    screenshot(phone, "care-card-phone")


def test_the_card_is_on_the_home_page_first_screen_too(live_site: str, phone: Page):
    phone.goto(f"{live_site}/")
    box = phone.get_by_role("heading", level=2, name="Get urgent help").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_a_printed_section_is_black_on_white_card_included(live_site: str, browser, scheme: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{live_site}{ARTICLE_URL}symptoms/")
    page.emulate_media(media="print", color_scheme=scheme)
    colours = page.evaluate(
        """() => [...document.querySelectorAll('main, main *')]
               .filter(el => el.offsetParent !== null || el.tagName === 'MAIN')
               .filter(el => el.textContent.trim())
               .map(el => { const s = getComputedStyle(el);
                            return [el.tagName, s.color, s.backgroundColor]; })"""
    )
    assert colours
    for tag, colour, background in colours:
        assert colour == "rgb(0, 0, 0)", (tag, colour)
        assert background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), (tag, background)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and re.search(rb"/Type\s*/Page[^s]", pdf)
    context.close()
