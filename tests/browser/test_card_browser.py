"""The wallet card on paper: each side a bank card (85.6 by 54 mm), black on white, its QR code readable.

Chromium lays the page out for print (media emulation) and prints it to PDF, in the light and the
dark colour scheme. CSS pixels are 96 to the inch whatever the screen, so a millimetre is
96 / 25.4 px. The QR code is read back from a screenshot with zxing-cpp, as a phone would read it.
"""

import io
import re

import pytest
import zxingcpp
from django.conf import settings
from PIL import Image
from playwright.sync_api import Browser, Page

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser

PX_PER_MM = 96 / 25.4
URGENT_HELP_URL = f"{settings.SITE_URL}/articles/{ARTICLE_SLUG}/#urgent-help-title"
PT = 96 / 72
SHEET_CARDS = 5


def printed(browser: Browser, url: str, scheme: str, scale: int = 1) -> Page:
    context = browser.new_context(**DESKTOP, color_scheme=scheme, device_scale_factor=scale)
    page = context.new_page()
    page.goto(url)
    page.emulate_media(media="print", color_scheme=scheme)
    return page


def pdf_pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def decoded_qr(png: bytes) -> list[str]:
    return [barcode.text for barcode in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("path", "cards"), [("/card/", 1), ("/card/sheet/", SHEET_CARDS)])
def test_each_side_prints_at_bank_card_size_and_everything_fits(live_site, browser, scheme, path, cards):
    page = printed(browser, live_site + path, scheme)
    sides = page.evaluate(
        """() => [...document.querySelectorAll('.wallet-card-side')].filter(el => el.offsetParent !== null)
               .map(el => { const box = el.getBoundingClientRect();
                            return {width: box.width, height: box.height, overflow: el.scrollHeight - el.clientHeight,
                                    side: el.classList.contains('wallet-card-front') ? 'front' : 'back'}; })"""
    )
    assert [side["side"] for side in sides] == ["front", "back"] * cards
    for side in sides:
        assert side["width"] / PX_PER_MM == pytest.approx(85.6, abs=1), side
        assert side["height"] / PX_PER_MM == pytest.approx(54, abs=1), side
        assert side["overflow"] <= 1, f"the text runs off the card: {side}"
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.wallet-card *')]
               .filter(el => el.offsetParent !== null)
               .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
               .map(el => parseFloat(getComputedStyle(el).fontSize)))"""
    )
    assert smallest >= 8 * PT - 0.01, f"smallest type on the card: {smallest / PT:.2f} pt"
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(("path", "pages"), [("/card/", 1), ("/card/sheet/", 1)])
def test_the_printout_is_black_on_white_on_one_a4_page(live_site, browser, scheme, path, pages):
    page = printed(browser, live_site + path, scheme)
    colours = page.evaluate(
        """() => [...document.querySelectorAll('main, main *')]
               .filter(el => el.offsetParent !== null || el.tagName === 'MAIN')
               .filter(el => el.textContent.trim())
               .map(el => { const s = getComputedStyle(el);
                            return [el.className || el.tagName, s.color, s.backgroundColor, s.borderTopColor]; })"""
    )
    assert colours
    for name, colour, background, border in colours:
        assert colour == "rgb(0, 0, 0)", (name, colour)
        assert background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), (name, background)
        if "wallet-card-side" in name:
            assert border == "rgb(0, 0, 0)", f"the cut line: {name} {border}"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.locator(".card-howto").is_hidden(), "the instructions are for the screen"
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    assert pdf_pages(pdf) == pages
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]\.\d* 84[12]\.\d*\s*\]", pdf), "an A4 page"
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_printed_qr_code_reads_as_the_urgent_help_address(live_site, browser, scheme):
    # At 300 dpi or so (scale 3), like a printer; the code is 18 mm wide on paper.
    page = printed(browser, live_site + "/card/", scheme, scale=3)
    qr = page.locator(".wallet-card-qr svg").first
    box = qr.bounding_box()
    assert box is not None and box["width"] / PX_PER_MM == pytest.approx(18, abs=1)
    assert decoded_qr(qr.screenshot()) == [URGENT_HELP_URL]
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_qr_code_on_screen_reads_as_the_urgent_help_address_and_leads_there(live_site, browser, scheme):
    context = browser.new_context(**PHONE, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_site + "/card/sheet/")
    assert page.locator(".wallet-card:visible").count() == 1, "the copies are for paper"
    qr = page.locator(".wallet-card-qr svg:visible")
    assert decoded_qr(qr.screenshot()) == [URGENT_HELP_URL]
    screenshot(page, f"card-sheet-phone-{scheme}")
    page.goto(URGENT_HELP_URL.replace(settings.SITE_URL, live_site))
    assert page.locator("#urgent-help-title").inner_text() == "Get urgent help"
    context.close()


def test_a_reader_finds_the_card_from_the_urgent_help_card_and_its_phone_link(live_site, phone: Page):
    phone.goto(f"{live_site}/support/")
    phone.locator(".care-card").get_by_role("link", name="Print these signs on a card for your purse or wallet").click()
    phone.wait_for_url(f"{live_site}/card/")
    assert phone.get_by_role("link", name="999").get_attribute("href") == "tel:999"
    phone.get_by_role("link", name="Print a sheet of 5 cards").click()
    phone.wait_for_url(f"{live_site}/card/sheet/")
    screenshot(phone, "card-phone")
