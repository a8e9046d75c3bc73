"""Reading offline in real Chromium: after one visit every listed page opens with no network, a
correction replaces the saved copy on the next visit with a connection, and nothing of staff's
or of the admin is ever saved.

Service workers need a secure context; a server on 127.0.0.1 is one. Playwright's
``set_offline`` does not reach a service worker's own requests (microsoft/playwright#2311), so
"offline" here is a real outage as well: the test's live server is stopped, and connections are
refused, then started again on the same address (the same origin, so the same saved copies).
Waits are for what the page itself is told: the worker's answer, its ``data-offline-saved`` mark.
Their timeout is a ceiling for a worker that never answers, not a measure of speed.
"""

import json
import urllib.request
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import Error as PlaywrightError

from metsinfo.contentsync.plan import load_content
from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.conftest import ARTICLE_SLUG
from tests.live import free_port

pytestmark = pytest.mark.browser

#: The version of the content this browser holds in Cache Storage, once a save is complete.
SAVED_VERSION = """async () => {
  for (const name of await caches.keys()) {
    const entry = await (await caches.open(name)).match("/offline.json?saved");
    if (entry) return (await entry.json()).version;
  }
  return null;
}"""
#: Every address held in this origin's Cache Storage, with the Cache-Control it was saved with.
SAVED_ENTRIES = """async () => {
  const entries = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      entries.push([new URL(request.url).pathname + new URL(request.url).search,
                    response.headers.get("Cache-Control") || ""]);
    }
  }
  return entries;
}"""
#: Milliseconds before a page that is never told is a failure; far beyond any machine's slowness.
TOLD_WITHIN = 120_000


class _OneConnectionAtATime(WSGIServer):
    """Django's server without threads: it closes every connection after its answer, so once
    stopped nothing is served over a connection kept alive from before."""

    def __init__(self, *args, connections_override=None, allow_reuse_address=False, **kwargs):
        # The same port again at once when the site comes back (Django's test server refuses).
        super().__init__(*args, allow_reuse_address=True, **kwargs)


class _ServerThread(LiveServerThread):
    server_class = _OneConnectionAtATime


class Site:
    """The test database served on one 127.0.0.1 address, which can go down and come back."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread: LiveServerThread | None = None

    def up(self) -> None:
        shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        for connection in shared.values():
            connection.inc_thread_sharing()
        self.thread = _ServerThread(
            "127.0.0.1", static_handler=StaticFilesHandler, connections_override=shared, port=self.port
        )
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error

    def down(self) -> None:
        self.thread.terminate()
        for connection in self.thread.connections_override.values():
            connection.dec_thread_sharing()
        self.thread = None


@pytest.fixture
def site(transactional_db) -> Iterator[Site]:
    load_content(settings.CONTENT_DIR)
    site = Site()
    site.up()
    yield site
    if site.thread:
        site.down()


def go_offline(site: Site, context: BrowserContext) -> None:
    site.down()
    context.set_offline(True)  # what the page's navigator.onLine and its "offline" event see


def go_online(site: Site, context: BrowserContext) -> None:
    site.up()
    context.set_offline(False)


def offline_list(site: str) -> dict:
    with urllib.request.urlopen(f"{site}/offline.json", timeout=10) as response:  # noqa: S310 (http only)
        return json.load(response)


def wait_until_checked(page: Page, version: str) -> None:
    """Wait until the worker, once this page's visit was checked, told the page ``version`` is saved."""
    expect(page.locator("html")).to_have_attribute("data-offline-saved", version, timeout=TOLD_WITHIN)


def wait_until_saved(page: Page, version: str) -> None:
    """Wait until this page is told the save of ``version`` is complete, and Cache Storage holds it."""
    wait_until_checked(page, version)
    assert page.evaluate(SAVED_VERSION) == version


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(**DESKTOP, service_workers="allow")
    yield context
    context.close()


#: Pages a reader takes to an appointment or a ward, which must open offline among the rest.
TAKEN_ALONG = ("/my-questions/", "/card/", "/card/sheet/")


