"""Clinical review dates: the admin marks, and review_report's output and exit status."""

import subprocess
import sys
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from metsinfo.articles.models import Article, ReviewState

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


def article(slug: str, due: date | None, **fields) -> Article:
    return Article.objects.create(slug=slug, title=slug.title(), summary="Lead.", next_review_due=due, **fields)


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (date(2026, 11, 24), ReviewState.OVERDUE),
        (date(2026, 11, 25), ReviewState.DUE_SOON),
        (date(2026, 12, 25), ReviewState.DUE_SOON),
        (date(2026, 12, 26), ReviewState.SCHEDULED),
        (None, ReviewState.UNSCHEDULED),
    ],
)
def test_review_state_boundaries(due, state):
    assert Article(next_review_due=due).review_state(TODAY) == state


def report(*args: str) -> str:
    out = StringIO()
    call_command("review_report", "--today", TODAY.isoformat(), *args, stdout=out)
    return out.getvalue()


def test_report_is_quiet_and_succeeds_when_all_are_in_date():
    article("fine", date(2027, 6, 1))
    assert "All 1 article(s) are within their review dates." in report()


def test_report_lists_due_soon_without_failing():
    article("soon", date(2026, 12, 1))
    output = report()
    assert "Due within 30 days:\n  2026-12-01  soon" in output


def test_report_fails_when_any_is_overdue():
    article("late", date(2026, 11, 1), reviewer="Dr A Example")
    article("soon", date(2026, 12, 1))
    with pytest.raises(CommandError) as caught:
        report()
    assert caught.value.returncode == 1
    assert "1 article(s) overdue" in str(caught.value)


def test_exit_status_seen_by_a_scheduler(tmp_path):
    """Run the real command in a subprocess, as cron or a CI job would."""
    database = tmp_path / "review.sqlite3"
    env = {
        "DJANGO_SETTINGS_MODULE": "metsinfo.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
        "PATH": "/usr/bin:/bin",
        "CACHE_DIR": str(tmp_path / "cache"),
    }

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )

    assert manage("migrate", "--noinput").returncode == 0
    assert manage("load_content").returncode == 0
    assert manage("review_report", "--today", "2027-01-01").returncode == 0
    late = manage("review_report", "--today", "2027-06-01")
    assert late.returncode == 1
    assert "breast-cancer-bone-metastasis" in late.stdout


def test_admin_list_marks_overdue_and_due_soon(admin_client):
    article("late", date(2000, 1, 1))
    article("soon", date.today())
    html = admin_client.get("/admin/articles/article/").text
    assert '<strong class="review-overdue">Overdue for review</strong>' in html
    assert '<strong class="review-due-soon">Review due within 30 days</strong>' in html
    filtered = admin_client.get("/admin/articles/article/?review=overdue").text
    assert "Late" in filtered
    assert "Soon" not in filtered
