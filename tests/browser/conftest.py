"""Real headless Chromium (Debian's package) driven by Playwright."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from metsinfo.contentsync.plan import load_content
from metsinfo.lib.groups import create_group

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures here are
# ordinary synchronous ones, so Django's async-safety guard would be a false alarm.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
# As root Chromium needs --no-sandbox; the rest stop it reaching for the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


#: Playwright's own console line when a page asks for a service worker in a context that blocks them.
SERVICE_WORKER_BLOCKED = "Service Worker registration blocked by Playwright"


class _Chromium:
    """The session's Chromium, whose contexts block service workers unless a test allows them.

    Allowed, the worker would save every page for offline reading in the background of each new
    context, loading the live server during other tests (and its database while they tear down).
    test_offline_browser.py passes ``service_workers="allow"``.
    """

    def __init__(self, browser: Browser) -> None:
        self._browser = browser

    def new_context(self, **options) -> BrowserContext:
        options.setdefault("service_workers", "block")
        return self._browser.new_context(**options)

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make chromium' (Debian's chromium package).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield _Chromium(browser)
        browser.close()


@pytest.fixture
def live_site(transactional_db, live_server) -> str:
    """The live server's address, with the real content loaded."""
    load_content(settings.CONTENT_DIR)
    return live_server.url


def _page(browser: Browser, options: dict) -> Iterator[Page]:
    context = browser.new_context(**options)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, PHONE)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    yield from _page(browser, DESKTOP)


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under var/screenshots for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def staff_in_group(username: str, password: str, group: str, app_label: str, permissions: dict) -> User:
    """A staff user in ``group``. Transactional tests flush data migrations' rows, so re-create it."""

    create_group(apps, app_label, group, permissions)
    user = User.objects.create_user(username, password=password, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user
