"""Tell moderators about new comments, at most once per interval, never at the reader's expense."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import connections, transaction
from django.urls import reverse

from metsinfo.comments.models import Comment

logger = logging.getLogger(__name__)
THROTTLE_KEY = "comments:moderators-notified"
#: Tests set this to False to send in the request thread and inspect the outbox.
SEND_IN_BACKGROUND = True


def notify_moderators(comment: Comment) -> None:
    """Queue one email about ``comment`` unless one went out within COMMENTS_NOTIFY_EVERY_MINUTES."""
    if not settings.COMMENTS_MODERATOR_EMAILS:
        return
    if not cache.add(THROTTLE_KEY, True, timeout=settings.COMMENTS_NOTIFY_EVERY_MINUTES * 60):
        return
    transaction.on_commit(lambda: _dispatch(comment.pk))


def _dispatch(comment_id: int) -> None:
    if SEND_IN_BACKGROUND:
        threading.Thread(target=_send_in_background, args=(comment_id,), daemon=True).start()
    else:
        send_notification(comment_id)


def _send_in_background(comment_id: int) -> None:
    """A thread's database connections are its own: close them, or each email leaks one."""
    try:
        send_notification(comment_id)
    finally:
        connections.close_all()


def send_notification(comment_id: int) -> None:
    """Send the email; log, never raise: the reader's comment is already safely stored."""
    try:
        comment = Comment.objects.select_related("article").get(pk=comment_id)
        waiting = Comment.objects.awaiting_review().count()
        queue = settings.SITE_URL + reverse("admin:comments_comment_changelist")
        change = settings.SITE_URL + reverse("admin:comments_comment_change", args=[comment.pk])
        held = f"\nHeld because: {comment.get_held_reason_display()}\n" if comment.held_reason else ""
        body = (
            f"{waiting} comment(s) are waiting for review.\n\n"
            f"Newest, on “{comment.article.title}”, from {comment.author_name}:{held}\n"
            f"{comment.body}\n\nReview it: {change}\nThe whole queue: {queue}\n"
        )
        send_mail(
            f"[metsinfo] {waiting} comment(s) awaiting review",
            body,
            settings.DEFAULT_FROM_EMAIL,
            settings.COMMENTS_MODERATOR_EMAILS,
        )
    except Exception:
        logger.exception("Could not email moderators about comment %s", comment_id)
