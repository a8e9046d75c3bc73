"""Printed handouts from a device in dark mode: black on white, 12 pt, the words explained, the sources named."""

import re

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
HANDOUTS = [ARTICLE_URL, f"{ARTICLE_URL}symptoms/", f"{ARTICLE_URL}mechanism/", "/support/getting-help/"]

# Every element a person would see on paper: laid out, not in a visually-hidden span, not clipped.
VISIBLE_STYLES = """() => [...document.querySelectorAll('body, body *')]
    .filter(el => el.getClientRects().length && !el.closest('.visually-hidden, svg, title, desc'))
    .filter(el => getComputedStyle(el).visibility !== 'hidden')
    .map(el => { const s = getComputedStyle(el);
                 const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
                 return {name: el.tagName + (el.className ? '.' + el.className : ''), text,
                         color: s.color, background: s.backgroundColor, border: s.borderLeftColor,
                         borderWidth: parseFloat(s.borderLeftWidth), size: parseFloat(s.fontSize)}; })"""


def luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a computed ``rgb()``/``rgba()`` colour."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"[\d.]+", colour)[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def is_paper(background: str) -> bool:
    """White, or no background at all (the paper shows through)."""
    return background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")


@pytest.fixture
def dark_device(browser: Browser) -> Page:
    """A desktop whose screen is in dark mode, about to print."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="dark")
    page = context.new_page()
    yield page
    context.close()


def printed(page: Page, url: str) -> None:
    page.goto(url)
    page.emulate_media(media="print", color_scheme="dark")
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches"), "dark mode is on"


@pytest.mark.parametrize("path", HANDOUTS)
def test_printing_in_dark_mode_gives_dark_text_on_white_paper(live_site: str, dark_device: Page, path: str):
    printed(dark_device, f"{live_site}{path}")
    styles = dark_device.evaluate(VISIBLE_STYLES)
    assert len(styles) > 100
    names = {style["name"] for style in styles}
    for box in ("ASIDE.care-card", "DIV.key-points", "DIV.care-card-tier tier-emergency"):
        assert path.startswith("/support/") or box in names, f"{box} is printed"
    for style in styles:
        assert luminance(style["color"]) < 0.01, (style["name"], style["color"])
        assert is_paper(style["background"]), (style["name"], style["background"])
        if style["borderWidth"]:
            assert luminance(style["border"]) < 0.01, (style["name"], style["border"])
    # The same with background graphics on: a PDF with them must still be black on white.
    for backgrounds in (False, True):
        assert dark_device.pdf(format="A4", print_background=backgrounds).startswith(b"%PDF")


@pytest.mark.parametrize("path", HANDOUTS)
def test_printed_text_is_12_point_and_small_print_10_point_or_more(live_site: str, dark_device: Page, path: str):
    printed(dark_device, f"{live_site}{path}")
    body = dark_device.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    paragraph = dark_device.evaluate("parseFloat(getComputedStyle(document.querySelector('main .prose p')).fontSize)")
    assert body >= 16 and paragraph >= 16, f"body {body}px, paragraph {paragraph}px (12 pt is 16 px)"
    h1 = dark_device.evaluate("parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)")
    assert h1 > body
    small = [(s["name"], s["size"]) for s in dark_device.evaluate(VISIBLE_STYLES) if s["text"] and s["size"] < 13.3]
    assert not small, f"text under 10 pt: {small[:5]}"


def test_the_diagram_labels_print_at_10_point_or_more(live_site: str, dark_device: Page):
    printed(dark_device, f"{live_site}{ARTICLE_URL}mechanism/")
    smallest = dark_device.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.diagram svg text, .diagram svg tspan')]
                  .map(t => t.getBoundingClientRect().height ? parseFloat(getComputedStyle(t).fontSize) : 99))
                 * document.querySelector('.diagram svg').getBoundingClientRect().width / 360"""
    )
    assert smallest >= 13.3, f"smallest label {smallest:.1f}px"


@pytest.mark.parametrize("path", HANDOUTS)
def test_the_words_used_are_listed_with_their_meanings_in_print_only(live_site: str, dark_device: Page, path: str):
    dark_device.goto(f"{live_site}{path}")
    words = dark_device.locator(".words-used")
    assert words.count() == 1 and words.is_hidden(), "not on screen"
    linked = set(dark_device.eval_on_selector_all("main a.glossary-link", "as => as.map(a => a.hash.slice(1))"))
    assert linked
    dark_device.emulate_media(media="print", color_scheme="dark")
    assert words.is_visible()
    assert words.get_by_role("heading", name="Words used on this page").is_visible()
    terms = words.locator("dt").all_inner_texts()
    meanings = words.locator("dd").all_inner_texts()
    assert len(terms) == len(linked) == len(meanings) and all(len(m) > 20 for m in meanings)
    assert terms == sorted(terms, key=str.lower), "in glossary order"


def test_the_section_handout_lists_its_own_sources(live_site: str, dark_device: Page):
    printed(dark_device, f"{live_site}{ARTICLE_URL}symptoms/")
    sources = dark_device.locator("#sources")
    assert sources.is_visible()
    assert sources.get_by_role("heading", name="Sources for this section").is_visible()
    numbers = set(dark_device.eval_on_selector_all("main sup.cite a", "as => as.map(a => a.hash.slice(1))"))
    listed = set(dark_device.eval_on_selector_all("#sources li", "lis => lis.map(li => li.id)"))
    assert numbers and numbers <= listed, f"cited but not printed: {numbers - listed}"
    assert dark_device.locator("#sources li").first.is_visible()


@pytest.mark.parametrize("path", [ARTICLE_URL, f"{ARTICLE_URL}symptoms/"])
def test_print_pdfs_in_dark_mode_for_people_to_look_at(live_site: str, dark_device: Page, path: str):
    """A4 PDFs (with and without background graphics) and a print-view screenshot under var/screenshots."""
    printed(dark_device, f"{live_site}{path}")
    name = "print-dark-" + (path.rstrip("/").rsplit("/", 1)[-1] if path != ARTICLE_URL else "article")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for backgrounds in (False, True):
        pdf = dark_device.pdf(format="A4", print_background=backgrounds)
        (SCREENSHOTS / f"{name}{'-backgrounds' if backgrounds else ''}.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        print(f"{name}: {pages} A4 pages, background graphics {'on' if backgrounds else 'off'}")
        assert pages >= 1
    screenshot(dark_device, name)
