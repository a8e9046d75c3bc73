"""Markdown to safe HTML, once, at save time.

Editors write Markdown; readers get the stored result. The pipeline is Python-Markdown (stable
heading ids, ``[^key]`` citations numbered from the page's reference list, tables, attribute
lists, "what the evidence says" notes as admonitions), then glossary links on the first use of
each term, then bleach with an explicit allow-list, so even an editor's raw HTML cannot put a
script on the page.

Rendering is a pure function of the text, the :class:`Glossary` and the reference numbers: this
module knows no model and no URL. The glossary carries ``url_for``, which the model side gives it
(``GlossaryTerm.objects.as_glossary()``), to address each term's entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import bleach
import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from metsinfo.articles.references import CITATION

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h2", "h3", "h4", "h5",
        "h6", "hr", "li", "ol", "p", "pre", "span", "strong", "sup", "sub", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_COMMON_ATTRIBUTES = ["class", "id"]
ALLOWED_ATTRIBUTES = {
    "*": _COMMON_ATTRIBUTES,
    "a": [*_COMMON_ATTRIBUTES, "href", "title", "rel"],
    "abbr": [*_COMMON_ATTRIBUTES, "title"],
    "ol": [*_COMMON_ATTRIBUTES, "start"],
    "td": [*_COMMON_ATTRIBUTES, "align", "colspan", "rowspan"],
    "th": [*_COMMON_ATTRIBUTES, "align", "colspan", "rowspan", "scope"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

# Elements whose text must never gain a glossary link.
_NO_GLOSSARY_LINKS = frozenset({"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "abbr"})
_NO_GLOSSARY_CLASSES = frozenset({"cite", "admonition-title", "visually-hidden"})

_HEADING_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

#: Sub-headings inside a section start here: the page's h1 is the title and h2 the section.
LOWEST_BODY_HEADING = 3


@dataclass(frozen=True)
class Glossary:
    """The glossary's names (terms and aliases) compiled into one matcher; ``url_for(slug)`` addresses an entry."""

    url_for: Callable[[str], str]
    slug_by_name: dict[str, str] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None

    @classmethod
    def build(cls, entries: Iterable[tuple[str, str, Iterable[str]]], *, url_for: Callable[[str], str]) -> Glossary:
        """Build from ``(slug, term, aliases)`` triples; links to a term go to ``url_for(slug)``."""
        slug_by_name: dict[str, str] = {}
        names: list[str] = []
        for slug, term, aliases in entries:
            for name in (term, *aliases):
                name = name.strip()
                if name and name.lower() not in slug_by_name:
                    slug_by_name[name.lower()] = slug
                    names.append(name)
        if not names:
            return cls(url_for)
        # Longest first, so "spinal cord compression" wins over a shorter name inside it.
        names.sort(key=len, reverse=True)
        alternatives = "|".join(_name_pattern(name) for name in names)
        pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
        return cls(url_for, slug_by_name=slug_by_name, pattern=pattern)

    def slug_for(self, text: str) -> str | None:
        """Return the slug of the term that ``text`` names, if any."""
        return self.slug_by_name.get(" ".join(text.split()).lower())


def _name_pattern(name: str) -> str:
    """Acronyms (CT, PET, MRI) match only in capitals, so "pet" the animal is not linked."""
    escaped = re.escape(name).replace(r"\ ", r"\s+")
    is_acronym = len(name) > 1 and name.isupper()
    return escaped if is_acronym else f"(?i:{escaped})"


def split_aliases(aliases: str) -> list[str]:
    """Aliases are stored comma-separated."""
    return [alias.strip() for alias in aliases.split(",") if alias.strip()]


