"""A reader opens the article on a phone and finds their way around it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.browser


def test_contents_link_takes_the_reader_to_the_section(live_site: str, phone: Page):
    phone.goto(f"{live_site}/articles/{ARTICLE_SLUG}/")
    expect(phone.locator("h1")).to_have_text("Understanding Breast Cancer Bone Metastasis")
    screenshot(phone, "article-phone")

    contents = phone.get_by_role("navigation", name="On this page")
    contents.get_by_role("link", name="Symptoms of Bone Metastasis").click()

    expect(phone).to_have_url(f"{live_site}/articles/{ARTICLE_SLUG}/#symptoms")
    heading = phone.get_by_role("heading", level=2, name="Symptoms of Bone Metastasis")
    expect(heading).to_be_in_viewport()
    # The page scrolls smoothly (unless the reader prefers reduced motion): wait for it to arrive.
    phone.wait_for_function(
        "() => { const top = document.getElementById('symptoms').getBoundingClientRect().top;"
        " return top >= -2 && top <= 120; }",
        timeout=5000,
    )


def test_a_shared_page_arrives_compressed_public_and_without_cookies(live_site: str, browser):
    """Two readers get the same bytes, compressed and cacheable by any cache; no cookie is set."""
    url = f"{live_site}/articles/{ARTICLE_SLUG}/"
    bodies = []
    for _ in range(2):
        context = browser.new_context()
        reader = context.new_page()
        response = reader.goto(url)
        assert response.headers["content-encoding"] == "gzip"
        assert response.headers["cache-control"].startswith("public")
        expect(reader.locator("h1")).to_have_text("Understanding Breast Cancer Bone Metastasis")
        expect(reader.locator("footer")).to_contain_text("In an emergency call 999")
        assert not context.cookies(), "a page every reader shares sets no cookie"
        bodies.append(response.body())
        context.close()
    assert bodies[0] == bodies[1]


def test_glossary_word_shows_its_meaning_in_place(live_site: str, phone: Page):
    phone.goto(f"{live_site}/articles/{ARTICLE_SLUG}/mechanism/")
    word = phone.get_by_role("button", name="osteoclasts").first
    expect(word).to_have_attribute("aria-expanded", "false")
    word.click()
    expect(word).to_have_attribute("aria-expanded", "true")
    meaning = phone.locator("#" + word.get_attribute("aria-controls"))
    expect(meaning).to_be_visible()
    expect(meaning).to_contain_text("Osteoclast:")
    expect(meaning.get_by_role("link", name="More in the glossary")).to_have_attribute("href", "/glossary/#osteoclast")
    assert phone.url.endswith("/mechanism/"), "the reader stays where they were"
    word.press("Escape")
    expect(meaning).to_be_hidden()
    word.press("Enter")
    expect(meaning).to_be_visible()
    screenshot(phone, "glossary-in-place-phone")
    word.click()
    expect(meaning).to_be_hidden()


def test_without_javascript_a_glossary_word_links_to_its_entry(live_site: str, browser):
    context = browser.new_context(java_script_enabled=False)
    phone = context.new_page()
    phone.goto(f"{live_site}/articles/{ARTICLE_SLUG}/mechanism/")
    link = phone.locator("a.glossary-link", has_text="osteoclasts").first
    link.click()
    expect(phone).to_have_url(f"{live_site}/glossary/#osteoclast")
    expect(phone.locator("#osteoclast")).to_be_in_viewport()
    expect(phone.locator("#osteoclast dd")).to_contain_text("bone")
    context.close()


def test_section_page_and_pager_on_desktop(live_site: str, desktop: Page):
    desktop.goto(f"{live_site}/articles/{ARTICLE_SLUG}/diagnosis/")
    screenshot(desktop, "section-desktop")
    desktop.get_by_role("link", name="Next section").click()
    expect(desktop).to_have_url(f"{live_site}/articles/{ARTICLE_SLUG}/treatments/")
    expect(desktop.locator("h1")).to_have_text("Treatment of Bone Lesions")


def test_keyboard_user_can_skip_to_content(live_site: str, desktop: Page):
    desktop.goto(f"{live_site}/articles/{ARTICLE_SLUG}/")
    desktop.keyboard.press("Tab")
    skip = desktop.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    desktop.keyboard.press("Enter")
    expect(desktop).to_have_url(f"{live_site}/articles/{ARTICLE_SLUG}/#main")


def test_the_article_requests_nothing_from_another_origin(live_site: str, phone: Page):
    requested: list[str] = []
    phone.on("request", lambda request: requested.append(request.url))
    phone.goto(f"{live_site}/articles/{ARTICLE_SLUG}/", wait_until="networkidle")
    assert requested, "the page was loaded"
    assert all(url.startswith(live_site) for url in requested), [u for u in requested if not u.startswith(live_site)]


def test_copy_link_copies_the_sections_own_address_and_says_so(live_site: str, browser, settings):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_site)
    page = context.new_page()
    page.goto(f"{live_site}/articles/{ARTICLE_SLUG}/")
    button = page.get_by_role("button", name="Copy link to Symptoms of Bone Metastasis")
    button.click()
    expected = f"{settings.SITE_URL}/articles/{ARTICLE_SLUG}/symptoms/"
    assert page.evaluate("navigator.clipboard.readText()") == expected
    expect(page.get_by_role("status").last).to_have_text(f"Link copied: {expected}")
    expect(button).to_have_text("Link copied")
    context.close()


def test_without_javascript_the_section_link_is_a_plain_link(live_site: str, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_site}/articles/{ARTICLE_SLUG}/")
    assert page.get_by_role("button", name="Copy link").count() == 0
    page.get_by_role("link", name=re.compile(r"^Link to this section\W+Diagnosis of Bone Lesions$")).click()
    assert page.url.endswith(f"/articles/{ARTICLE_SLUG}/diagnosis/")
    context.close()


def test_printed_handouts(live_site: str, desktop: Page, tmp_path):
    """Print drops navigation, forms and comments, shows the QR code; the plain handout is short.

    Each section prints its urgent-help card, key points and plain words first, on at most three
    A4 pages at 12 pt; the detailed text follows from a new page, then the words explained and the
    sources (13 pages in all for the longest section, treatments, against at most 8 at the old 10 pt).
    """
    desktop.emulate_media(media="print")
    desktop.goto(f"{live_site}/articles/{ARTICLE_SLUG}/")
    for hidden in (".site-header nav", ".contents", "#comment-form", ".comments", ".share-link"):
        assert desktop.locator(hidden).first.is_hidden(), hidden
    expect(desktop.locator(".print-handout svg.qr")).to_be_visible()
    screenshot(desktop, "print-article-desktop")
    for kind in ("mechanism", "symptoms", "diagnosis", "treatments", "prevention", "research"):
        desktop.goto(f"{live_site}/articles/{ARTICLE_SLUG}/{kind}/")
        whole = len(re.findall(rb"/Type\s*/Page[^s]", desktop.pdf(format="A4", print_background=False)))
        desktop.evaluate(
            "document.querySelectorAll('.detailed-layer, .references, .words-used').forEach(e => e.remove())"
        )
        plain = len(re.findall(rb"/Type\s*/Page[^s]", desktop.pdf(format="A4", print_background=False)))
        assert 1 <= plain <= 3, f"{kind}: the plain handout takes {plain} pages"
        assert plain < whole <= 14, f"{kind}: {whole} pages in all"
