"""Fixtures shared by every test module."""

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from webtest import TestApp

from metsinfo.contentsync.plan import load_content

SEED_FILE = settings.BASE_DIR.parent / "shared" / "seed" / "000_41cfa57a80354ca3.txt"
SEED_COMMENT_COUNT = 9
ARTICLE_SLUG = "breast-cancer-bone-metastasis"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate limits and throttles live in the shared cache, pages in each process: start every test empty."""
    from django.core.cache import cache, caches

    cache.clear()
    caches["pages"].clear()


@pytest.fixture
def moderator(db):
    """A staff user in the Moderators group (made by the group's data migration)."""
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user("moderator", password="a long moderator password", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def visitor(db) -> Callable[[], TestApp]:
    """A new visitor of the site as gunicorn runs it: the WSGI application, page cache included.

    Django's test client calls Django's handler directly, so it never meets the page cache.
    Each call gives a fresh WebTest app, with its own cookies, like a new browser. As in
    Django's test client, a request leaves the test's database connection open (the test runs
    in a transaction).
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from metsinfo.wsgi import application

    def keeping_connections(environ: dict, start_response: Callable) -> list[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = application(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                if hasattr(response, "close"):
                    response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return lambda: TestApp(keeping_connections, extra_environ={"HTTP_HOST": "testserver"})


@pytest.fixture
def seeded(db) -> None:
    """The real content/ folder, loaded."""
    load_content(settings.CONTENT_DIR)


@pytest.fixture
def content_dir(tmp_path: Path) -> Callable[..., Path]:
    """Build a small, valid content folder; keyword arguments replace or add files."""

    def build(**files: str | bytes | None) -> Path:
        root = tmp_path / "content"
        defaults: dict[str, str | bytes | None] = {
            "glossary.md": "## Osteoclast\nAliases: osteoclasts\n\nA cell that breaks down bone.\n",
            "demo/article.md": (
                "Title: Demo article\nStatus: published\nLast-reviewed: 2026-01-10\n"
                "Next-review-due: 2027-01-10\nDescription: A plain summary.\n"
                "Sources: first: First source. 2023. https://example.org/first\n"
                "    second: Second source. Seen December 2026. https://example.org/second\n"
                "\nThe lead paragraph.\n"
            ),
            "demo/mechanism.md": (
                "Kind: mechanism\nTitle: How it works\nKey-points: One.\n    Two.\n\n"
                "::: plain\nIn short.\n\n::: detailed\nOsteoclasts act.\n"
            ),
            "demo/symptoms.md": "Kind: symptoms\nTitle: Symptoms\n\n::: plain\nIn short.\n\n::: detailed\nPain.\n",
        }
        defaults.update({name.replace("__", "/"): value for name, value in files.items()})
        for name, value in defaults.items():
            if value is None:
                continue
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(value, bytes):
                path.write_bytes(value)
            else:
                path.write_text(value, encoding="utf-8")
        return root

    return build


def pytest_report_header(config: pytest.Config) -> str:
    """Say which database and cache this pass runs on, so a silent fallback cannot hide."""
    database = settings.DATABASES["default"]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"metsinfo: database {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']}), cache {cache}"


_SESSION_STARTED = time.time()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    """Print the figures the load and fault tests measured in this run (from var/reports/)."""
    reports = sorted(Path(settings.VAR_DIR / "reports").glob("*.json")) if settings.VAR_DIR else []
    fresh = [path for path in reports if path.stat().st_mtime >= _SESSION_STARTED]
    if not fresh:
        return
    terminalreporter.section("measured by the load and fault tests")
    for path in fresh:
        figures = json.loads(path.read_text())
        figures.pop("statuses", None)
        terminalreporter.write_line(f"{path.stem}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))


@pytest.fixture
def silent_redis() -> Iterator[SimpleNamespace]:
    """A TCP server that takes connections and never answers, as a Redis host that has hung.

    ``url`` is its redis:// address; ``connections`` lists every connection made to it.
    """
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    connections: list[socket.socket] = []
    stop = threading.Event()

    def take() -> None:
        while not stop.is_set():
            try:
                connections.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=take, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"redis://127.0.0.1:{server.getsockname()[1]}/0", connections=connections)
    stop.set()
    thread.join()
    for connection in connections:
        connection.close()
    server.close()
