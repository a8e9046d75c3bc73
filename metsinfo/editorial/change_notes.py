"""Public change notes on the edit pages: a short sentence saved with a change, shown to readers.

Each article, section and support page form has an optional "Public change note"; saving with
one stores a :class:`ChangeNote` dated today (after the page and its sections are saved, so the
note and the change commit together, and the cached pages are retired on commit by the note's
own ``post_save``). "Public change notes" in the admin lists them all, to correct or delete one.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from metsinfo.articles.models import ChangeNote, add_note
from metsinfo.articles.models.changes import NOTE_MAX_LENGTH

FIELD = "change_note"


def change_note_field() -> forms.CharField:
    return forms.CharField(
        label="Public change note (optional)",
        max_length=NOTE_MAX_LENGTH,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text=(
            "One plain sentence readers see beside the review dates and in the feed, dated today, "
            "e.g. 'Added the new advice on jaw care.' Leave blank for a small fix (spelling, a link)."
        ),
    )


class ChangeNoteMixin:
    """Store the form's public change note once the page (and its inlines) are saved."""

    def save_related(self, request: HttpRequest, form: forms.ModelForm, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        if note := form.cleaned_data.get(FIELD):  # the field strips it
            add_note(form.instance, note)


@admin.register(ChangeNote)
class ChangeNoteAdmin(admin.ModelAdmin):
    """Every note, newest first, to correct a typo or remove one written by mistake."""

    list_display = ["date", "note", "page_title"]
    list_filter = ["date"]
    search_fields = ["note"]
    fields = ["date", "note"]
    date_hierarchy = "date"

    @admin.display(description="Page")
    def page_title(self, note: ChangeNote) -> str:
        return note.page_title

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a note is written with the change it describes, on the page's own form
