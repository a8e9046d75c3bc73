"""Read ``content/``: every file parsed, every problem (file, line, what to fix) collected.

The first of load_content's two steps: :func:`read_content` touches no database row, so a bad
file changes nothing; :mod:`plan` then compares what it read with the database and applies it.

Layout (``content/README.md`` gives the format)::

    content/glossary.md                  ## Term / Aliases: ... / definition
    content/<article-slug>/article.md    metadata (with the numbered Sources) + lead paragraph
    content/<article-slug>/<any>.md      one file per section: Kind: or Slug:, key points, ::: plain, ::: detailed
    content/pages/<page-slug>.md         one support page each
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from metsinfo.articles.checks import (
    Problems,
    order_problem,
    plain_text_problems,
    section_address_problems,
    text_problems,
)
from metsinfo.articles.models import OTHER_KIND, SectionKind
from metsinfo.articles.questions import marker_problems
from metsinfo.articles.references import numbers_of
from metsinfo.contentsync.contentfiles import (
    ContentError,
    ParsedFile,
    Problem,
    change_notes,
    check_keys,
    display_path,
    key_point_lines,
    parse_markdown_file,
    required,
    reviewed_fields,
    single,
)
from metsinfo.contentsync.glossaryfile import TermSource, read_glossary
from metsinfo.lib.slugs import SLUG_RE

ARTICLE_FILE = "article.md"
GLOSSARY_FILE = "glossary.md"
PAGES_FOLDER = "pages"
#: Files in an article folder that are not sections (comments.md: see :mod:`commentsfile`).
NOT_SECTIONS = frozenset({ARTICLE_FILE, "comments.md"})

REVIEWED_KEYS = {
    "title",
    "status",
    "last-reviewed",
    "next-review-due",
    "reviewer",
    "description",
    "sources",
    "changes",
}
ARTICLE_KEYS = REVIEWED_KEYS | {"order", "featured"}
PAGE_KEYS = REVIEWED_KEYS | {"order"}
SECTION_KEYS = {"kind", "slug", "order", "title", "key-points", "changes"}
#: ``Changes:`` lines: (date, public note), newest first as written; see :func:`contentfiles.change_notes`.
Changes = list[tuple[date, str]]
#: What ``Featured:`` may say.
YES, NO = ("yes", "true"), ("no", "false", "")
PLAIN_MARK, DETAILED_MARK = "::: plain", "::: detailed"


@dataclass
class SectionSource:
    path: Path
    slug: str
    kind: str
    fields: dict[str, object]
    changes: Changes = field(default_factory=list)


@dataclass
class ArticleSource:
    path: Path
    slug: str
    fields: dict[str, object]
    sections: list[SectionSource] = field(default_factory=list)
    changes: Changes = field(default_factory=list)


@dataclass
class PageSource:
    path: Path
    slug: str
    fields: dict[str, object]
    changes: Changes = field(default_factory=list)


@dataclass
class ContentSources:
    articles: list[ArticleSource]
    terms: list[TermSource]
    pages: list[PageSource] = field(default_factory=list)


def _located(parsed: ParsedFile, found: Problems, first_line: int, problems: list[Problem]) -> None:
    """Add the problems :mod:`metsinfo.articles.checks` found in a text starting on ``first_line``."""
    for line, message in found:
        problems.append(Problem(parsed.path, first_line + line - 1, message))


def _order(parsed: ParsedFile, default: int, problems: list[Problem]) -> int:
    """The ``Order:`` of a file (``default`` when there is none)."""
    text = single(parsed, "order")
    if not text:
        return default
    if message := order_problem(text):
        problems.append(Problem(parsed.path, parsed.meta_lines["order"], message))
        return default
    return int(text)


def _featured(parsed: ParsedFile, problems: list[Problem]) -> bool:
    value = single(parsed, "featured").lower()
    if value not in YES + NO:
        line = parsed.meta_lines["featured"]
        problems.append(Problem(parsed.path, line, f"Featured must be yes or no, not '{value}'"))
    return value in YES


def _read_article(folder: Path, root: Path, problems: list[Problem]) -> ArticleSource | None:
    shown_folder = display_path(folder, root)
    if not SLUG_RE.match(folder.name):
        problems.append(
            Problem(shown_folder, 0, "folder name is not a valid slug: use lower-case letters, digits and hyphens")
        )
        return None
    article_path = folder / ARTICLE_FILE
    if not article_path.is_file():
        problems.append(Problem(shown_folder, 0, f"missing {ARTICLE_FILE} (title, status, review dates, lead)"))
        return None
    parsed = parse_markdown_file(article_path, display_path(article_path, root), problems)
    if parsed is None:
        return None
    check_keys(parsed, ARTICLE_KEYS, problems)
    title = required(parsed, "title", problems)
    reviewed = reviewed_fields(parsed, problems)
    known = set(numbers_of(str(reviewed["sources"])))
    summary = parsed.body.strip()
    if not summary:
        problems.append(Problem(parsed.path, parsed.body_first_line, "missing lead paragraph after the header"))
    _located(parsed, text_problems(parsed.body, known), parsed.body_first_line, problems)
    fields = {"title": title, "summary": summary, **reviewed}
    fields |= {"order": _order(parsed, 1, problems), "featured": _featured(parsed, problems)}
    article = ArticleSource(path=parsed.path, slug=folder.name, fields=fields, changes=change_notes(parsed, problems))
    first_file_of_slug: dict[str, ParsedFile] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name in NOT_SECTIONS:
            continue
        section = _read_section(path, root, known, problems)
        if section is None:
            continue
        section_file, source = section
        if source.slug in first_file_of_slug:
            first = first_file_of_slug[source.slug]
            what = "section kind" if source.kind in SectionKind.values else "section slug"
            problems.append(
                Problem(
                    section_file.path,
                    _address_line(section_file),
                    f"duplicate {what} '{source.slug}': {first.path} line {_address_line(first)} has it too",
                )
            )
            continue
        first_file_of_slug[source.slug] = section_file
        article.sections.append(source)
    article.sections.sort(key=lambda section: (section.fields["order"], section.slug))
    return article


def _address_line(parsed: ParsedFile) -> int:
    """The header line that gives a section its address: Slug, else Kind."""
    return parsed.meta_lines.get("slug") or parsed.meta_lines.get("kind") or 1


def _split_layers(parsed: ParsedFile, problems: list[Problem]) -> tuple[str, int, str, int] | None:
    """Split a section body at its ``::: plain`` and ``::: detailed`` lines.

    Return the plain text, its first file line, the detailed text and its first file line.
    """
    lines = parsed.body.splitlines()
    marks = {line.strip(): index for index, line in reversed(list(enumerate(lines))) if line.strip().startswith(":::")}
    unknown = [mark for mark in marks if mark not in (PLAIN_MARK, DETAILED_MARK)]
    for mark in unknown:
        problems.append(
            Problem(
                parsed.path,
                parsed.body_first_line + marks[mark],
                f"unknown part '{mark}': use '{PLAIN_MARK}' or '{DETAILED_MARK}'",
            )
        )
    if PLAIN_MARK not in marks or DETAILED_MARK not in marks:
        problems.append(
            Problem(
                parsed.path,
                parsed.body_first_line,
                f"a section has two parts: a '{PLAIN_MARK}' line, the section in plain words, "
                f"then a '{DETAILED_MARK}' line and the detailed text",
            )
        )
        return None
    plain_at, detailed_at = marks[PLAIN_MARK], marks[DETAILED_MARK]
    if detailed_at < plain_at:
        problems.append(Problem(parsed.path, parsed.body_first_line + detailed_at, f"'{PLAIN_MARK}' comes first"))
        return None
    if any(line.strip() for line in lines[:plain_at]):
        problems.append(Problem(parsed.path, parsed.body_first_line, f"text before '{PLAIN_MARK}'"))
    plain = "\n".join(lines[plain_at + 1 : detailed_at])
    detailed = "\n".join(lines[detailed_at + 1 :])
    return plain, parsed.body_first_line + plain_at + 1, detailed, parsed.body_first_line + detailed_at + 1


def _read_section(
    path: Path, root: Path, known: set[str], problems: list[Problem]
) -> tuple[ParsedFile, SectionSource] | None:
    before = len(problems)
    parsed = parse_markdown_file(path, display_path(path, root), problems)
    if parsed is None:
        return None
    check_keys(parsed, SECTION_KEYS, problems)
    kind = single(parsed, "kind") or OTHER_KIND
    slug = single(parsed, "slug")
    if kind not in (*SectionKind.values, OTHER_KIND):
        problems.append(
            Problem(
                parsed.path,
                parsed.meta_lines["kind"],
                f"unknown section kind '{kind}'; use one of: {', '.join(SectionKind.values)}, "
                "or leave Kind out for a section of its own",
            )
        )
    else:
        if kind == OTHER_KIND and "slug" not in parsed.meta_lines:
            slug = path.stem  # a section of its own is at its file's name unless it says otherwise
        for _field, message in section_address_problems(kind, slug, SectionKind.values):
            where = "slug" if "slug" in parsed.meta_lines else "file name"
            problems.append(Problem(parsed.path, _address_line(parsed), f"{message} (from its {where})"))
        slug = slug or kind
    order = _order(parsed, SectionKind.default_order(kind), problems)
    title = required(parsed, "title", problems)
    changes = change_notes(parsed, problems)
    key_points, key_points_line = key_point_lines(parsed)
    _located(parsed, plain_text_problems(key_points, known), key_points_line, problems)
    layers = _split_layers(parsed, problems)
    if layers is None:
        return None
    plain, plain_line, body, body_line = layers
    if not plain.strip():
        problems.append(Problem(parsed.path, plain_line - 1, "the plain words part is empty"))
    if not body.strip():
        problems.append(Problem(parsed.path, body_line - 1, "the detailed part is empty"))
    _located(parsed, plain_text_problems(plain, known), plain_line, problems)
    _located(parsed, text_problems(body, known), body_line, problems)
    if len(problems) > before:
        return None
    fields = {"title": title, "plain": plain.strip(), "body": body.strip(), "key_points": key_points, "order": order}
    return parsed, SectionSource(parsed.path, slug, kind, fields, changes)


def _read_page(path: Path, root: Path, problems: list[Problem]) -> PageSource | None:
    shown = display_path(path, root)
    if not SLUG_RE.match(path.stem):
        problems.append(Problem(shown, 0, "file name is not a valid slug: use lower-case letters, digits and hyphens"))
        return None
    parsed = parse_markdown_file(path, shown, problems)
    if parsed is None:
        return None
    check_keys(parsed, PAGE_KEYS, problems)
    title = required(parsed, "title", problems)
    reviewed = reviewed_fields(parsed, problems)
    order = _order(parsed, 1, problems)
    body = parsed.body.strip()
    if not body:
        problems.append(Problem(shown, parsed.body_first_line, "the page has no text after the header"))
    known = set(numbers_of(str(reviewed["sources"])))
    _located(parsed, text_problems(parsed.body, known, lowest_heading=2), parsed.body_first_line, problems)
    _located(parsed, marker_problems(parsed.body), parsed.body_first_line, problems)
    fields = {"title": title, "body": body, "order": order, **reviewed}
    return PageSource(shown, path.stem, fields, change_notes(parsed, problems))


def read_content(root: Path) -> ContentSources:
    """Parse every content file under ``root``; raise :class:`ContentError` listing all problems."""
    problems: list[Problem] = []
    if not root.is_dir():
        raise ContentError([Problem(root, 0, "content folder not found")])
    glossary_path = root / GLOSSARY_FILE
    terms = read_glossary(glossary_path, root, problems) if glossary_path.is_file() else []
    articles = []
    folders = (path for path in root.iterdir() if path.is_dir() and not path.name.startswith("."))
    for folder in sorted(folder for folder in folders if folder.name != PAGES_FOLDER):
        article = _read_article(folder, root, problems)
        if article is not None:
            articles.append(article)
    pages = [
        page
        for path in sorted((root / PAGES_FOLDER).glob("*.md"))
        if (page := _read_page(path, root, problems)) is not None
    ]
    featured = [article for article in articles if article.fields["featured"]]
    for article in featured[1:]:
        problems.append(
            Problem(article.path, 0, f"only one article can be Featured: {featured[0].path} is featured too")
        )
    if problems:
        raise ContentError(problems)
    return ContentSources(articles=articles, terms=terms, pages=pages)
