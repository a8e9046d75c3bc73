"""Write the database back to ``content/`` in exactly the format :mod:`parse` reads.

Editors' changes made in the admin can then be kept in version control. Loading what this writes
gives back the same rows, and exporting again gives the same bytes (tested).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from metsinfo.articles.models import OTHER_KIND, Article, GlossaryTerm, Section, SectionKind, SupportPage
from metsinfo.contentsync.parse import ARTICLE_FILE, DETAILED_MARK, GLOSSARY_FILE, PAGES_FOLDER, PLAIN_MARK


def _header(pairs: list[tuple[str, list[str]]]) -> str:
    """Python-Markdown ``meta`` header: continuation lines are indented by four spaces."""
    lines = []
    for key, values in pairs:
        first, *rest = values or [""]
        lines.append(f"{key}: {first}".rstrip())
        lines.extend(f"    {value}" for value in rest)
    return "\n".join(lines) + "\n"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _changes(owner: Article | Section | SupportPage) -> list[tuple[str, list[str]]]:
    """The ``Changes:`` header of every public change note, newest first (none: no header line)."""
    notes = [f"{note.date:%Y-%m-%d}: {note.note}" for note in owner.change_notes.all()]
    return [("Changes", notes)] if notes else []


def _reviewed_pairs(page: Article | SupportPage) -> list[tuple[str, list[str]]]:
    return [
        ("Last-reviewed", [page.last_reviewed.isoformat() if page.last_reviewed else ""]),
        ("Next-review-due", [page.next_review_due.isoformat() if page.next_review_due else ""]),
        ("Reviewer", [page.reviewer]),
        ("Description", [" ".join(page.description.split())]),
        ("Sources", _lines(page.sources)),
        *_changes(page),
    ]


def article_file(article: Article) -> str:
    """The text of ``<slug>/article.md``."""
    pairs = [("Title", [article.title]), ("Status", [article.status])]
    # Order and Featured only when they are not the defaults, so most files need neither line.
    if article.order != 1:
        pairs.append(("Order", [str(article.order)]))
    if article.featured:
        pairs.append(("Featured", ["yes"]))
    header = _header([*pairs, *_reviewed_pairs(article)])
    return f"{header}\n{article.summary.strip()}\n"


def section_file(section: Section) -> str:
    """The text of ``<article>/<section slug>.md``.

    A standard section says its Kind (its slug is the kind); a section of its own says its Slug.
    Order is written only when it is not the kind's default.
    """
    pairs = [("Slug", [section.slug])] if section.kind == OTHER_KIND else [("Kind", [section.kind])]
    if section.order != SectionKind.default_order(section.kind):
        pairs.append(("Order", [str(section.order)]))
    pairs.append(("Title", [section.title]))
    if section.key_point_list:
        pairs.append(("Key-points", section.key_point_list))
    pairs += _changes(section)
    return f"{_header(pairs)}\n{PLAIN_MARK}\n{section.plain.strip()}\n\n{DETAILED_MARK}\n{section.body.strip()}\n"


def page_file(page: SupportPage) -> str:
    """The text of ``pages/<slug>.md``."""
    pairs = [("Title", [page.title]), ("Status", [page.status]), ("Order", [str(page.order)]), *_reviewed_pairs(page)]
    return f"{_header(pairs)}\n{page.body.strip()}\n"


def glossary_file(terms: list[GlossaryTerm]) -> str:
    """The text of ``glossary.md``."""
    blocks = ["# Glossary\n"]
    for term in terms:
        aliases = f"Aliases: {', '.join(term.alias_list)}\n" if term.alias_list else ""
        said = f"Pronunciation: {term.pronunciation}\n" if term.pronunciation else ""
        blocks.append(f"## {term.term}\n{aliases}{said}\n{term.definition.strip()}\n")
    return "\n".join(blocks)


def _write(path: Path, text: str) -> bool:
    """Write atomically; return whether the file changed."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)
    return True


def export_content(root: Path) -> list[Path]:
    """Write every article, section, support page and the glossary under ``root``; return what changed."""
    changed = []
    for article in Article.objects.prefetch_related("sections"):
        folder = root / article.slug
        if _write(folder / ARTICLE_FILE, article_file(article)):
            changed.append(folder / ARTICLE_FILE)
        for section in article.sections.all():
            path = folder / f"{section.slug}.md"
            if _write(path, section_file(section)):
                changed.append(path)
    for page in SupportPage.objects.all():
        path = root / PAGES_FOLDER / f"{page.slug}.md"
        if _write(path, page_file(page)):
            changed.append(path)
    terms = list(GlossaryTerm.objects.all())
    if terms and _write(root / GLOSSARY_FILE, glossary_file(terms)):
        changed.append(root / GLOSSARY_FILE)
    return changed
