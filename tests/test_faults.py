"""Faults, on real servers: the database goes away and comes back; nothing needs a restart.

PostgreSQL pass: the site reaches PostgreSQL through a TCP proxy the test cuts. SQLite pass: the
database file is moved away (a fresh, empty one appears in its place, as SQLite creates one).
"""

from __future__ import annotations

import json
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
    assert reader.get(site.url(0, "/")).status == 200  # now cached
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
        assert Browser().get(site.url(0, "/")).status == 200, "cached pages go on being served"
    finally:
        outage.end()
    recovery = site.wait_until_up(site.ports[0], timeout=30)
    assert Browser().get(site.url(0, "/glossary/")).status == 200
    assert Browser().get(site.url(0, ARTICLE)).status == 200
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    (REPORT_DIR / f"database-outage-{site.kind.split()[0].lower()}.json").write_text(
        json.dumps({"kind": site.kind, "recovery_seconds": round(recovery, 2)})
    )
