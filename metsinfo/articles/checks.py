"""What the Markdown of a page may not contain: one function per rule, with the words to fix it.

``load_content`` (for a file) and the admin's forms (for a field) both call these, so the two
can never disagree. Each rule returns ``(line, message)`` pairs, lines counted from 1 in the text
it was given; the caller says where the text is (a file and its line, or a field's label).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from metsinfo.articles.references import citation_problems
from metsinfo.articles.rendering import ALLOWED_PROTOCOLS, ALLOWED_TAGS, LOWEST_BODY_HEADING, heading_level_problems
from metsinfo.lib.characters import hidden_character
from metsinfo.lib.slugs import SLUG_RE

Problems = list[tuple[int, str]]
#: The highest order a section or an article may have (1 comes first).
MAX_ORDER = 999
#: Addresses under /articles/<article>/ that belong to other pages (the comment form posts there).
RESERVED_SECTION_SLUGS = frozenset({"comments"})

_ANY_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_NOTE = re.compile(r"^ {0,3}!!!\s*(?P<kind>[\w-]+)")
_INDENTED = re.compile(r"^(?: {4}|\t)")
_TAG = re.compile(r"</?(?P<name>[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")
_COMMENT = re.compile(r"<!--.*?-->")
_LINK_TARGETS = (
    re.compile(r"\]\(\s*<?(?P<url>[^)\s>]+)"),  # [text](url)
    re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(?P<url>\S+?)>?(?:\s|$)"),  # [label]: url
    re.compile(r"<(?P<url>[A-Za-z][A-Za-z0-9+.-]*:[^\s>]*)>"),  # <scheme:...>
    re.compile(r"""\bhref\s*=\s*["']?(?P<url>[^"'\s>]+)""", re.I),  # <a href="...">
)
_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")


def _outside_code(text: str) -> Iterable[tuple[int, str]]:
    """Numbered lines outside fenced code, with inline code spans blanked (they show as typed)."""
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            yield number, _CODE_SPAN.sub("", line)


def hidden_character_problems(text: str) -> Problems:
    """A control, direction or invisible character, anywhere: the site's one rule (:mod:`metsinfo.lib.characters`)."""
    found = hidden_character(text)
    return [] if found is None else [(found.line_in(text), found.describe())]


def plain_heading_problems(text: str) -> Problems:
    """The plain words have no headings at all: a reader who stops there reads short paragraphs."""
    return [
        (number, "no headings in the plain words: use short paragraphs")
        for number, line in _outside_code(text)
        if _ANY_HEADING.match(line)
    ]


def empty_note_problems(text: str) -> Problems:
    """A ``!!! evidence`` note needs its text indented by four spaces on the lines after it."""
    lines = text.splitlines()
    problems = []
    for number, line in _outside_code(text):
        match = _NOTE.match(line)
        if not match:
            continue
        following = next((later for later in lines[number:] if later.strip()), "")
        if not _INDENTED.match(following):
            problems.append(
                (
                    number,
                    f"the '!!! {match.group('kind')}' note is empty: indent its text by four spaces "
                    "on the lines after it",
                )
            )
    return problems


def stripped_markup_problems(text: str) -> Problems:
    """HTML tags and links the sanitiser would take out, silently, from the page readers get."""
    problems = []
    for number, line in _outside_code(text):
        line = _COMMENT.sub("", line)
        for name in dict.fromkeys(match.group("name").lower() for match in _TAG.finditer(line)):
            if name not in ALLOWED_TAGS:
                problems.append((number, f"'<{name}>' is taken out of the page: write it in Markdown, or leave it out"))
        for pattern in _LINK_TARGETS:
            for match in pattern.finditer(line):
                scheme = _SCHEME.match(match.group("url").strip())
                if scheme and scheme.group("scheme").lower() not in ALLOWED_PROTOCOLS:
                    problems.append(
                        (
                            number,
                            f"a '{scheme.group('scheme').lower()}:' link would not work on the page: "
                            "a link may use only "
                            f"{', '.join(sorted(f'{protocol}:' for protocol in ALLOWED_PROTOCOLS))}",
                        )
                    )
    return problems


def _citations(text: str, known: Iterable[str] | None) -> Problems:
    return [] if known is None else citation_problems(text, known)


def text_problems(text: str, known: Iterable[str] | None, lowest_heading: int = LOWEST_BODY_HEADING) -> Problems:
    """Every rule for a page's Markdown text: headings, citations, notes and stripped markup.

    ``known`` is the reference list's keys; None leaves citations unchecked (no list yet).
    """
    found = heading_level_problems(text, lowest_heading) + _citations(text, known)
    found += empty_note_problems(text) + stripped_markup_problems(text)
    return sorted(found, key=lambda problem: problem[0])


def plain_text_problems(text: str, known: Iterable[str] | None) -> Problems:
    """The rules for the plain words (and key points): no headings at all, and the rest as for any text."""
    found = plain_heading_problems(text) + _citations(text, known)
    found += empty_note_problems(text) + stripped_markup_problems(text)
    return sorted(found, key=lambda problem: problem[0])


def normalise_newlines(text: str) -> str:
    """Browsers send a textarea's lines ending in CR LF; content is stored with LF alone."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def section_address_problems(kind: str, slug: str, standard: Iterable[str]) -> list[tuple[str, str]]:
    """What is wrong with a section's kind and slug, as ``(field, message)`` pairs.

    A standard section's address is its kind, so its links never change; a section of its own
    needs an address of its own, and not one of the standard six. ``standard`` is those six.
    """
    standard = list(standard)
    if kind in standard:
        if slug and slug != kind:
            return [("slug", f"a standard '{kind}' section's slug is '{kind}': leave Slug out, or make it '{kind}'")]
        return []
    if not slug:
        return [("slug", "a section of its own needs a slug, its address: e.g. 'living-well'")]
    if not SLUG_RE.match(slug):
        return [("slug", f"slug '{slug}' is not valid: use lower-case letters, digits and single hyphens")]
    if slug in RESERVED_SECTION_SLUGS:
        return [("slug", f"'{slug}' is taken by another page of the article: pick another slug")]
    if slug in standard:
        message = f"'{slug}' is the address of the standard section: set its kind to '{slug}', or pick another slug"
        return [("slug", message)]
    return []


def order_problem(text: str) -> str | None:
    """Why ``text`` is not a usable order (a whole number from 1 to MAX_ORDER), or None."""
    if not text.isdigit() or not 1 <= int(text) <= MAX_ORDER:
        return f"Order must be a number from 1 to {MAX_ORDER}, not '{text}'"
    return None