class _GlossaryLinker(Treeprocessor):
    """Link the first use of each glossary term in the document to its entry."""

    def __init__(self, md: markdown.Markdown, glossary: Glossary) -> None:
        super().__init__(md)
        self.glossary = glossary
        self.linked: set[str] = set()

    def run(self, root: Element) -> None:
        if self.glossary.pattern is None:
            return
        self.linked = set()
        self._walk(root)

    def _walk(self, element: Element) -> None:
        if element.tag in _NO_GLOSSARY_LINKS or _NO_GLOSSARY_CLASSES & set(element.get("class", "").split()):
            return
        if element.text:
            element.text, new_links = self._split(element.text)
            for index, link in enumerate(new_links):
                element.insert(index, link)
            children = list(element)[len(new_links) :]
        else:
            children = list(element)
        for child in children:
            self._walk(child)
            if child.tail:
                child.tail, new_links = self._split(child.tail)
                position = list(element).index(child) + 1
                for offset, link in enumerate(new_links):
                    element.insert(position + offset, link)

    def _split(self, text: str) -> tuple[str, list[Element]]:
        """Cut ``text`` around first uses of terms; return the leading text and the new links."""
        head, rest = text, text
        links: list[Element] = []
        while (match := self._first_unlinked(rest)) is not None:
            slug = self.glossary.slug_for(match.group(0))
            assert slug is not None
            self.linked.add(slug)
            link = Element("a", {"class": "glossary-link", "href": self.glossary.url_for(slug)})
            link.text = match.group(0)
            before, rest = rest[: match.start()], rest[match.end() :]
            if links:
                links[-1].tail = before
            else:
                head = before
            link.tail = rest
            links.append(link)
        return head, links

    def _first_unlinked(self, text: str) -> re.Match[str] | None:
        assert self.glossary.pattern is not None
        for match in self.glossary.pattern.finditer(text):
            if self.glossary.slug_for(match.group(0)) not in self.linked:
                return match
        return None


class _GlossaryExtension(Extension):
    def __init__(self, glossary: Glossary) -> None:
        super().__init__()
        self.glossary = glossary

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After inline parsing (20) and footnotes (50), before prettify (10).
        md.treeprocessors.register(_GlossaryLinker(md, self.glossary), "glossary", 12)


class _CitationProcessor(InlineProcessor):
    """``[^key]`` becomes the source's number, linked to its entry in the reference list."""

    def __init__(self, numbers: dict[str, int]) -> None:
        super().__init__(CITATION.pattern)
        self.numbers = numbers

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[Element | None, int, int]:  # noqa: N802
        number = self.numbers.get(m.group(1))
        if number is None:  # unknown keys are refused before saving; never invent a number
            return None, m.start(0), m.end(0)
        sup = Element("sup", {"class": "cite"})
        link = Element("a", {"href": f"#ref-{m.group(1)}"})
        link.text = "["
        hidden = Element("span", {"class": "visually-hidden"})
        hidden.text = "source "
        hidden.tail = f"{number}]"
        link.append(hidden)
        sup.append(link)
        return sup, m.start(0), m.end(0)


class _CitationExtension(Extension):
    def __init__(self, numbers: dict[str, int]) -> None:
        super().__init__()
        self.numbers = numbers

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        # Before links (160), so "[^key]" is never read as a link reference.
        md.inlinePatterns.register(_CitationProcessor(self.numbers), "citation", 175)


def render_markdown(
    text: str, *, prefix: str, glossary: Glossary | None = None, references: dict[str, int] | None = None
) -> str:
    """Render editor Markdown to sanitised HTML; ``references`` numbers the ``[^key]`` citations.

    ``prefix`` names the part being rendered (kept for callers; ids come from the headings).
    """
    extensions: list[Extension | str] = [
        "admonition",
        "attr_list",
        "tables",
        "sane_lists",
        "toc",
        _CitationExtension(references or {}),
    ]
    if glossary is not None:
        extensions.append(_GlossaryExtension(glossary))
    return sanitise(markdown.Markdown(extensions=extensions).convert(text))


def strip_citations(html: str) -> str:
    """Rendered HTML without its citation numbers (for excerpts and measuring)."""
    return _CITE_HTML.sub("", html)


_CITE_HTML = re.compile(r'<sup class="cite">.*?</sup>', re.S)


def sanitise(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )


def heading_level_problems(text: str, lowest: int = LOWEST_BODY_HEADING) -> list[tuple[int, str]]:
    """Return ``(line, message)`` for headings above level ``lowest`` (3 in a section body)."""
    problems = []
    in_fence = False
    previous_line_has_text = False
    for number, line in enumerate(text.splitlines(), start=1):
        if _FENCE.match(line):
            in_fence = not in_fence
            previous_line_has_text = False
            continue
        if in_fence:
            continue
        atx = _HEADING_ATX.match(line)
        level = len(atx.group(1)) if atx else 0
        setext = _SETEXT_UNDERLINE.match(line)
        if setext and previous_line_has_text:
            level = 1 if setext.group(1).startswith("=") else 2
        if level and level < lowest:
            problems.append(
                (
                    number,
                    f"heading level {level} is reserved for the page and section titles; "
                    f"start sub-headings with '{'#' * lowest}'",
                )
            )
        previous_line_has_text = bool(line.strip()) and not atx
    return problems
