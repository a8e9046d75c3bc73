"""Faults, on real servers: the database goes away and comes back; nothing needs a restart.

PostgreSQL pass: the site reaches PostgreSQL through a TCP proxy the test cuts. SQLite pass: the
database file is moved away (a fresh, empty one appears in its place, as SQLite creates one).
"""

from __future__ import annotations

import json
import socket
import urllib.parse
from pathlib import Path

import pytest

from tests.live import Browser, LiveSite, TcpProxy

ARTICLE = "/articles/breast-cancer-bone-metastasis/"
REPORT_DIR = Path(__file__).resolve().parent.parent / "var" / "reports"


class Outage:
    """Takes the live site's database away and brings it back."""

    def __init__(self, site: LiveSite) -> None:
        self.site = site
        self.proxy: TcpProxy | None = None
        if "postgres" in site.database_url:
            parts = urllib.parse.urlsplit(site.database_url)
            self.proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
            self.proxy.up()
            site.env["DATABASE_URL"] = urllib.parse.urlunsplit(
                parts._replace(netloc=f"{parts.username}@127.0.0.1:{self.proxy.port}")
            )
        else:
            self.file = Path(site.database_url.removeprefix("sqlite:///"))

    def begin(self) -> None:
        if self.proxy:
            self.proxy.down()
        else:
            for suffix in ("", "-wal", "-shm"):
                path = self.file.with_name(self.file.name + suffix)
                if path.exists():
                    path.rename(path.with_name(path.name + ".away"))

    def end(self) -> None:
        if self.proxy:
            self.proxy.up()
        else:
            for suffix in ("", "-wal", "-shm"):
                path = self.file.with_name(self.file.name + suffix)
                path.unlink(missing_ok=True)  # the empty database SQLite made meanwhile
                away = path.with_name(path.name + ".away")
                if away.exists():
                    away.rename(path)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = LiveSite(tmp_path_factory.mktemp("faults"), workers=2)
    try:
        site.create()
        outage = Outage(site)
        site.start()
        yield site, outage
    finally:
        site.destroy()


def test_database_down_gives_a_friendly_503_and_the_site_recovers_by_itself(site):
    site, outage = site
    reader = Browser()
    assert reader.get(site.url(0, "/")).status == 200
    outage.begin()
    try:
        page = Browser().get(site.url(0, "/glossary/"))
        assert page.status == 503
        assert page.headers["Retry-After"] == "30"
        assert "Sorry, this page is not available just now" in page.text
        assert "call 999" in page.text
        health = Browser().get(site.url(0, "/healthz"))
        assert health.status == 503
        assert json.loads(health.text)["checks"]["database"]["ok"] is False
        # Serving the last good pages meanwhile is the HTTP cache's job (stale-if-error):
        # tests/test_proxy.py checks it with nginx in front and the application stopped.
    finally:
        outage.end()
    recovery = site.wait_until_up(site.ports[0], timeout=30)
    assert Browser().get(site.url(0, "/glossary/")).status == 200
    assert Browser().get(site.url(0, ARTICLE)).status == 200
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"database-outage-{site.kind.split()[0].lower()}.json").write_text(
        json.dumps({"kind": site.kind, "recovery_seconds": round(recovery, 2)})
    )


def raw_request(port: int, request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are (no client library tidying them up); the status and the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1]), answer


BAD_REQUEST_IDS = ["huge header", "200 headers", "huge request line", "invalid UTF-8 path", "NUL in path"]
BAD_REQUEST_IDS += ["bad Host", "unknown method", "unknown HTTP version", "POST without CSRF"]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: " + b"a" * 20_000 + b"\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(200)) + b"\r\n",
        b"GET /" + b"a" * 10_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /articles/\xff\xfe/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /%00/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        b"POST /articles/breast-cancer-bone-metastasis/comments/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\nbody=",
    ],
    ids=BAD_REQUEST_IDS,
)
def test_malformed_requests_get_a_4xx_from_the_real_server(site, request_bytes):
    site, _ = site
    status, answer = raw_request(site.ports[0], request_bytes)
    assert 400 <= status < 500, answer[:300]
