"""Text at 200% on a phone (Chromium's default font size 32 px at 390 px, as Android's text scaling
does): no sideways scroll, the nav wraps, headings keep their words whole, the skip link stays out
of sight until focused; contents numbers and opened glossary meanings sit where they should."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser
ARTICLE = f"/articles/{ARTICLE_SLUG}/"
PAGES = [
    "/", ARTICLE, f"{ARTICLE}mechanism/", f"{ARTICLE}treatments/", "/glossary/", "/support/",
    "/support/getting-help/", "/search/?q=bone+pain", f"{ARTICLE}comments/new/",
]  # fmt: skip

#: Words of headings, glossary terms and nav links that the layout broke inside themselves (a
#: break after a hyphen, as in "re-/testing", is an ordinary line break).
BROKEN_WORDS = """() => {
  const broken = [];
  for (const element of document.querySelectorAll("h1, h2, h3, h4, dt, nav a, .site-name")) {
    if (!element.getClientRects().length) continue;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
      for (const match of node.textContent.matchAll(/[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(`${element.tagName}: ${match[0]}`);
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def big_text(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Page.enable")
    session.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_at_200_percent_nothing_scrolls_sideways_and_no_word_breaks(live_site: str, big_text: Page, path: str):
    big_text.goto(f"{live_site}{path}")
    assert big_text.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px", "text is at 200%"
    assert big_text.evaluate("document.documentElement.scrollWidth") <= 390
    assert big_text.evaluate(BROKEN_WORDS) == []
    links = big_text.locator(".site-header nav a")
    last = links.nth(links.count() - 1).bounding_box()
    assert last["x"] + last["width"] <= 390, "every nav link is on screen: the nav wraps"


def test_at_200_percent_the_skip_link_is_hidden_until_focused(live_site: str, big_text: Page):
    big_text.goto(f"{live_site}{ARTICLE}")
    skip = big_text.locator(".skip-link")
    box = skip.bounding_box()
    assert box["y"] + box["height"] <= 0, "nothing of it shows at the top"
    big_text.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["x"] + box["width"] <= 390, "focused, it is fully in view"
    screenshot(big_text, "large-text-skip-link")


def test_a_wrapped_contents_entry_keeps_its_number_on_its_first_line(live_site: str, big_text: Page):
    big_text.goto(f"{live_site}{ARTICLE}")
    entry = big_text.locator("nav.contents li").first
    link = entry.locator("a")
    lines = link.evaluate("a => a.getClientRects().length")
    assert lines > 1, "at this size the first entry wraps"
    # The number is the list marker, on the line of the entry's first line box: with the link
    # laid out inline (not as one inline-block, whose last line the number would sit on), the
    # link's first line box starts at the top of the entry.
    first_line = link.evaluate("a => a.getClientRects()[0].top")
    entry_top = entry.evaluate("li => li.getBoundingClientRect().top + parseFloat(getComputedStyle(li).paddingTop)")
    assert abs(first_line - entry_top) < 12
    assert link.evaluate("a => getComputedStyle(a).display") == "inline"


def test_an_opened_meaning_follows_the_paragraph_and_does_not_split_its_sentence(live_site: str, phone: Page):
    phone.goto(f"{live_site}{ARTICLE}mechanism/")
    word = phone.locator(".prose p a.glossary-link").first
    paragraph = word.locator("xpath=ancestor::p[1]")
    before = paragraph.evaluate("p => p.textContent")
    word.click()
    meaning = phone.locator("#" + word.get_attribute("aria-controls"))
    expect(meaning).to_be_visible()
    assert paragraph.evaluate("p => p.textContent") == before, "nothing was put inside the sentence"
    assert meaning.evaluate("box => box.previousElementSibling.tagName") in ("P", "SPAN")
    assert meaning.evaluate("box => box.closest('p')") is None


DIAGRAM = """() => {
  const svg = [...document.querySelectorAll(".diagram svg")].find(s => s.getClientRects().length);
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const label = svg.querySelector("text.diagram-text");
  const outside = [];
  for (const text of svg.querySelectorAll("text")) {
    const box = text.getBBox();
    const rect = text.previousElementSibling;
    if (rect && rect.tagName === "rect") {
      const r = rect.getBBox();
      if (box.x < r.x || box.y < r.y || box.x + box.width > r.x + r.width || box.y + box.height > r.y + r.height) {
        outside.push(text.textContent.trim());
      }
    }
    if (box.x < 0 || box.x + box.width > svg.viewBox.baseVal.width) outside.push(text.textContent.trim());
  }
  return {kind: svg.getAttribute("class"), labelPx: parseFloat(getComputedStyle(label).fontSize) * scale, outside};
}"""


def test_the_diagrams_labels_grow_with_the_text(live_site: str, big_text: Page, browser):
    normal = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
    try:
        normal.goto(f"{live_site}{ARTICLE}mechanism/")
        at_100 = normal.evaluate(DIAGRAM)
    finally:
        normal.context.close()
    big_text.goto(f"{live_site}{ARTICLE}mechanism/")
    at_200 = big_text.evaluate(DIAGRAM)
    assert at_100["kind"] == "diagram-wide" and at_200["kind"] == "diagram-narrow"
    assert at_200["labelPx"] >= 1.5 * at_100["labelPx"], (at_100, at_200)
    assert at_100["outside"] == [] and at_200["outside"] == [], "every label inside its box"
    big_text.locator(".diagram svg.diagram-narrow").scroll_into_view_if_needed()
    screenshot(big_text, "large-text-diagram")
