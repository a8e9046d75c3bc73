"""axe-core (WCAG 2.2 A and AA rules and best practice) in Chromium, light and dark: zero violations.

Also takes the screenshots people look at: every page at phone and desktop width, in both themes,
saved under var/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page

from tests.browser.conftest import DESKTOP, PHONE, screenshot

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTICLE = "/articles/breast-cancer-bone-metastasis/"
PAGES = {
    "home": "/",
    "article": ARTICLE,
    "section": f"{ARTICLE}symptoms/",
    "support-page": "/support/getting-help/",
    "glossary": "/glossary/",
    "search": "/search/?q=bone+pain",
    "search-empty": "/search/?q=qwertyuiop",
    "privacy": "/privacy/",
    "card": "/card/",
    "card-sheet": "/card/sheet/",
    "not-found": "/no-such-page/",
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def violations(page: Page) -> list[str]:
    # axe is injected as an inline script, which the site's CSP forbids: the context bypasses CSP.
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)["violations"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in found]


@pytest.fixture(params=["light", "dark"])
def scheme(request) -> str:
    return request.param


def context_page(browser: Browser, options: dict, scheme: str) -> Page:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run 'make test' (it runs npm ci) or 'npm ci'.")
    context = browser.new_context(**options, color_scheme=scheme, bypass_csp=True)
    return context.new_page()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_pages_have_no_axe_violations(live_site: str, browser: Browser, scheme: str, width: str):
    page = context_page(browser, PHONE if width == "phone" else DESKTOP, scheme)
    problems = {}
    for name, path in PAGES.items():
        page.goto(live_site + path)
        screenshot(page, f"{name}-{width}-{scheme}")
        if found := violations(page):
            problems[name] = found
    page.context.close()
    assert problems == {}


def test_comment_form_with_errors_has_no_axe_violations(live_site: str, browser: Browser, scheme: str):
    for width, options in (("phone", PHONE), ("desktop", DESKTOP)):
        page = context_page(browser, options, scheme)
        page.goto(live_site + ARTICLE + "#comment-form")
        page.get_by_role("button", name="Send comment").click()
        page.wait_for_selector(".error-summary")
        page.locator("#comment-form").scroll_into_view_if_needed()
        screenshot(page, f"comment-form-errors-{width}-{scheme}")
        assert violations(page) == []
        page.context.close()


def test_axe_really_runs_and_would_report_a_problem(live_site: str, browser: Browser):
    page = context_page(browser, DESKTOP, "light")
    page.goto(live_site + "/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    assert any(problem.startswith("image-alt") for problem in violations(page))
    page.context.close()


def test_readable_at_320_px_and_on_a_wide_screen(live_site: str, browser: Browser):
    """No sideways scrolling at 320 px; body text at least 18 px; lines about 70 characters at most."""
    narrow = context_page(browser, {"viewport": {"width": 320, "height": 640}}, "light")
    for name, path in PAGES.items():
        narrow.goto(live_site + path)
        width = narrow.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{name} scrolls sideways at 320 px ({width} px wide)"
        assert narrow.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    narrow.context.close()
    wide = context_page(browser, DESKTOP, "light")
    wide.goto(live_site + ARTICLE)
    characters = wide.evaluate(
        """() => { const p = document.querySelector('.prose p'); const style = getComputedStyle(p);
                   const ctx = document.createElement('canvas').getContext('2d'); ctx.font = style.font;
                   return p.clientWidth / ctx.measureText('abcdefghijklmnopqrstuvwxyz').width * 26; }"""
    )
    assert 55 <= characters <= 80, f"about {characters:.0f} characters per line"
    wide.context.close()


QUESTION_PAGES = {
    "my-questions": "/my-questions/",
    "questions-to-ask": "/support/questions-to-ask/",
    "section-questions": f"{ARTICLE}treatments/",
}


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_question_list_pages_have_no_axe_violations_with_and_without_a_list(
    live_site: str, browser: Browser, scheme: str, width: str
):
    """The tick boxes, the reader's own list (empty, then filled) and the messages it shows."""
    page = context_page(browser, PHONE if width == "phone" else DESKTOP, scheme)
    problems = {}
    page.goto(live_site + QUESTION_PAGES["my-questions"])
    page.wait_for_selector("[data-list-empty]:not([hidden])")
    if found := violations(page):
        problems["my-questions-empty"] = found
    for name, path in QUESTION_PAGES.items():
        page.goto(live_site + path)
        if name != "my-questions":
            page.locator("[data-question-list] input[type=checkbox]").nth(1).check()
            page.get_by_role("button", name="Add to my list").click()  # empty: the error shows
        screenshot(page, f"{name}-{width}-{scheme}")
        if found := violations(page):
            problems[name] = found
    page.get_by_label("Add your own question").fill("Can I bring my daughter?")
    page.get_by_role("button", name="Add to my list").click()
    page.goto(live_site + QUESTION_PAGES["my-questions"])
    assert page.locator("[data-my-list] li").count() == 3  # a tick on each of two pages, and one of my own
    page.get_by_role("button", name="Clear my list").click()  # the "cleared, undo" note
    if found := violations(page):
        problems["my-questions-cleared"] = found
    page.get_by_role("button", name="Undo").click()
    screenshot(page, f"my-questions-list-{width}-{scheme}")
    if found := violations(page):
        problems["my-questions-list"] = found
    page.context.close()
    assert problems == {}