def test_after_one_visit_every_listed_page_opens_offline_with_the_notice(site: Site, context: BrowserContext):
    listing = offline_list(site.url)
    assert set(TAKEN_ALONG) <= set(listing["pages"])
    page = context.new_page()
    page.goto(f"{site.url}/articles/{ARTICLE_SLUG}/")
    wait_until_saved(page, listing["version"])
    expect(page.locator("[data-offline-line]")).to_contain_text("Saved for reading offline on ")
    own = "Can I still go swimming?"
    page.evaluate(
        "([key, items]) => localStorage.setItem(key, JSON.stringify({version: 1, items}))",
        ["metsinfo:my-questions", [{"id": "own:swim", "text": own, "own": True}]],
    )

    go_offline(site, context)
    for path in listing["pages"]:
        response = page.goto(site.url + path)
        assert response is not None and response.ok, path
        assert "x-offline-saved" in response.headers, f"{path} did not come from the saved copy"
        expect(page.locator("h1")).not_to_be_empty()
        expect(page.locator("[data-offline-notice]")).to_contain_text("You are offline. This page was saved on ")
        # No visit was checked (no connection), so nothing was said to all pages: the page asked.
        wait_until_checked(page, listing["version"])
        # Its stylesheet came from the saved copy too.
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "18px", path
    # The reader's own list is in this browser, read by the saved page's saved script.
    page.goto(f"{site.url}/my-questions/")
    expect(page.locator("[data-my-list] li")).to_have_count(1)
    expect(page.locator("[data-my-list]")).to_contain_text(own)
    # The card's QR code is part of the page (inline SVG), not a file to fetch.
    page.goto(f"{site.url}/card/")
    expect(page.locator(".wallet-card-qr svg.qr")).to_be_visible()
    # A page that was never listed is not there: the browser's own offline error, not a stale page.
    with pytest.raises(PlaywrightError):
        page.goto(f"{site.url}/privacy/")


def test_offline_the_search_and_comment_forms_say_they_need_a_connection(site: Site, browser: Browser):
    context = browser.new_context(**PHONE, color_scheme="dark", service_workers="allow")
    page = context.new_page()
    page.goto(f"{site.url}/search/")
    wait_until_saved(page, offline_list(site.url)["version"])
    go_offline(site, context)

    page.goto(f"{site.url}/search/?q=bone+pain")  # never saved: its page without the query answers
    expect(page.locator("form[role=search]")).to_contain_text("You are offline. Search only works when you are online.")
    expect(page.get_by_role("button", name="Search", exact=True)).to_be_disabled()

    page.goto(f"{site.url}/articles/{ARTICLE_SLUG}/")
    expect(page.locator(".comment-form form")).to_contain_text("you need to be online to send it.")
    expect(page.get_by_role("button", name="Send comment")).to_be_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "offline-article-phone-dark.png"))

    go_online(site, context)
    expect(page.locator("[data-offline-notice]")).to_have_text("You are back online.")
    expect(page.get_by_role("button", name="Send comment")).to_be_enabled()
    context.close()


def test_a_correction_replaces_the_saved_copy_after_one_visit_online(site: Site, context: BrowserContext):
    from metsinfo.articles.models import Section

    page = context.new_page()
    page.goto(f"{site.url}/")
    first = offline_list(site.url)["version"]
    wait_until_saved(page, first)
    page.goto(f"{site.url}/support")  # the worker passes a redirect (to /support/) through
    expect(page).to_have_url(f"{site.url}/support/")
    wait_until_checked(page, first)  # that visit's check is over before the content changes

    correction = "This sentence is the correction made while the reader was away."
    section = Section.objects.get(article__slug=ARTICLE_SLUG, kind="treatments")
    section.plain = f"{section.plain}\n\n{correction}"
    section.save()  # through the model, so the page caches are cleared on commit
    second = offline_list(site.url)["version"]
    assert second != first

    page.goto(f"{site.url}/glossary/")  # one visit, with a connection, to another page
    wait_until_saved(page, second)
    go_offline(site, context)
    for path in (f"/articles/{ARTICLE_SLUG}/treatments/", f"/articles/{ARTICLE_SLUG}/"):
        response = page.goto(site.url + path)
        assert response is not None and "x-offline-saved" in response.headers, path
        expect(page.locator("[data-layer=plain]").filter(has_text=correction)).to_have_count(1)
    names = [name for name in page.evaluate("caches.keys()") if name.startswith("metsinfo-offline-")]
    assert len(names) == 1 and second in names[0], f"the old copy is deleted: {names}"


