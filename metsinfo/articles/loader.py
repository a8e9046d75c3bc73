"""Read ``content/`` and bring the database in line with it.

Reading and writing are separate: :func:`read_content` parses every file and collects every
problem (file, line, what to fix) before anything is touched; :func:`plan_changes` compares the
files with the database; :func:`apply_changes` writes the plan in one transaction. So a bad file
changes nothing, a second run finds nothing to do, and ``--dry-run`` shows the plan.

Layout::

    content/glossary.md                  ## Term / Aliases: ... / definition
    content/<article-slug>/article.md    metadata + lead paragraph
    content/<article-slug>/<any>.md      one file per section (metadata Kind: says which)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import markdown
from django.db import transaction
from django.utils.text import slugify

from metsinfo.articles.models import Article, GlossaryTerm, Section, SectionKind, fingerprint
from metsinfo.articles.rendering import Glossary, heading_level_problems, split_aliases
from metsinfo.articles.signals import content_loaded

ARTICLE_FILE = "article.md"
GLOSSARY_FILE = "glossary.md"
#: Files in an article folder that are not sections (reader comments are the comments app's).
NOT_SECTIONS = frozenset({ARTICLE_FILE, "comments.md"})

ARTICLE_KEYS = {"title", "status", "last-reviewed", "next-review-due", "reviewer", "sources"}
SECTION_KEYS = {"kind", "title", "key-points"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_META_KEY_RE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_META_CONTINUATION_RE = re.compile(r"^[ ]{4,}(?P<value>.*)$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file, precise enough to fix without guessing."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


class ContentError(Exception):
    """The content files cannot be loaded; ``problems`` lists every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class ParsedFile:
    path: Path
    meta: dict[str, list[str]]
    meta_lines: dict[str, int]
    body: str
    body_first_line: int


@dataclass
class SectionSource:
    path: Path
    kind: str
    fields: dict[str, str]


@dataclass
class ArticleSource:
    path: Path
    slug: str
    fields: dict[str, object]
    sections: list[SectionSource] = field(default_factory=list)


@dataclass
class TermSource:
    path: Path
    line: int
    slug: str
    fields: dict[str, str]


@dataclass
class ContentSources:
    articles: list[ArticleSource]
    terms: list[TermSource]


def _display_path(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root.parent)
    except ValueError:
        return path


# Control characters other than tab and line breaks: invisible, and NUL cannot even be stored
# in PostgreSQL. Usually the sign of a file saved by the wrong program.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _read_text(path: Path, shown: Path, problems: list[Problem]) -> str | None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"))
        return None
    if control := _CONTROL.search(text):
        line = text[: control.start()].count("\n") + 1
        problems.append(Problem(shown, line, f"control character U+{ord(control.group()):04X} in the text; remove it"))
        return None
    return text


def parse_markdown_file(path: Path, shown: Path, problems: list[Problem]) -> ParsedFile | None:
    """Split a file into its metadata header (Python-Markdown ``meta``) and Markdown body."""
    text = _read_text(path, shown, problems)
    if text is None:
        return None
    lines = text.splitlines()
    header_length = next((index for index, line in enumerate(lines) if not line.strip()), len(lines))
    header = lines[:header_length]
    meta_lines: dict[str, int] = {}
    current_key = None
    for number, line in enumerate(header, start=1):
        key_match = _META_KEY_RE.match(line)
        if key_match and not _META_CONTINUATION_RE.match(line):
            current_key = key_match.group("key").lower()
            if current_key in meta_lines:
                problems.append(
                    Problem(
                        shown,
                        number,
                        f"'{key_match.group('key')}' is given twice (first on line {meta_lines[current_key]})",
                    )
                )
            meta_lines.setdefault(current_key, number)
        elif current_key and _META_CONTINUATION_RE.match(line):
            continue
        else:
            problems.append(
                Problem(
                    shown,
                    number,
                    "expected 'Key: value' metadata (continuation lines indented by 4 spaces), "
                    "then a blank line before the text",
                )
            )
            return None
    md = markdown.Markdown(extensions=["meta"])
    md.convert("\n".join(header))
    meta = {key: [value.strip() for value in values] for key, values in md.Meta.items()}  # type: ignore[attr-defined]
    body_first_line = header_length + 2
    body = "\n".join(lines[header_length + 1 :])
    return ParsedFile(shown, meta, meta_lines, body, body_first_line)


def _single(parsed: ParsedFile, key: str) -> str:
    return " ".join(value for value in parsed.meta.get(key, []) if value).strip()


def _check_keys(parsed: ParsedFile, allowed: set[str], problems: list[Problem]) -> None:
    for key, line in parsed.meta_lines.items():
        if key not in allowed:
            problems.append(
                Problem(parsed.path, line, f"unknown metadata key '{key}'; allowed: {', '.join(sorted(allowed))}")
            )


