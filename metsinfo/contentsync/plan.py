"""Bring the database in line with what :mod:`parse` read from ``content/``.

:func:`plan_changes` compares the files with the database and writes nothing;
:func:`apply_changes` writes the plan in one transaction. So a second run finds nothing to do,
``--dry-run`` shows the plan, and an editor's change in the admin is never silently lost.
:func:`load_content` does both, after :func:`parse.read_content`, and lets other readers of
``content/`` (``content_loaded``) add their rows in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from metsinfo.articles.caching import pages_change_together
from metsinfo.articles.models import (
    Article,
    ChangeNote,
    GlossaryTerm,
    Section,
    SupportPage,
    add_note,
    fingerprint,
    glossary_entry_url,
)
from metsinfo.articles.references import numbers_of
from metsinfo.articles.rendering import Glossary, split_aliases
from metsinfo.contentsync.parse import Changes, ContentSources, read_content
from metsinfo.contentsync.signals import content_loaded


@dataclass
class Change:
    """One row to create or update, and the fields that differ."""

    action: str  # "create", "update", "re-render"
    label: str
    instance: Article | Section | GlossaryTerm | SupportPage
    fields: dict[str, object]

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.action == "update" else ""
        return f"{self.action} {self.label}{detail}"


@dataclass
class NewNote:
    """A public change note in a file's ``Changes:`` header that the database does not hold yet."""

    label: str
    owner: Article | Section | SupportPage
    date: date
    note: str

    def __str__(self) -> str:
        return f"add change note to {self.label}: {self.date:%Y-%m-%d}: {self.note}"


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    only_in_database: list[str] = field(default_factory=list)
    #: Changes reported by other apps' ``content_loaded`` receivers (e.g. seed comments).
    other_changes: list[str] = field(default_factory=list)
    #: Change notes only added, never removed: a note written in the admin survives every load.
    notes: list[NewNote] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.other_changes and not self.notes


def _compare(instance, label: str, wanted: dict[str, object], plan: Plan, force: bool) -> bool:
    """Plan what ``instance`` needs to match its file; return True if its text stays as it is.

    Three versions meet here: the file, the database, and the file as last loaded (its
    fingerprint). An editor's change wins over an unchanged file; when both changed, the
    loader stops rather than lose either, unless forced.
    """
    if instance.pk is None:
        plan.changes.append(Change("create", label, instance, wanted))
        return False
    in_file, in_database, last_loaded = fingerprint(wanted), instance.content_fingerprint(), instance.loaded_fingerprint
    if in_database == in_file:
        if last_loaded != in_file:
            plan.changes.append(Change("mark as loaded", label, instance, {}))
        return True
    differing = {name: value for name, value in wanted.items() if getattr(instance, name) != value}
    editor_changed = in_database != last_loaded
    file_changed = in_file != last_loaded
    if editor_changed and not force:
        if file_changed:
            plan.conflicts.append(f"{label} (changed in the admin and in the file: {', '.join(differing)})")
        else:
            plan.kept_edits.append(f"{label} (changed in the admin; the file has not changed since the last load)")
        return True
    plan.changes.append(Change("update", label, instance, differing))
    return False


def _plan_notes(owner: Article | Section | SupportPage, label: str, changes: Changes, plan: Plan) -> None:
    """Plan the notes of ``changes`` the database lacks; oldest first, so the newest is stored last."""
    owner_field = {Article: "article", Section: "section", SupportPage: "page"}[type(owner)]
    have = set()
    if owner.pk is not None:
        have = set(ChangeNote.objects.filter(**{owner_field: owner}).values_list("date", "note"))
    for when, note in reversed(changes):
        if (when, note) not in have:
            plan.notes.append(NewNote(label, owner, when, note))


