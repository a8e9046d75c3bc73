"""My questions for my next appointment, in Chromium: tick, add, reorder, clear, print; all in the browser."""

from __future__ import annotations

import io
import json
import re

import pytest
from playwright.sync_api import Browser, Page, Request, expect
from pypdf import PdfReader

from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser

SECTION = f"/articles/{ARTICLE_SLUG}/diagnosis/"
QUESTIONS_PAGE = "/support/questions-to-ask/"
MY_QUESTIONS = "/my-questions/"
STORE_KEY = "metsinfo:my-questions"
TESTS_QUESTION = "Which tests will I have, and what will they show?"
DRIVING_QUESTION = "Is it safe for me to drive?"


def stored(page: Page) -> list[str]:
    """The question texts in the browser's own store, in order."""
    data = page.evaluate("key => localStorage.getItem(key)", STORE_KEY)
    return [item["text"] for item in json.loads(data)["items"]] if data else []


def my_list(page: Page) -> list[str]:
    return page.locator("[data-my-list] .my-question-text").all_inner_texts()


def requests_after_load(page: Page) -> list[Request]:
    """Record every request the page makes from now on."""
    seen: list[Request] = []
    page.on("request", lambda request: seen.append(request))
    return seen


def test_ticks_on_a_section_and_the_questions_page_survive_a_reload_and_are_listed(live_site: str, desktop: Page):
    desktop.goto(live_site + SECTION)
    box = desktop.get_by_role("checkbox", name=TESTS_QUESTION)
    expect(box).not_to_be_checked()
    box.check()
    expect(desktop.locator(".question-picker [role=status]")).to_contain_text("You have 1 question in your list.")

    desktop.goto(live_site + QUESTIONS_PAGE)
    expect(desktop.get_by_role("checkbox", name=TESTS_QUESTION)).to_be_checked()  # one list across pages
    desktop.get_by_role("checkbox", name=DRIVING_QUESTION).check()

    desktop.reload()
    expect(desktop.get_by_role("checkbox", name=DRIVING_QUESTION)).to_be_checked()
    desktop.goto(live_site + SECTION)
    expect(desktop.get_by_role("checkbox", name=TESTS_QUESTION)).to_be_checked()

    desktop.goto(live_site + MY_QUESTIONS)
    assert my_list(desktop) == [TESTS_QUESTION, DRIVING_QUESTION]
    assert stored(desktop) == [TESTS_QUESTION, DRIVING_QUESTION], "localStorage is the store"
    assert desktop.context.cookies() == [], "nothing per reader goes in a cookie"

    desktop.goto(live_site + QUESTIONS_PAGE)
    desktop.get_by_role("checkbox", name=DRIVING_QUESTION).uncheck()
    assert stored(desktop) == [TESTS_QUESTION]


def test_ticking_and_adding_send_nothing_to_the_server(live_site: str, desktop: Page):
    desktop.goto(live_site + QUESTIONS_PAGE)
    desktop.wait_for_load_state("networkidle")
    requests = requests_after_load(desktop)
    desktop.get_by_role("checkbox", name=DRIVING_QUESTION).check()
    desktop.get_by_label("Add your own question").fill("Can my sister come to my scan?")
    desktop.get_by_role("button", name="Add to my list").click()
    expect(desktop.locator("[data-question-tools] [role=status]")).to_contain_text("You have 2 questions")
    desktop.get_by_role("checkbox", name=DRIVING_QUESTION).uncheck()
    # A request of the test's own, last: any request the page set off above was made before it.
    with desktop.expect_request(lambda request: request.url.endswith("?after-ticking")):
        desktop.evaluate("fetch('/robots.txt?after-ticking')")
    assert [request.url for request in requests] == [live_site + "/robots.txt?after-ticking"]
    assert stored(desktop) == ["Can my sister come to my scan?"]


def test_own_questions_are_added_on_a_section_and_on_my_questions(live_site: str, desktop: Page):
    desktop.goto(live_site + SECTION)
    desktop.get_by_role("button", name="Add to my list").click()
    expect(desktop.get_by_text("Write your question first.")).to_be_visible()
    desktop.get_by_label("Add your own question").fill("  Will the scan hurt?  ")
    desktop.keyboard.press("Enter")
    expect(desktop.locator(".question-picker [role=status]")).to_contain_text("Added to your list.")

    desktop.goto(live_site + MY_QUESTIONS)
    desktop.get_by_label("Add your own question").fill("How long will I wait for results?")
    desktop.get_by_role("button", name="Add to my list").click()
    assert my_list(desktop) == ["Will the scan hurt?", "How long will I wait for results?"]
    expect(desktop.locator("[data-my-questions] [role=status]")).to_have_text("Added to your list.")
    desktop.reload()
    assert my_list(desktop) == ["Will the scan hurt?", "How long will I wait for results?"]


def _fill(page: Page, live_site: str, questions: list[str]) -> None:
    page.goto(live_site + MY_QUESTIONS)
    items = [{"id": f"own:{n}", "text": text, "own": True} for n, text in enumerate(questions)]
    page.evaluate(
        "([key, items]) => localStorage.setItem(key, JSON.stringify({version: 1, items}))", [STORE_KEY, items]
    )
    page.reload()


