"""Signed, expiring review links for clinicians who have no admin account.

An editor makes a link for a named reviewer. The link opens a read-only view of the article
(drafts included) with an "Approve" button. It is signed with the secret key, expires after
``REVIEW_LINK_DAYS``, and names the exact version of the text it was made for: if the article
changes afterwards, the link can no longer approve it, so an approval always covers what the
reviewer actually read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from metsinfo.articles.models import Article, ReviewApproval, ReviewNote, fingerprint, note_fingerprint

logger = logging.getLogger(__name__)
#: The staff group whose members are told of a reviewer's note (by the email on their account).
EDITORS_GROUP = "Editors"

#: Kept from when this module lived in ``articles``: changing it would void every link already sent.
SALT = "metsinfo.articles.review-link"


@dataclass(frozen=True)
class ReviewRequest:
    article_id: int
    reviewer: str
    version: str


def text_version(article: Article) -> str:
    """Fingerprint of everything a reviewer signs off: the lead, description, sources and every section."""
    return fingerprint(
        {
            "title": article.title,
            "summary": article.summary,
            "description": article.description,
            "sources": article.sources,
            "sections": [(s.slug, s.text_fingerprint()) for s in article.sections.all()],
        }
    )


def make_link_token(article: Article, reviewer: str) -> str:
    """A signed token naming the article, the reviewer and the version to review."""
    return signing.dumps({"a": article.pk, "r": reviewer, "v": text_version(article)}, salt=SALT, compress=True)


def link_expires(now: date | None = None) -> date:
    return (now or timezone.localdate()) + timedelta(days=settings.REVIEW_LINK_DAYS)


def read_link_token(token: str) -> ReviewRequest:
    """Raise ``signing.SignatureExpired`` or ``signing.BadSignature`` for links that cannot be used."""
    data = signing.loads(token, salt=SALT, max_age=timedelta(days=settings.REVIEW_LINK_DAYS))
    try:
        return ReviewRequest(article_id=int(data["a"]), reviewer=str(data["r"]), version=str(data["v"]))
    except (KeyError, TypeError, ValueError):
        raise signing.BadSignature("Malformed review link.") from None


def next_review_due(today: date | None = None) -> date:
    """The next review date an approval made today would set."""
    return (today or timezone.localdate()) + timedelta(days=settings.REVIEW_INTERVAL_DAYS)


def approve(article: Article, request: ReviewRequest) -> tuple[ReviewApproval | None, bool]:
    """Record the sign-off once, and set the review dates; ``(approval, created)``.

    Reviewers double-click, and mail programs open a link twice: several approvals of one version
    can arrive at the same moment. Each takes the article's row lock (on SQLite the write lock,
    taken when the transaction begins) and then looks for an approval, so the first records it and
    the others find it. Should two ever get past that, the ``one_approval_per_article_version``
    constraint refuses the second, which then reads the first's. ``(None, False)``: the text
    changed since the link was made, and nothing is recorded.
    """
    try:
        return _approve_once(article, request)
    except IntegrityError:
        return ReviewApproval.objects.get(article_id=article.pk, version=request.version), False


def _approve_once(article: Article, request: ReviewRequest) -> tuple[ReviewApproval | None, bool]:
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        existing = ReviewApproval.objects.filter(article=locked, version=request.version).first()
        if existing is not None:
            return existing, False
        if text_version(locked) != request.version:
            return None, False
        today = timezone.localdate()
        locked.reviewer = request.reviewer
        locked.last_reviewed = today
        locked.next_review_due = next_review_due(today)
        locked._change_reason = f"clinically approved by {request.reviewer} through a review link"
        locked.save()
        approval = ReviewApproval.objects.create(
            article=locked, reviewer=request.reviewer, version=request.version, next_review_due=locked.next_review_due
        )
    return approval, True


def request_changes(article: Article, request: ReviewRequest, note: str) -> tuple[ReviewNote, bool]:
    """Store the reviewer's note for the editors (once, however often it is sent); email them after commit."""
    with transaction.atomic():
        stored, created = ReviewNote.objects.get_or_create(
            article=article,
            version=request.version,
            reviewer=request.reviewer,
            note_fingerprint=note_fingerprint(note),
            defaults={"note": note},
        )
        if created:
            transaction.on_commit(lambda: email_editors(stored.pk))
    return stored, created


def editor_addresses() -> list[str]:
    """The email addresses of the active members of the Editors group."""
    users = get_user_model().objects.filter(is_active=True, groups__name=EDITORS_GROUP).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def email_editors(note_id: int) -> None:
    """Tell the editors a reviewer asked for changes; log, never raise: the note is already stored."""
    try:
        recipients = editor_addresses()
        if not recipients:
            return
        note = ReviewNote.objects.select_related("article").get(pk=note_id)
        change = settings.SITE_URL + reverse("admin:articles_article_change", args=[note.article_id])
        body = (
            f"{note.reviewer} reviewed “{note.article.title}” and asks for changes:\n\n{note.note}\n\n"
            f"The article, with every note: {change}\n"
            "Once the text is changed, make a new review link so they can approve the new version.\n"
        )
        send_mail(
            f"[metsinfo] Changes requested on “{note.article.title}”",
            body,
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )
    except Exception:
        logger.exception("Could not email the editors about review note %s", note_id)
