"""'Listen to this page' in Chromium, with the browser's speech synthesis observed, not heard.

Headless Chromium has no audio. An init script replaces ``speechSynthesis.speak``, ``pause``,
``resume`` and ``cancel`` with recorders before the page's scripts run; the test then plays the
part of the speech engine, ending each utterance itself (``onend``) to move the reading on.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_accessibility import context_page, violations
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser
SECTION = f"/articles/{ARTICLE_SLUG}/treatments/"
#: What is read aloud, found here by the page's own structure.
PARTS = "main h1, .article-section > h2, [data-layer=plain] > .prose"
RECORDER = """
window.__speech = { calls: [], utterances: [] };
(function () {
  var synth = window.speechSynthesis;
  synth.speak = function (u) { __speech.calls.push(["speak", u.text, u.rate]); __speech.utterances.push(u); };
  synth.pause = function () { __speech.calls.push(["pause"]); };
  synth.resume = function () { __speech.calls.push(["resume"]); };
  synth.cancel = function () { __speech.calls.push(["cancel"]); };
})();
// The engine finished the newest utterance (or only the one given).
window.__end = function (index) {
  var list = __speech.utterances, u = list[index === undefined ? list.length - 1 : index];
  if (u.onend) u.onend(new Event("end"));
};
"""
#: More than any page here has sentences: loops that read to the end stop by this count.
MAX_SENTENCES = 400


def listening_page(browser: Browser, options: dict | None = None, **context) -> Page:
    page = browser.new_context(**(options or DESKTOP), **context).new_page()
    page.add_init_script(RECORDER)
    return page


def calls(page: Page) -> list[list]:
    return page.evaluate("__speech.calls")


def spoken(page: Page) -> list[str]:
    return [call[1] for call in calls(page) if call[0] == "speak"]


def highlighted(page: Page) -> str:
    """The text of the sentence highlighted now (one sentence may be several spans)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('.listen-current')].map((e) => e.textContent).join('')"
        ".replace(/\\s+/g, ' ').trim()"
    )


def read_to_the_end(page: Page) -> list[str]:
    status = page.locator(".listen-status")
    for _ in range(MAX_SENTENCES):
        if status.text_content() == "Finished reading.":
            return spoken(page)
        page.evaluate("__end()")
    pytest.fail("the reading never finished")


def expected_text(page: Page) -> str:
    """The title and plain words as a listener should hear them, worked out here independently:
    the text of every part to read, without citation numbers or opened meanings, with each glossary
    link that names its term (or its plural in s) replaced by the glossary's pronunciation."""
    return page.evaluate(
        """(parts) => {
          const words = JSON.parse(document.getElementById("listen-words").textContent);
          return [...document.querySelectorAll(parts)].map((part) => {
            const copy = part.cloneNode(true);
            copy.querySelectorAll("sup.cite, .visually-hidden, .term-definition").forEach((e) => e.remove());
            copy.querySelectorAll("a.glossary-link").forEach((link) => {
              const slug = link.getAttribute("href").split("#")[1];
              const name = link.textContent.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ +/g, "-");
              if (words[slug] && name === slug) link.textContent = words[slug];
              if (words[slug] && name === slug + "s") link.textContent = words[slug] + "s";
            });
            copy.querySelectorAll("p, li, h2, h3").forEach((e) => e.append(" "));
            return copy.textContent;
          }).join(" ").replace(/\\s+/g, " ").trim();
        }""",
        PARTS,
    )


def test_reads_the_title_and_plain_words_in_order_with_the_glossary_pronunciations(live_site: str, browser):
    page = listening_page(browser)
    page.goto(live_site + SECTION)
    control = page.locator(".listen")
    expect(control).to_be_visible()
    page.get_by_role("button", name="Listen to this page", exact=True).click()
    texts = read_to_the_end(page)

    assert texts[0] == "Treatment of Bone Lesions"
    assert texts[1] == "Treatment cannot cure cancer in the bone, but it can often control it for some time."
    assert texts[2] == "How long people live with it is hard to predict."
    assert " ".join(texts) == expected_text(page), "every sentence of the plain words, once, in order"
    assert "a jab under the skin (den-OH-sue-mab), 4 weeks apart." in texts
    assert "a drip (zol-eh-DRON-ik acid), 3 to 4 weeks apart or 12 weeks apart" in texts
    assert not [text for text in texts if "[" in text or "source " in text], "citation numbers are not read"
    assert not [text for text in texts if "In detail" in text or "original article" in text], "plain layer only"
    assert calls(page)[0] == ["cancel"], "anything still speaking is stopped first"
    expect(page.locator(".listen-current")).to_have_count(0)
    expect(page.get_by_role("button", name="Listen to this page", exact=True)).to_be_visible()
    page.context.close()


def test_the_highlight_follows_the_sentence_and_stays_in_view(live_site: str, browser):
    page = listening_page(browser, PHONE)
    page.goto(live_site + SECTION)
    page.get_by_role("button", name="Listen to this page", exact=True).click()
    current = page.locator(".listen-current")
    assert highlighted(page) == "Treatment of Bone Lesions"
    status = page.get_by_role("status").filter(has_text="Reading sentence")
    expect(status).to_have_text(re.compile(r"^Reading sentence 1 of \d+$"))
    total = int(status.text_content().rsplit(" ", 1)[1])
    page.evaluate("__end()")
    assert highlighted(page) == "Treatment cannot cure cancer in the bone, but it can often control it for some time."
    expect(status).to_have_text(f"Reading sentence 2 of {total}")
    for _ in range(total - 3):
        page.evaluate("__end()")
    expect(status).to_have_text(f"Reading sentence {total - 1} of {total}")
    assert highlighted(page) == spoken(page)[-1].replace("den-OH-sue-mab", "denosumab"), "the sentence being read"
    assert current.first.evaluate("(e) => e.closest('[data-layer=plain] > .prose') !== null")
    expect(current.first).to_be_in_viewport()
    colours = current.first.evaluate(
        "(e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e.parentElement).backgroundColor]"
    )
    assert colours[0] != colours[1], "the sentence being read stands out"
    screenshot(page, "listen-highlight-phone")
    page.context.close()


