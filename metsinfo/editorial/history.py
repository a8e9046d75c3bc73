"""Readable revision diffs for the admin's history pages.

simple-history shows each changed field as "old -> new", cut to 100 characters: useless for a
section body of several paragraphs. Here long text is compared sentence by sentence and only the
sentences that differ are shown, removed ones struck through and added ones marked as inserted.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")
#: Text shorter than this is shown whole, as simple-history does.
_SHORT = 100


def sentences(text: str) -> list[str]:
    """Split text into sentences and lines, the unit an editor thinks in."""
    return [part.strip() for part in _SENTENCE_END.split(text or "") if part.strip()]


def sentence_diff(old: str, new: str) -> tuple[list[str], list[str]]:
    """Return (removed, added) sentences between two versions of a text."""
    removed, added = [], []
    for line in difflib.ndiff(sentences(old), sentences(new)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


class ReadableDiffHelper(HistoricalRecordContextHelper):
    """Show long text changes as the sentences removed and added, escaped."""

    def stringify_delta_change_values(self, change: ModelChange, old: Any, new: Any) -> tuple[SafeString, SafeString]:
        if not (isinstance(old, str) and isinstance(new, str)) or max(len(old), len(new)) <= _SHORT:
            return super().stringify_delta_change_values(change, old, new)
        removed, added = sentence_diff(old, new)
        return (
            format_html_join("", "<del>{}</del> ", ((sentence,) for sentence in removed)) or escape("(nothing)"),
            format_html_join("", "<ins>{}</ins> ", ((sentence,) for sentence in added)) or escape("(nothing)"),
        )
