"""Load and faults on a real server: 1,000 comments from 32 clients, exactly once, even through a SIGKILL.

Production settings under gunicorn (4 workers) on 127.0.0.1; SQLite on the SQLite pass,
PostgreSQL + Redis on the PostgreSQL pass. Bounded: 1,000 submissions per run, 120 s at most.
Figures go to var/reports/ and are printed at the end of the test run.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest

from tests.live import Browser, LiveSite

ARTICLE = "/articles/breast-cancer-bone-metastasis/"
SUBMISSIONS = 1000
CLIENTS = 32
WORKERS = 4
#: A guard against a hung server only, far beyond any honest run: the load is bounded by its count
#: of submissions, never by a deadline, and the time it took is reported, not asserted.
HUNG_AFTER_SECONDS = 1800
REPORT_DIR = Path(__file__).resolve().parent.parent / "var" / "reports"


@dataclass
class Figures:
    database: str
    scenario: str
    submissions: int = 0
    acknowledged: int = 0
    refused_4xx: int = 0
    server_errors_5xx: int = 0
    connection_errors: int = 0
    stored: int = 0
    stored_more_than_once: int = 0
    acknowledged_but_missing: int = 0
    stored_without_acknowledgement: int = 0
    seconds: float = 0.0
    worker_recovery_seconds: float | None = None
    statuses: dict = field(default_factory=dict)


def workers_of(master: int) -> list[int]:
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def stored_bodies(site: LiveSite, marker: str) -> Counter:
    code = (
        "import json; from metsinfo.comments.models import Comment; "
        f"print(json.dumps(list(Comment.objects.filter(body__contains={marker!r}).values_list('body', flat=True))))"
    )
    return Counter(json.loads(site.manage("shell", "-c", code).strip().splitlines()[-1]))


def run_load(site: LiveSite, scenario: str, kill_after: int | None = None) -> Figures:
    marker = uuid.uuid4().hex[:12]
    figures = Figures(database=site.kind, scenario=scenario, submissions=SUBMISSIONS)
    outcomes: dict[str, str] = {}
    numbers = iter(range(SUBMISSIONS))
    lock = threading.Lock()
    acknowledged = threading.Event()

    def client() -> None:
        browser = Browser()
        # As the article's script does: the form's token and timestamp from the uncached endpoint.
        issued = json.loads(browser.get(site.url(0, "/comments/token/")).text)
        token, timestamp = issued["csrf"], issued["timestamp"]
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            body = f"Load test {marker}, submission {number:04}. Thank you for this page."
            data = {"body": body, "consent": "on", "display_name": f"Client {threading.get_ident() % 997}",
                    "csrfmiddlewaretoken": token, "timestamp": timestamp, "website": "", "email": ""}  # fmt: skip
            try:
                status = str(browser.request(site.url(0, f"{ARTICLE}comments/"), data).status)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                status = "connection error"
            with lock:
                outcomes[body] = status
                if status == "302" and sum(s == "302" for s in outcomes.values()) == kill_after:
                    acknowledged.set()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    if kill_after is not None:
        assert acknowledged.wait(HUNG_AFTER_SECONDS), "the load never reached the point of the kill"
        master = site.servers[0].pid
        victim = workers_of(master)[0]
        killed = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        while time.monotonic() - killed < 30:
            current = workers_of(master)
            if victim not in current and len(current) == WORKERS:
                figures.worker_recovery_seconds = round(time.monotonic() - killed, 3)
                break
            time.sleep(0.01)
    for thread in threads:
        thread.join(HUNG_AFTER_SECONDS)
    figures.seconds = round(time.monotonic() - started, 2)

    stored = stored_bodies(site, marker)
    statuses = Counter(outcomes.values())
    figures.statuses = dict(statuses)
    figures.acknowledged = statuses["302"]
    figures.refused_4xx = sum(n for s, n in statuses.items() if s.startswith("4"))
    figures.server_errors_5xx = sum(n for s, n in statuses.items() if s.startswith("5"))
    figures.connection_errors = statuses["connection error"]
    figures.stored = sum(stored.values())
    figures.stored_more_than_once = sum(1 for n in stored.values() if n > 1)
    figures.acknowledged_but_missing = sum(1 for b, s in outcomes.items() if s == "302" and not stored[b])
    figures.stored_without_acknowledgement = sum(1 for b, s in outcomes.items() if s != "302" and stored[b])
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    name = f"load-{site.kind.split()[0].lower()}-{scenario}.json"
    (REPORT_DIR / name).write_text(json.dumps(asdict(figures), indent=2))
    return figures


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = LiveSite(
        tmp_path_factory.mktemp("load"),
        workers=WORKERS,
        env={"COMMENTS_RATE_LIMIT": "1000000/60", "GUNICORN_TIMEOUT": "60"},
    )
    try:
        site.create()
        site.start()
        yield site
    finally:
        site.destroy()


def test_a_thousand_comments_from_32_clients_are_each_stored_exactly_once(site):
    figures = run_load(site, "steady")
    assert figures.server_errors_5xx == 0, figures
    assert figures.connection_errors == 0, figures
    assert figures.acknowledged == SUBMISSIONS, figures
    assert figures.stored == SUBMISSIONS, figures
    assert figures.stored_more_than_once == figures.acknowledged_but_missing == 0, figures
    assert figures.stored_without_acknowledgement == 0, figures


def test_a_worker_killed_mid_run_loses_no_acknowledged_comment(site):
    figures = run_load(site, "sigkill", kill_after=SUBMISSIONS // 3)
    assert figures.worker_recovery_seconds is not None, "gunicorn did not replace the killed worker"
    assert figures.server_errors_5xx == 0, figures
    assert figures.acknowledged_but_missing == 0, figures
    assert figures.stored_more_than_once == 0, figures
    # Only requests in the killed worker's hands can fail; each is either stored or not, never twice.
    # The worker (metsinfo/ops/gunicorn_worker.py) holds every connection it has accepted, the one
    # it is answering and those received whole behind it (a sync worker held one): never more than
    # the clients connected at once. 2-3 of 1000 on SQLite when the buffering worker came in.
    assert figures.connection_errors <= CLIENTS, figures
    assert figures.acknowledged + figures.connection_errors == SUBMISSIONS, figures
