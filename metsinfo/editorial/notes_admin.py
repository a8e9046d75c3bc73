"""Clinicians' requests for changes, for the editors: a list of their own, and on each article."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from metsinfo.articles.models import ReviewNote


@admin.register(ReviewNote)
class ReviewNoteAdmin(admin.ModelAdmin):
    """The reviewer's words are theirs: editors read them and tick "done", nothing else."""

    list_display = ["article", "reviewer", "sent_at", "done", "short_note"]
    list_filter = ["done", "article"]
    list_editable = ["done"]
    search_fields = ["note", "reviewer"]
    fields = ["article", "reviewer", "sent_at", "note", "done"]
    readonly_fields = ["article", "reviewer", "sent_at", "note"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # notes come from the review page only

    @admin.display(description="What to change")
    def short_note(self, note: ReviewNote) -> str:
        return note.note if len(note.note) <= 120 else f"{note.note[:117]}..."


class ReviewNoteInline(admin.TabularInline):
    """The article's notes from reviewers, newest first, on its change page."""

    model = ReviewNote
    extra = 0
    fields = ["reviewer", "sent_at", "note", "done"]
    readonly_fields = ["reviewer", "sent_at", "note"]
    can_delete = False
    verbose_name_plural = "Changes requested by clinical reviewers"

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
