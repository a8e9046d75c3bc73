"""Bulk moderation that can be taken back: what a bulk action changed, signed, and its undo.

A bulk action records each comment's state before it (status, held reason, who and when, the
report count) in a signed, expiring token that rides in the "Undo" link of the action's message.
Undoing puts back only comments still in the state the action left them: a comment another
moderator has since changed keeps that moderator's decision.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from metsinfo.articles.caching import pages_changed
from metsinfo.comments.models import Comment

SALT = "metsinfo.comments.undo"
#: An undo link works for an hour: long enough to notice a slip, short enough not to surprise.
UNDO_SECONDS = 3600


@dataclass(frozen=True)
class Before:
    pk: int
    status: str
    held_reason: str
    moderated_by: int | None
    moderated_at: str | None
    report_count: int


def snapshot(queryset: QuerySet[Comment]) -> list[Before]:
    """How the comments in ``queryset`` stand now."""
    rows = queryset.order_by("pk").values_list(
        "pk", "status", "held_reason", "moderated_by", "moderated_at", "report_count"
    )
    return [
        Before(pk, status, held, by, at.isoformat() if at else None, reports)
        for pk, status, held, by, at, reports in rows
    ]


def undo_token(before: list[Before], status: str) -> str:
    """A signed record of ``before`` and of the ``status`` the action gave them."""
    return signing.dumps({"status": status, "before": [asdict(b) for b in before]}, salt=SALT, compress=True)


def read_undo_token(token: str) -> tuple[str, list[Before]]:
    """The status an action set and the states before it; ``signing.BadSignature`` if forged or old."""
    data = signing.loads(token, salt=SALT, max_age=UNDO_SECONDS)
    return data["status"], [Before(**row) for row in data["before"]]


def undo(status: str, before: list[Before]) -> tuple[int, int]:
    """Put comments back as they were; return (put back, left alone because changed since)."""
    restored = 0
    with transaction.atomic():
        for row in before:
            at: datetime | None = parse_datetime(row.moderated_at) if row.moderated_at else None
            restored += Comment.objects.filter(pk=row.pk, status=status).update(
                status=row.status,
                held_reason=row.held_reason,
                moderated_by_id=row.moderated_by,
                moderated_at=at,
                report_count=row.report_count,
            )
        pages_changed()
    return restored, len(before) - restored
