"""The revert page of a revision: its own figures, what it changes in the current text, a preview.

simple-history builds the revision from its stored fields and fills the rest (the rendered HTML
and the figures, which revisions do not keep) from the current row: so without help the page
shows the current text's readability. Here the revision is rendered and measured itself, and
compared sentence by sentence with the current text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from metsinfo.articles.models import GlossaryTerm
from metsinfo.editorial.history import sentence_diff


@dataclass(frozen=True)
class FieldChange:
    """One field of the current text, and what restoring the revision takes out and puts back."""

    label: str
    removed: list[str]
    added: list[str]


def rendered_revision(revision: models.Model) -> models.Model:
    """Render and measure the revision's own text in place (nothing is saved)."""
    if hasattr(revision, "render"):
        revision.render(GlossaryTerm.objects.as_glossary())
    return revision


def changes_from_current(revision: models.Model) -> list[FieldChange]:
    """What restoring ``revision`` would change in the row as it is now, field by field."""
    model = type(revision)
    current = model._default_manager.filter(pk=revision.pk).first()
    if current is None:
        return []
    changes = []
    for name in model.CONTENT_FIELDS:  # type: ignore[attr-defined]
        now, then = getattr(current, name), getattr(revision, name)
        if now == then:
            continue
        label = str(model._meta.get_field(name).verbose_name)
        if isinstance(now, str) and isinstance(then, str):
            removed, added = sentence_diff(now, then)
        else:
            removed, added = [str(now or "")], [str(then or "")]
        changes.append(FieldChange(label, removed, added))
    return changes