def plan_changes(sources: ContentSources, *, force: bool = False) -> Plan:
    """Compare parsed files with the database; nothing is written."""
    plan = Plan()
    existing_terms = {term.slug: term for term in GlossaryTerm.objects.all()}
    for source in sources.terms:
        term = existing_terms.pop(source.slug, None) or GlossaryTerm(slug=source.slug)
        _compare(term, f"glossary term '{source.fields['term']}'", source.fields, plan, force)
    plan.only_in_database += [f"glossary term '{term.term}'" for term in existing_terms.values()]

    glossary = Glossary.build(
        ((source.slug, source.fields["term"], split_aliases(source.fields["aliases"])) for source in sources.terms),
        url_for=glossary_entry_url,
    )
    existing_articles = {article.slug: article for article in Article.objects.prefetch_related("sections")}
    for source in sources.articles:
        article = existing_articles.pop(source.slug, None) or Article(slug=source.slug)
        label = f"article {source.slug}"
        if _compare(article, label, source.fields, plan, force) and article.render(glossary):
            # Same text, but the glossary or renderer changed: the stored HTML is stale.
            plan.changes.append(Change("re-render", label, article, {}))
        _plan_notes(article, label, source.changes, plan)
        sections = {section.slug: section for section in article.sections.all()} if article.pk else {}
        # Numbered from the file's reference list, which may have changed while the text did not.
        numbers = numbers_of(str(source.fields["sources"]))
        for section_source in source.sections:
            label = f"section {source.slug}/{section_source.slug}"
            section = sections.pop(section_source.slug, None) or Section(
                article=article, slug=section_source.slug, kind=section_source.kind
            )
            if _compare(section, label, section_source.fields, plan, force) and section.render(glossary, numbers):
                plan.changes.append(Change("re-render", label, section, {}))
            _plan_notes(section, label, section_source.changes, plan)
        plan.only_in_database += [f"section {source.slug}/{slug}" for slug in sections]
    plan.only_in_database += [f"article {slug}" for slug in existing_articles]

    existing_pages = {page.slug: page for page in SupportPage.objects.all()}
    for source in sources.pages:
        page = existing_pages.pop(source.slug, None) or SupportPage(slug=source.slug)
        label = f"support page {source.slug}"
        if _compare(page, label, source.fields, plan, force) and page.render(glossary):
            plan.changes.append(Change("re-render", label, page, {}))
        _plan_notes(page, label, source.changes, plan)
    plan.only_in_database += [f"support page {slug}" for slug in existing_pages]
    return plan


@transaction.atomic
def apply_changes(plan: Plan) -> None:
    """Write every change in one transaction, glossary first so sections link to new terms."""
    order = {GlossaryTerm: 0, Article: 1, Section: 2, SupportPage: 3}

    def key(change: Change) -> tuple[int, bool]:
        # An article that becomes featured is saved after the one that stops being: at most one is.
        return order[type(change.instance)], change.fields.get("featured") is True

    for change in sorted(plan.changes, key=key):
        instance = change.instance
        for name, value in change.fields.items():
            setattr(instance, name, value)
        instance.loaded_fingerprint = instance.content_fingerprint()
        # Shown in the revision history, so editors can tell the loader's saves from their own.
        instance._change_reason = f"load_content: {change.action}"
        instance.save()
    for new in plan.notes:  # after their pages, which may be new
        add_note(new.owner, new.note, new.date)


def load_content(root: Path, *, dry_run: bool = False, force: bool = False) -> Plan:
    """Read, plan and (unless ``dry_run``) apply; raise on bad files or unforced conflicts."""
    sources = read_content(root)
    plan = plan_changes(sources, force=force)
    if plan.conflicts:
        return plan
    # A load that fails changes nothing: not the database, and not the cached pages either.
    with pages_change_together(), transaction.atomic():
        if not dry_run:
            apply_changes(plan)
        for _receiver, changes in content_loaded.send(sender=Plan, root=root, dry_run=dry_run):
            plan.other_changes.extend(changes or [])
    return plan
