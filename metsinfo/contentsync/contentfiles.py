"""Reading one content file: its metadata header, its body, and every problem with file and line.

Shared by :mod:`parse` (articles, sections, support pages), :mod:`glossaryfile` and :mod:`commentsfile`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import markdown

from metsinfo.articles.checks import hidden_character_problems
from metsinfo.articles.models import Article
from metsinfo.articles.models.changes import NOTE_MAX_LENGTH
from metsinfo.articles.references import parse_sources

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


def display_path(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root.parent)
    except ValueError:
        return path


#: The largest content file the loader reads. The longest page today is under 20 KB; a file many
#: times that is a mistake (a pasted export, a wrong file), and would make a page no phone loads.
MAX_FILE_BYTES = 256 * 1024


def read_text(path: Path, shown: Path, problems: list[Problem]) -> str | None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        problems.append(
            Problem(
                shown,
                0,
                f"the file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes "
                f"({MAX_FILE_BYTES // 1024} KB) for one content file; shorten it or split the page",
            )
        )
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"))
        return None
    # The site's one rule for hidden characters (metsinfo.lib.characters), titles included.
    if found := hidden_character_problems(text):
        problems += [Problem(shown, line, message) for line, message in found]
        return None
    return text


def parse_markdown_file(path: Path, shown: Path, problems: list[Problem]) -> ParsedFile | None:
    """Split a file into its metadata header (Python-Markdown ``meta``) and Markdown body."""
    text = read_text(path, shown, problems)
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


def single(parsed: ParsedFile, key: str) -> str:
    return " ".join(value for value in parsed.meta.get(key, []) if value).strip()


def check_keys(parsed: ParsedFile, allowed: set[str], problems: list[Problem]) -> None:
    for key, line in parsed.meta_lines.items():
        if key not in allowed:
            problems.append(
                Problem(parsed.path, line, f"unknown metadata key '{key}'; allowed: {', '.join(sorted(allowed))}")
            )


def required(parsed: ParsedFile, key: str, problems: list[Problem]) -> str:
    value = single(parsed, key)
    if not value:
        line = parsed.meta_lines.get(key, 1)
        label = key.capitalize()
        problems.append(Problem(parsed.path, line, f"missing {key}: add a '{label}: ...' line to the header"))
    return value


def date_value(parsed: ParsedFile, key: str, problems: list[Problem]) -> date | None:
    value = single(parsed, key)
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


def reviewed_fields(parsed: ParsedFile, problems: list[Problem]) -> dict[str, object]:
    """Status, review dates, reviewer, description and sources: the header articles and pages share."""
    status = single(parsed, "status") or Article.Status.DRAFT
    if status not in Article.Status.values:
        problems.append(
            Problem(parsed.path, parsed.meta_lines["status"], f"unknown status '{status}': use draft or published")
        )
    last_reviewed = date_value(parsed, "last-reviewed", problems)
    next_review_due = date_value(parsed, "next-review-due", problems)
    if last_reviewed and next_review_due and next_review_due <= last_reviewed:
        problems.append(
            Problem(parsed.path, parsed.meta_lines["next-review-due"], "Next-review-due must be after Last-reviewed")
        )
    sources = "\n".join(value for value in parsed.meta.get("sources", []) if value)
    first_source_line = parsed.meta_lines.get("sources", 1)
    for number, message in parse_sources(sources)[1]:
        problems.append(Problem(parsed.path, first_source_line + number - 1, message))
    # A draft may be unfinished; a page readers see needs its plain summary for previews.
    description = required(parsed, "description", problems) if status == "published" else single(parsed, "description")
    return {
        "description": description,
        "status": status,
        "last_reviewed": last_reviewed,
        "next_review_due": next_review_due,
        "reviewer": single(parsed, "reviewer"),
        "sources": sources,
    }


_CHANGE_RE = re.compile(r"^(?P<date>\S+?):\s*(?P<note>.*)$")


def change_notes(parsed: ParsedFile, problems: list[Problem]) -> list[tuple[date, str]]:
    """The public change notes of a ``Changes:`` header, one ``YYYY-MM-DD: note`` per line, as written."""
    notes = []
    first_line = parsed.meta_lines.get("changes", 1)
    for number, line in enumerate((value for value in parsed.meta.get("changes", []) if value), start=first_line):
        match = _CHANGE_RE.match(line)
        when = match and _DATE_RE.match(match.group("date")) and match.group("date")
        note = " ".join(match.group("note").split()) if match else ""
        if not when or not note:
            problems.append(Problem(parsed.path, number, f"a change is 'YYYY-MM-DD: what changed', not '{line}'"))
            continue
        if len(note) > NOTE_MAX_LENGTH:
            problems.append(Problem(parsed.path, number, f"a change note has at most {NOTE_MAX_LENGTH} characters"))
            continue
        try:
            notes.append((date.fromisoformat(when), note))
        except ValueError as exc:
            problems.append(Problem(parsed.path, number, f"bad date '{when}' for a change: {exc}"))
    return notes


def key_point_lines(parsed: ParsedFile) -> tuple[str, int]:
    """The key points (one per line) and the file line they start on."""
    points = "\n".join(value for value in parsed.meta.get("key-points", []) if value)
    return points, parsed.meta_lines.get("key-points", 1)