def test_pause_resume_and_stop(live_site: str, browser):
    page = listening_page(browser)
    page.goto(live_site + f"/articles/{ARTICLE_SLUG}/")
    page.get_by_role("button", name="Listen to this page", exact=True).click()
    assert spoken(page) == ["Understanding Breast Cancer Bone Metastasis"]
    page.evaluate("__end()")
    assert spoken(page)[1] == "The Process of Cancer Cells Spread to Bones"

    page.get_by_role("button", name="Pause", exact=True).click()
    assert calls(page)[-1] == ["pause"]
    expect(page.get_by_role("status").filter(has_text="Paused")).to_have_text(re.compile(r"^Paused at sentence 2 of"))
    page.get_by_role("button", name="Resume", exact=True).click()
    assert calls(page)[-1] == ["resume"]
    assert len(spoken(page)) == 2, "resuming goes on with the same sentence"
    page.evaluate("__end()")
    assert len(spoken(page)) == 3

    page.get_by_role("button", name="Stop", exact=True).click()
    assert calls(page)[-1] == ["cancel"]
    expect(page.locator(".listen-current")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Stopped")).to_have_text("Stopped reading.")
    expect(page.get_by_role("button", name="Stop", exact=True)).to_be_hidden()
    expect(page.get_by_role("button", name="Listen to this page", exact=True)).to_be_focused()
    page.evaluate("__end()")  # the engine reports the cancelled sentence as ended: nothing more is read
    assert len(spoken(page)) == 3

    page.get_by_role("button", name="Listen to this page", exact=True).click()
    assert spoken(page)[-1] == "Understanding Breast Cancer Bone Metastasis", "listening again starts at the top"
    page.context.close()


def test_the_section_titles_come_before_their_plain_words_on_the_article(live_site: str, browser):
    page = listening_page(browser)
    page.goto(live_site + f"/articles/{ARTICLE_SLUG}/")
    titles = page.locator(".article-section > h2").all_text_contents()
    page.get_by_role("button", name="Listen to this page", exact=True).click()
    texts = read_to_the_end(page)
    positions = [texts.index(title) for title in titles]
    assert positions == sorted(positions) and len(titles) == 6
    assert " ".join(texts) == expected_text(page)
    assert any("cells that break it down (OSS-tee-oh-klasts)." in text for text in texts), "a plural is said too"
    page.context.close()


def test_the_speed_is_adjustable_and_remembered(live_site: str, browser):
    page = listening_page(browser)
    page.goto(live_site + "/support/getting-help/")
    speed = page.get_by_label("Speed")
    expect(speed).to_have_value("1")
    page.get_by_role("button", name="Listen to this page", exact=True).click()
    assert calls(page)[-1][2] == 1
    speed.select_option("1.5")
    assert calls(page)[-2:] == [["cancel"], ["speak", calls(page)[-3][1], 1.5]], "the sentence restarts, faster"
    page.evaluate("__end()")
    assert calls(page)[-1][2] == 1.5
    page.reload()
    expect(page.get_by_label("Speed")).to_have_value("1.5")
    assert page.evaluate("localStorage.getItem('metsinfo.listen.rate')") == "1.5"
    page.context.close()


def test_it_works_from_the_keyboard(live_site: str, browser):
    page = listening_page(browser)
    page.goto(live_site + SECTION)
    listen = page.get_by_role("button", name="Listen to this page", exact=True)
    for _ in range(60):
        page.keyboard.press("Tab")
        if listen.evaluate("(e) => e === document.activeElement"):
            break
    expect(listen).to_be_focused()
    page.keyboard.press("Enter")
    assert spoken(page) == ["Treatment of Bone Lesions"]
    page.keyboard.press(" ")
    assert calls(page)[-1] == ["pause"]
    page.keyboard.press("Enter")
    assert calls(page)[-1] == ["resume"]
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Stop", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    assert calls(page)[-1] == ["cancel"]
    page.context.close()


@pytest.mark.parametrize("how", ["no speech synthesis", "no JavaScript"])
def test_hidden_where_the_browser_cannot_speak(live_site: str, browser, how: str):
    if how == "no JavaScript":
        page = browser.new_context(java_script_enabled=False).new_page()
    else:
        page = browser.new_context().new_page()
        page.add_init_script("delete window.speechSynthesis; delete Window.prototype.speechSynthesis;")
    for path in (SECTION, f"/articles/{ARTICLE_SLUG}/", "/support/questions-to-ask/"):
        page.goto(live_site + path)
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator(".listen")).to_be_hidden()
        expect(page.get_by_role("button", name="Listen to this page", exact=True)).to_have_count(0)
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations_while_reading(live_site: str, browser, scheme: str):
    for path in (SECTION, "/support/getting-help/"):
        page = context_page(browser, PHONE, scheme)
        page.add_init_script(RECORDER)
        page.goto(live_site + path)
        assert violations(page) == [], "with the control shown"
        page.get_by_role("button", name="Listen to this page", exact=True).click()
        for _ in range(3):
            page.evaluate("__end()")
        page.get_by_role("button", name="Pause", exact=True).click()
        screenshot(page, f"listen-{path.strip('/').replace('/', '-')}-{scheme}")
        assert violations(page) == [], "while a sentence is highlighted and paused"
        page.context.close()