def test_reorder_and_remove_with_the_keyboard(live_site: str, desktop: Page):
    _fill(desktop, live_site, ["First", "Second", "Third"])
    desktop.get_by_role("button", name="Move down: First").focus()
    desktop.keyboard.press("Enter")
    assert my_list(desktop) == ["Second", "First", "Third"]
    status = desktop.locator("[data-my-questions] [role=status]")
    expect(status).to_have_text("Moved down. It is now number 2 of 3.")
    # Focus stays on the moved question's button, so pressing again moves it on.
    desktop.keyboard.press("Space")
    assert my_list(desktop) == ["Second", "Third", "First"]
    desktop.keyboard.press("Enter")
    expect(status).to_have_text("This question is already last.")
    assert my_list(desktop) == ["Second", "Third", "First"]

    desktop.keyboard.press("Shift+Tab")  # back to "Move up: First"
    assert desktop.evaluate("document.activeElement.getAttribute('aria-label')") == "Move up: First"
    desktop.keyboard.press("Enter")
    assert my_list(desktop) == ["Second", "First", "Third"]
    desktop.get_by_role("button", name="Remove: Second").focus()
    desktop.keyboard.press("Enter")
    assert my_list(desktop) == ["First", "Third"]
    expect(status).to_have_text("Taken off your list.")
    desktop.reload()
    assert my_list(desktop) == ["First", "Third"]


def test_the_list_is_cleared_in_one_step_and_can_be_brought_back(live_site: str, desktop: Page):
    _fill(desktop, live_site, ["First", "Second"])
    desktop.get_by_role("button", name="Clear my list").click()
    assert my_list(desktop) == [] and stored(desktop) == []
    expect(desktop.get_by_text("Your list is empty.")).to_be_visible()
    undo = desktop.get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    undo.click()
    assert my_list(desktop) == ["First", "Second"] == stored(desktop)
    desktop.get_by_role("button", name="Clear my list").click()
    desktop.reload()
    assert my_list(desktop) == [] and stored(desktop) == []


def test_the_list_prints_on_one_a4_page_with_the_date_and_show_this_to_your_team(live_site: str, desktop: Page):
    desktop.goto(live_site + QUESTIONS_PAGE)
    boxes = desktop.locator("[data-question-list] input[type=checkbox]")
    assert boxes.count() >= 30
    for n in (0, 2, 5, 7, 11, 15, 19, 22, 27):  # nine from across the topics, the longer ones among them
        boxes.nth(n).check()
    desktop.goto(live_site + MY_QUESTIONS)
    desktop.get_by_label("Add your own question").fill("Can I have my next scan at a hospital closer to home?")
    desktop.get_by_role("button", name="Add to my list").click()
    questions = my_list(desktop)
    assert len(questions) == 10
    today = desktop.evaluate("new Date().toLocaleDateString('en-GB', {day: 'numeric', month: 'long', year: 'numeric'})")

    desktop.emulate_media(media="print")
    screenshot(desktop, "my-questions-print")
    pdf = desktop.pdf(format="A4")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Show this to your team." in text
    assert f"Printed on {today}." in text
    assert "My appointment is on:" in text
    for question in questions:
        assert " ".join(question.split()) in text
    for screen_only in ("Move up", "Remove", "Clear my list", "Add your own question"):
        assert screen_only not in text
    # Room to write under each question: two ruled lines.
    heights = desktop.eval_on_selector_all(".answer-space", "els => els.map(e => e.getBoundingClientRect().height)")
    assert len(heights) == 10 and min(heights) >= 45


def test_without_javascript_the_pages_stay_plain_and_say_what_to_do(live_site: str, browser: Browser):
    context = browser.new_context(java_script_enabled=False, **DESKTOP)
    page = context.new_page()
    page.goto(live_site + QUESTIONS_PAGE)
    assert page.locator("input[type=checkbox]").count() == 0
    assert page.locator("[data-question-list] li").count() >= 30
    for hidden in ("Add your own question", "Tick the questions you want to ask."):
        # The tools' own words (the page's change notes may say the same thing, and stay shown).
        words = page.locator(".question-tools, form, [data-needs-script]").get_by_text(hidden)
        expect(words).to_have_count(1)
        expect(words).to_be_hidden()
    page.goto(live_site + SECTION)
    assert page.locator("input[type=checkbox]").count() == 0
    expect(page.get_by_text(TESTS_QUESTION)).to_be_visible()
    page.goto(live_site + MY_QUESTIONS)
    expect(page.get_by_text("This page needs JavaScript")).to_be_visible()
    expect(page.get_by_role("button")).to_have_count(0)
    page.get_by_role("link", name="print our list of questions to ask your care team").click()
    assert page.url == live_site + QUESTIONS_PAGE
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_at_390_px_nothing_scrolls_sideways(live_site: str, browser: Browser, scheme: str):
    context = browser.new_context(**PHONE, color_scheme=scheme)
    page = context.new_page()
    page.goto(live_site + SECTION)
    page.get_by_role("checkbox", name=TESTS_QUESTION).check()
    page.get_by_label("Add your own question").fill("A rather long question of my own that wraps on a phone screen?")
    page.get_by_role("button", name="Add to my list").click()
    for path in (SECTION, QUESTIONS_PAGE, MY_QUESTIONS):
        page.goto(live_site + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width} px wide"
        screenshot(page, f"questions-{re.sub(r'[^a-z]+', '-', path).strip('-')}-phone-{scheme}")
    assert my_list(page) == [TESTS_QUESTION, "A rather long question of my own that wraps on a phone screen?"]
    context.close()