def test_nothing_of_staff_or_the_admin_is_saved(site: Site, context: BrowserContext, admin_user):
    page = context.new_page()
    page.goto(f"{site.url}/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{site.url}/articles/{ARTICLE_SLUG}/")  # registers the worker; staff get a private page
    version = offline_list(site.url)["version"]
    wait_until_saved(page, version)
    for path in ("/admin/", "/admin/articles/article/", f"/articles/{ARTICLE_SLUG}/", "/search/?q=bone", "/glossary/"):
        page.goto(site.url + path)
    page.get_by_role("button", name="Update saved pages").click()  # a save made while signed in
    expect(page.locator("[data-offline-progress]")).to_have_text(
        "The pages are saved. You can read them when you are offline."
    )

    entries = dict(page.evaluate(SAVED_ENTRIES))
    assert f"/articles/{ARTICLE_SLUG}/" in entries and "/glossary/" in entries
    for url, cache_control in entries.items():
        assert not url.startswith(("/admin/", "/review/", "/comments/")), url
        assert "?q=" not in url, url
        assert "private" not in cache_control and "no-store" not in cache_control, (url, cache_control)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_offline_notices_have_no_axe_violations(site: Site, browser: Browser, scheme: str):
    from tests.browser.test_accessibility import context_page, violations

    page = context_page(browser, {**PHONE, "service_workers": "allow"}, scheme)
    page.goto(f"{site.url}/articles/{ARTICLE_SLUG}/")
    wait_until_saved(page, offline_list(site.url)["version"])
    page.goto(f"{site.url}/search/")
    expect(page.locator("[data-offline-line]")).to_contain_text("Saved for reading offline on ")
    assert violations(page) == []

    go_offline(site, page.context)
    for path in (f"/articles/{ARTICLE_SLUG}/", "/search/"):
        page.goto(site.url + path)
        expect(page.locator(".offline-needs-connection")).to_be_visible()
        assert violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.context.close()


def test_a_comment_sent_and_a_review_link_leave_nothing_in_the_saved_copies(
    site: Site, context: BrowserContext, settings
):
    from metsinfo.articles.models import Article
    from metsinfo.editorial.review import make_link_token

    settings.COMMENTS_MIN_SUBMIT_SECONDS = 0  # the robot types faster than any reader
    page = context.new_page()
    article = f"{site.url}/articles/{ARTICLE_SLUG}/"
    page.goto(article)
    wait_until_saved(page, offline_list(site.url)["version"])
    saved_article = page.evaluate(f"caches.match('/articles/{ARTICLE_SLUG}/').then(r => r.text())")

    page.get_by_label("Your comment").fill("The offline pages helped me on the ward.")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send comment").click()
    # The thank-you page is personal (a message waits for this reader): private, never saved.
    expect(page.get_by_text("Your comment will appear after a moderator has checked it.")).to_be_visible()
    token = make_link_token(Article.objects.get(slug=ARTICLE_SLUG), "Dr Test")
    page.goto(f"{site.url}/review/{token}/")
    page.goto(f"{site.url}/comments/token/")
    page.goto(article)  # a visit with a connection: its copy is replaced, then the list checked
    wait_until_checked(page, offline_list(site.url)["version"])

    entries = dict(page.evaluate(SAVED_ENTRIES))
    assert not [url for url in entries if url.startswith(("/review/", "/comments/")) or "/comments/" in url]
    assert all("private" not in control for control in entries.values()), entries
    saved_now = page.evaluate(f"caches.match('/articles/{ARTICLE_SLUG}/').then(r => r.text())")
    assert "moderator has checked it" not in saved_now and saved_now.count("<h1") == saved_article.count("<h1")
