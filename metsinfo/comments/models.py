"""Reader comments: pre-moderated, never shown until approved, never rendered as markup."""

from __future__ import annotations

import hashlib
import unicodedata

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metsinfo.articles.caching import pages_changed
from metsinfo.articles.models import Article
from metsinfo.comments.rendering import render_comment


def repeat_form(body: str) -> str:
    """A comment's text as repeats are compared: what a reader would call the same words.

    Unicode compatibility forms (NFKC: a decomposed é, fullwidth letters), case, punctuation,
    invisible format characters (zero-width joiner, left-to-right mark) and spacing do not count.
    """
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", body).casefold())
    kept = (character for character in text if unicodedata.category(character)[0] != "P")
    return " ".join("".join(c for c in kept if unicodedata.category(c) != "Cf").split())


def body_digest(body: str) -> str:
    """A fingerprint of a comment's text that ignores what ``repeat_form`` ignores."""
    return hashlib.sha256(repeat_form(body).encode()).hexdigest()


class CommentQuerySet(models.QuerySet):
    def newest_first(self) -> CommentQuerySet:
        return self.order_by("-created", "-pk")

    def approved(self) -> CommentQuerySet:
        """Comments readers may see."""
        return self.filter(status=Comment.Status.APPROVED)

    def awaiting_review(self) -> CommentQuerySet:
        """The moderation queue."""
        return self.filter(status=Comment.Status.PENDING)

    def moderate(self, status: str, user) -> int:
        """Give every comment here ``status``, recording who and when; return how many changed."""
        changes = {"status": status, "moderated_by": user, "moderated_at": timezone.now()}
        if status == Comment.Status.APPROVED:
            # Approving is the verdict on any reports: later reports count again from zero.
            CommentReport.objects.filter(comment__in=self).delete()
            changes["report_count"] = 0
        count = self.update(**changes)
        # update() sends no save signals; every bulk change passes here, so pages are cleared here.
        pages_changed(self.db)
        return count


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    class Role(models.TextChoices):
        PATIENT = "patient", _("Patient")
        CARER = "carer", _("Family member or carer")
        PROFESSIONAL = "professional", _("Health professional")
        OTHER = "other", _("Other")

    class Reason(models.TextChoices):
        NONE = "", _("Not held")
        HONEYPOT = "honeypot", _("Filled in the hidden field (likely a bot)")
        LINKS = "links", _("Too many links")
        EMAIL_IN_TEXT = "email-in-text", _("Email address in the text")
        PHONE_IN_TEXT = "phone-in-text", _("Phone number in the text")
        DUPLICATE = "duplicate", _("Same text posted before")
        REPORTED = "reported", _("Reported by readers")
        LOOKALIKE = "lookalike-address", _("Look-alike web address")
        DISGUISED_CONTACT = "disguised-contact", _("Email or web address written in disguise")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    display_name = models.CharField(max_length=60, blank=True)
    role = models.CharField(max_length=20, choices=Role, blank=True)
    body = models.TextField()
    body_html = models.TextField(editable=False, default="")
    email = models.EmailField(blank=True, help_text=_("Only for contacting the writer; never shown."))
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    held_reason = models.CharField(max_length=20, choices=Reason, blank=True, default="")
    client_key = models.CharField(
        max_length=64, blank=True, editable=False, help_text=_("Keyed hash of the address; never the address.")
    )
    created = models.DateTimeField(default=timezone.now, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderator_note = models.TextField(blank=True, help_text=_("Private note for other moderators."))
    report_count = models.PositiveIntegerField(default=0, editable=False)
    seed_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    body_digest = models.CharField(
        max_length=64, blank=True, default="", editable=False, help_text=_("Fingerprint of the text, to find repeats.")
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "approved", "rejected", "spam"]), name="comment_status_valid"
            )
        ]
        indexes = [
            models.Index(fields=["article", "status", "created"]),
            models.Index(fields=["article", "body_digest", "created"], name="comment_repeats"),
        ]

    def __str__(self) -> str:
        return f"{self.author_name} on {self.article}: {self.body[:50]}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_comment(self.body)
        self.body_digest = body_digest(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    @property
    def author_name(self) -> str:
        return self.display_name or str(_("Anonymous reader"))

    def clear_reports(self) -> None:
        """A moderator has judged the reports: later reports start counting again from zero."""
        self.reports.all().delete()
        self.report_count = 0


class CommentReport(models.Model):
    """One reader's report of a comment (one per client, so one person cannot hide a comment)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    client_key = models.CharField(max_length=64)
    reason = models.TextField(blank=True, max_length=1000, help_text=_("What the reader told the moderators."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "client_key"], name="one_report_per_client")]

    def __str__(self) -> str:
        return f"Report of comment {self.comment_id}"


class Reply(models.Model):
    """An official response from the editorial team, shown beneath the comment."""

    comment = models.OneToOneField(Comment, on_delete=models.CASCADE, related_name="reply")
    body = models.TextField()
    body_html = models.TextField(editable=False, default="")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, editable=False)
    published = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply to comment {self.comment_id}"

    def save(self, *args, **kwargs) -> None:
        self.body_html = render_comment(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:article", kwargs={"slug": self.comment.article.slug})
