"""A page's numbered reference list, and the ``[^key]`` citations that point into it.

An article (or support page) keeps its sources as lines of ``key: citation``; each citation ends
with its link and carries its date. The text cites a source with ``[^key]``, which is rendered as
the source's number, linked to its entry in the list. One list per page, so a reader (or a
clinician checking a claim) follows one number to one source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from metsinfo.lib.slugs import SLUG_RE

#: ``[^key]`` in Markdown text.
CITATION = re.compile(r"\[\^([^\]\s]*)\]")
#: A footnote definition (``[^key]: text``): the reference list is the one place for sources.
FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^[^\]]*\]:")
_LINE = re.compile(r"^(?P<key>[^:\s]+):\s+(?P<citation>.+)$")
_LINK = re.compile(r"^https?://[^\s<>\"]+$")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


@dataclass(frozen=True)
class Reference:
    """One numbered entry of a reference list."""

    key: str
    number: int
    citation: str
    url: str

    @property
    def anchor(self) -> str:
        return f"ref-{self.key}"


def parse_sources(text: str) -> tuple[list[Reference], list[tuple[int, str]]]:
    """Parse ``key: citation link`` lines; return the references and ``(line, problem)`` pairs."""
    references: list[Reference] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        match = _LINE.match(line)
        if not match or not SLUG_RE.match(match.group("key")):
            problems.append((number, f"source {number} must start with a key, e.g. 'bcn: Breast Cancer Now. ...'"))
            continue
        key, citation = match.group("key"), match.group("citation").strip()
        text_part, _, url = citation.rpartition(" ")
        if not _LINK.match(url):
            problems.append((number, f"source '{key}' must end with its link (https://...; DOI or PMID as a link)"))
            continue
        if not _YEAR.search(text_part):
            problems.append((number, f"source '{key}' has no date: give the year, or when the page was seen"))
            continue
        if key in seen:
            problems.append((number, f"source key '{key}' repeats source {seen[key]}"))
            continue
        seen[key] = number
        references.append(Reference(key, len(references) + 1, text_part.strip(), url))
    return references, problems


def references_in(text: str) -> list[Reference]:
    """The well-formed references of ``text``, numbered (malformed lines are left out)."""
    return parse_sources(text)[0]


def numbers_of(text: str) -> dict[str, int]:
    """``{key: number}`` for the sources in ``text``."""
    return {reference.key: reference.number for reference in references_in(text)}


def cited_keys(*texts: str) -> list[str]:
    """Keys cited in ``texts``, in order of first citation."""
    keys: dict[str, None] = {}
    for text in texts:
        for match in CITATION.finditer(text):
            keys.setdefault(match.group(1), None)
    return list(keys)


def cited_references(references: Iterable[Reference], *texts: str) -> list[Reference]:
    """The references ``texts`` cite, in the list's own order."""
    wanted = set(cited_keys(*texts))
    return [reference for reference in references if reference.key in wanted]


def citation_problems(text: str, known: Iterable[str]) -> list[tuple[int, str]]:
    """``(line, problem)`` for unknown citation keys and footnote definitions in ``text``."""
    known = set(known)
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if FOOTNOTE_DEFINITION.match(line):
            problems.append((number, "footnote definitions are not used: add the source to the Sources list"))
            continue
        for match in CITATION.finditer(line):
            if match.group(1) not in known:
                problems.append((number, f"'[^{match.group(1)}]' cites no source: no such key in the Sources list"))
    return problems
