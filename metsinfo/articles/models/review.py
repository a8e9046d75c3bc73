"""A clinician's sign-off of a version of an article, and their requests for changes to the editors."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils.translation import gettext_lazy as _

from metsinfo.articles.models.content import Article


class ReviewApproval(models.Model):
    """A clinician's sign-off of one version of an article, through a review link."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="approvals")
    reviewer = models.CharField(max_length=200)
    version = models.CharField(max_length=64, help_text=_("Fingerprint of the text that was approved."))
    approved_at = models.DateTimeField(auto_now_add=True)
    next_review_due = models.DateField()

    class Meta:
        ordering = ["-approved_at"]
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="one_approval_per_article_version")]

    def __str__(self) -> str:
        return f"{self.article} approved by {self.reviewer}"


def note_fingerprint(note: str) -> str:
    """Hash of a note's words, so sending the same note twice stores it once (any length of note)."""
    return hashlib.sha256(" ".join(note.split()).encode()).hexdigest()


class ReviewNote(models.Model):
    """What a reviewer asked the editors to change, about the version of the text they read."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_notes")
    reviewer = models.CharField(max_length=200)
    version = models.CharField(max_length=64, help_text=_("Fingerprint of the text the reviewer read."))
    note = models.TextField(_("what to change"))
    note_fingerprint = models.CharField(max_length=64, editable=False)
    sent_at = models.DateTimeField(auto_now_add=True)
    done = models.BooleanField(
        default=False, help_text=_("Tick when the changes are made (or answered), so the list shows what is left.")
    )

    class Meta:
        ordering = ["done", "-sent_at"]
        verbose_name = _("clinical review note")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "version", "reviewer", "note_fingerprint"], name="one_review_note_per_text"
            )
        ]

    def __str__(self) -> str:
        return f"{self.article}: changes requested by {self.reviewer}"
