"""Reading ``content/glossary.md``: ``## Term``, optional ``Aliases:`` and ``Pronunciation:`` lines, a definition."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from metsinfo.articles.models import GlossaryTerm
from metsinfo.articles.rendering import split_aliases
from metsinfo.contentsync.contentfiles import Problem, display_path, read_text

PRONUNCIATION_MAX_LENGTH = GlossaryTerm._meta.get_field("pronunciation").max_length


@dataclass
class TermSource:
    path: Path
    line: int
    slug: str
    fields: dict[str, str]


def read_glossary(path: Path, root: Path, problems: list[Problem]) -> list[TermSource]:
    shown = display_path(path, root)
    text = read_text(path, shown, problems)
    if text is None:
        return []
    terms: list[TermSource] = []
    current: dict | None = None

    def finish() -> None:
        if current is None:
            return
        definition = "\n".join(current["definition"]).strip()
        if not definition:
            problems.append(Problem(shown, current["line"], f"'{current['term']}' has no definition"))
            return
        terms.append(
            TermSource(
                shown,
                current["line"],
                current["slug"],
                {
                    "term": current["term"],
                    "definition": definition,
                    "aliases": ", ".join(current["aliases"]),
                    "pronunciation": current["pronunciation"],
                },
            )
        )

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            finish()
            term = line[3:].strip()
            current = {"term": term, "slug": slugify(term), "line": number, "aliases": [], "definition": []}
            current |= {"pronunciation": ""}
            if not current["slug"]:
                problems.append(Problem(shown, number, f"term '{term}' has no letters or digits for its anchor"))
        elif current is None:
            if line.strip() and not line.startswith("# "):
                problems.append(Problem(shown, number, "text before the first '## Term' heading"))
        elif line.lower().startswith("aliases:") and not current["definition"]:
            current["aliases"] = split_aliases(line.split(":", 1)[1])
        elif line.lower().startswith("pronunciation:") and not current["definition"]:
            current["pronunciation"] = " ".join(line.split(":", 1)[1].split())
            if len(current["pronunciation"]) > PRONUNCIATION_MAX_LENGTH:
                problems.append(
                    Problem(shown, number, f"the pronunciation is over {PRONUNCIATION_MAX_LENGTH} characters")
                )
        elif line.startswith("#"):
            problems.append(Problem(shown, number, "glossary headings must be '## Term'"))
        else:
            current["definition"].append(line)
    finish()

    seen: dict[str, TermSource] = {}
    for term in terms:
        names = [term.fields["term"], *split_aliases(term.fields["aliases"])]
        for name in names:
            key = name.lower()
            if key in seen and seen[key] is not term:
                problems.append(
                    Problem(shown, term.line, f"'{name}' is already used by the term on line {seen[key].line}")
                )
            seen.setdefault(key, term)
    slugs: dict[str, int] = {}
    for term in terms:
        if term.slug in slugs:
            problems.append(
                Problem(shown, term.line, f"anchor '{term.slug}' repeats the term on line {slugs[term.slug]}")
            )
        slugs.setdefault(term.slug, term.line)
    return terms