def _required(parsed: ParsedFile, key: str, problems: list[Problem]) -> str:
    value = _single(parsed, key)
    if not value:
        line = parsed.meta_lines.get(key, 1)
        label = key.capitalize()
        problems.append(Problem(parsed.path, line, f"missing {key}: add a '{label}: ...' line to the header"))
    return value


def _date(parsed: ParsedFile, key: str, problems: list[Problem]) -> date | None:
    value = _single(parsed, key)
    if not value:
        return None
    line = parsed.meta_lines[key]
    if not _DATE_RE.match(value):
        problems.append(Problem(parsed.path, line, f"bad date '{value}' for {key}: write it as YYYY-MM-DD"))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        problems.append(Problem(parsed.path, line, f"bad date '{value}' for {key}: {exc}"))
        return None


def _body_problems(parsed: ParsedFile, problems: list[Problem]) -> None:
    for line, message in heading_level_problems(parsed.body):
        problems.append(Problem(parsed.path, parsed.body_first_line + line - 1, message))


def _read_article(folder: Path, root: Path, problems: list[Problem]) -> ArticleSource | None:
    shown_folder = _display_path(folder, root)
    if not SLUG_RE.match(folder.name):
        problems.append(
            Problem(shown_folder, 0, "folder name is not a valid slug: use lower-case letters, digits and hyphens")
        )
        return None
    article_path = folder / ARTICLE_FILE
    if not article_path.is_file():
        problems.append(Problem(shown_folder, 0, f"missing {ARTICLE_FILE} (title, status, review dates, lead)"))
        return None
    parsed = parse_markdown_file(article_path, _display_path(article_path, root), problems)
    if parsed is None:
        return None
    _check_keys(parsed, ARTICLE_KEYS, problems)
    title = _required(parsed, "title", problems)
    status = _single(parsed, "status") or Article.Status.DRAFT
    if status not in Article.Status.values:
        problems.append(
            Problem(parsed.path, parsed.meta_lines["status"], f"unknown status '{status}': use draft or published")
        )
    last_reviewed = _date(parsed, "last-reviewed", problems)
    next_review_due = _date(parsed, "next-review-due", problems)
    if last_reviewed and next_review_due and next_review_due <= last_reviewed:
        problems.append(
            Problem(
                parsed.path,
                parsed.meta_lines["next-review-due"],
                "Next-review-due must be after Last-reviewed",
            )
        )
    summary = parsed.body.strip()
    if not summary:
        problems.append(Problem(parsed.path, parsed.body_first_line, "missing lead paragraph after the header"))
    _body_problems(parsed, problems)
    article = ArticleSource(
        path=parsed.path,
        slug=folder.name,
        fields={
            "title": title,
            "summary": summary,
            "status": status,
            "last_reviewed": last_reviewed,
            "next_review_due": next_review_due,
            "reviewer": _single(parsed, "reviewer"),
            "sources": "\n".join(value for value in parsed.meta.get("sources", []) if value),
        },
    )
    first_file_of_kind: dict[str, ParsedFile] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name in NOT_SECTIONS:
            continue
        section = _read_section(path, root, problems)
        if section is None:
            continue
        section_file, source = section
        if source.kind in first_file_of_kind:
            first = first_file_of_kind[source.kind]
            problems.append(
                Problem(
                    section_file.path,
                    section_file.meta_lines["kind"],
                    f"duplicate section kind '{source.kind}': {first.path} line {first.meta_lines['kind']} has it too",
                )
            )
            continue
        first_file_of_kind[source.kind] = section_file
        article.sections.append(source)
    article.sections.sort(key=lambda section: SectionKind.position_of(section.kind))
    return article


def _read_section(path: Path, root: Path, problems: list[Problem]) -> tuple[ParsedFile, SectionSource] | None:
    before = len(problems)
    parsed = parse_markdown_file(path, _display_path(path, root), problems)
    if parsed is None:
        return None
    _check_keys(parsed, SECTION_KEYS, problems)
    kind = _required(parsed, "kind", problems)
    if kind and kind not in SectionKind.values:
        problems.append(
            Problem(
                parsed.path,
                parsed.meta_lines["kind"],
                f"unknown section kind '{kind}'; use one of: {', '.join(SectionKind.values)}",
            )
        )
    title = _required(parsed, "title", problems)
    body = parsed.body.strip()
    if not body:
        problems.append(Problem(parsed.path, parsed.body_first_line, "the section has no text after the header"))
    _body_problems(parsed, problems)
    if len(problems) > before:
        return None
    key_points = "\n".join(value for value in parsed.meta.get("key-points", []) if value)
    return parsed, SectionSource(parsed.path, kind, {"title": title, "body": body, "key_points": key_points})


