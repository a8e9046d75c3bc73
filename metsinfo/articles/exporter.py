"""Write the database back to ``content/`` in exactly the format :mod:`loader` reads.

Editors' changes made in the admin can then be kept in version control. Loading what this writes
gives back the same rows, and exporting again gives the same bytes (tested).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from metsinfo.articles.loader import ARTICLE_FILE, GLOSSARY_FILE
from metsinfo.articles.models import Article, GlossaryTerm, Section


def _header(pairs: list[tuple[str, list[str]]]) -> str:
    """Python-Markdown ``meta`` header: continuation lines are indented by four spaces."""
    lines = []
    for key, values in pairs:
        first, *rest = values or [""]
        lines.append(f"{key}: {first}".rstrip())
        lines.extend(f"    {value}" for value in rest)
    return "\n".join(lines) + "\n"


def article_file(article: Article) -> str:
    """The text of ``<slug>/article.md``."""
    header = _header(
        [
            ("Title", [article.title]),
            ("Status", [article.status]),
            ("Last-reviewed", [article.last_reviewed.isoformat() if article.last_reviewed else ""]),
            ("Next-review-due", [article.next_review_due.isoformat() if article.next_review_due else ""]),
            ("Reviewer", [article.reviewer]),
            ("Sources", article.source_list),
        ]
    )
    return f"{header}\n{article.summary.strip()}\n"


def section_file(section: Section) -> str:
    """The text of ``<slug>/<kind>.md``."""
    pairs = [("Kind", [section.kind]), ("Title", [section.title])]
    if section.key_point_list:
        pairs.append(("Key-points", section.key_point_list))
    return f"{_header(pairs)}\n{section.body.strip()}\n"


def glossary_file(terms: list[GlossaryTerm]) -> str:
    """The text of ``glossary.md``."""
    blocks = ["# Glossary\n"]
    for term in terms:
        aliases = f"Aliases: {', '.join(term.alias_list)}\n" if term.alias_list else ""
        blocks.append(f"## {term.term}\n{aliases}\n{term.definition.strip()}\n")
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
    """Write every article, section and the glossary under ``root``; return the files that changed."""
    changed = []
    for article in Article.objects.prefetch_related("sections"):
        folder = root / article.slug
        if _write(folder / ARTICLE_FILE, article_file(article)):
            changed.append(folder / ARTICLE_FILE)
        for section in article.sections.all():
            path = folder / f"{section.kind}.md"
            if _write(path, section_file(section)):
                changed.append(path)
    terms = list(GlossaryTerm.objects.all())
    if terms and _write(root / GLOSSARY_FILE, glossary_file(terms)):
        changed.append(root / GLOSSARY_FILE)
    return changed