def _read_glossary(path: Path, root: Path, problems: list[Problem]) -> list[TermSource]:
    shown = _display_path(path, root)
    text = _read_text(path, shown, problems)
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
                {"term": current["term"], "definition": definition, "aliases": ", ".join(current["aliases"])},
            )
        )

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            finish()
            term = line[3:].strip()
            current = {"term": term, "slug": slugify(term), "line": number, "aliases": [], "definition": []}
            if not current["slug"]:
                problems.append(Problem(shown, number, f"term '{term}' has no letters or digits for its anchor"))
        elif current is None:
            if line.strip() and not line.startswith("# "):
                problems.append(Problem(shown, number, "text before the first '## Term' heading"))
        elif line.lower().startswith("aliases:") and not current["definition"]:
            current["aliases"] = split_aliases(line.split(":", 1)[1])
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


def read_content(root: Path) -> ContentSources:
    """Parse every content file under ``root``; raise :class:`ContentError` listing all problems."""
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(root, 0, "content folder not found")])
    glossary_path = root / GLOSSARY_FILE
    terms = _read_glossary(glossary_path, root, problems) if glossary_path.is_file() else []
    articles = []
    for folder in sorted(path for path in root.iterdir() if path.is_dir() and not path.name.startswith(".")):
        article = _read_article(folder, root, problems)
        if article is not None:
            articles.append(article)
    if problems:
        raise ContentError(problems)
    return ContentSources(articles=articles, terms=terms)


# --- Comparing with the database ------------------------------------------------------------


@dataclass
class Change:
    """One row to create or update, and the fields that differ."""

    action: str  # "create", "update", "re-render"
    label: str
    instance: Article | Section | GlossaryTerm
    fields: dict[str, object]

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.action == "update" else ""
        return f"{self.action} {self.label}{detail}"


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    only_in_database: list[str] = field(default_factory=list)
    #: Changes reported by other apps' ``content_loaded`` receivers (e.g. seed comments).
    other_changes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.other_changes


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


def plan_changes(sources: ContentSources, *, force: bool = False) -> Plan:
    """Compare parsed files with the database; nothing is written."""
    plan = Plan()
    existing_terms = {term.slug: term for term in GlossaryTerm.objects.all()}
    for source in sources.terms:
        term = existing_terms.pop(source.slug, None) or GlossaryTerm(slug=source.slug)
        _compare(term, f"glossary term '{source.fields['term']}'", source.fields, plan, force)
    plan.only_in_database += [f"glossary term '{term.term}'" for term in existing_terms.values()]

    glossary = Glossary.build(
        (source.slug, source.fields["term"], split_aliases(source.fields["aliases"])) for source in sources.terms
    )
    existing_articles = {article.slug: article for article in Article.objects.prefetch_related("sections")}
    for source in sources.articles:
        article = existing_articles.pop(source.slug, None) or Article(slug=source.slug)
        label = f"article {source.slug}"
        if _compare(article, label, source.fields, plan, force) and article.render(glossary):
            # Same text, but the glossary or renderer changed: the stored HTML is stale.
            plan.changes.append(Change("re-render", label, article, {}))
        sections = {section.kind: section for section in article.sections.all()} if article.pk else {}
        for section_source in source.sections:
            label = f"section {source.slug}/{section_source.kind}"
            section = sections.pop(section_source.kind, None) or Section(article=article, kind=section_source.kind)
            if _compare(section, label, section_source.fields, plan, force) and section.render(glossary):
                plan.changes.append(Change("re-render", label, section, {}))
        plan.only_in_database += [f"section {source.slug}/{kind}" for kind in sections]
    plan.only_in_database += [f"article {slug}" for slug in existing_articles]
    return plan


@transaction.atomic
def apply_changes(plan: Plan) -> None:
    """Write every change in one transaction, glossary first so sections link to new terms."""
    order = {GlossaryTerm: 0, Article: 1, Section: 2}
    for change in sorted(plan.changes, key=lambda change: order[type(change.instance)]):
        instance = change.instance
        for name, value in change.fields.items():
            setattr(instance, name, value)
        instance.loaded_fingerprint = instance.content_fingerprint()
        # Shown in the revision history, so editors can tell the loader's saves from their own.
        instance._change_reason = f"load_content: {change.action}"
        instance.save()


def load_content(root: Path, *, dry_run: bool = False, force: bool = False) -> Plan:
    """Read, plan and (unless ``dry_run``) apply; raise on bad files or unforced conflicts."""
    sources = read_content(root)
    plan = plan_changes(sources, force=force)
    if plan.conflicts:
        return plan
    with transaction.atomic():
        if not dry_run:
            apply_changes(plan)
        for _receiver, changes in content_loaded.send(sender=Plan, root=root, dry_run=dry_run):
            plan.other_changes.extend(changes or [])
    return plan
