"""Search over published sections, support pages and the glossary.

On PostgreSQL, full-text search (English stemming: "fractures" finds "fracture") ranks the
matches; on SQLite every word must appear somewhere (case-insensitive), ranked by how often the
words occur. Either way the excerpts are made here from the stored HTML, as escaped text with the
matched words wrapped in ``<mark>``: nothing a search or a page contains becomes markup.
"""

from __future__ import annotations

import html
import operator
import re
from dataclasses import dataclass
from functools import reduce

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from metsinfo.articles.models import Article, GlossaryTerm, Section, SupportPage
from metsinfo.articles.rendering import strip_citations

MAX_QUERY = 200
MAX_WORDS = 8
EXCERPT = 220
_WORD = re.compile(r"\w[\w'-]*", re.UNICODE)


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    kind: str  # "Section", "Support page" or "Glossary"
    excerpt: SafeString


def words_of(query: str) -> list[str]:
    """The words searched for: at most MAX_WORDS, each at least two characters."""
    return [word for word in _WORD.findall(query[:MAX_QUERY].lower()) if len(word) >= 2][:MAX_WORDS]


def _stem(word: str) -> str:
    """A rough stem for highlighting: "fractures" and "fractured" both show as "fractur…"."""
    return word[: max(4, len(word) - 2)] if len(word) > 5 else word


def highlight(text: str, words: list[str], length: int = EXCERPT) -> SafeString:
    """An escaped excerpt of ``text`` around the first match, the matches in <mark>."""
    pattern = re.compile(r"\b(" + "|".join(re.escape(_stem(w)) for w in words) + r")\w*", re.I) if words else None
    match = pattern.search(text) if pattern else None
    start = 0
    if match and match.start() > length // 3:
        start = text.rfind(" ", 0, match.start() - length // 3) + 1
    excerpt = text[start : start + length]
    if start + length < len(text):
        excerpt = excerpt[: excerpt.rfind(" ")] + " …"
    if start:
        excerpt = "… " + excerpt
    if not pattern:
        return mark_safe(html.escape(excerpt))  # noqa: S308 (escaped)
    pieces, last = [], 0
    for found in pattern.finditer(excerpt):
        pieces += [html.escape(excerpt[last : found.start()]), f"<mark>{html.escape(found.group())}</mark>"]
        last = found.end()
    pieces.append(html.escape(excerpt[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece escaped)


def _plain(stored_html: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(strip_tags(strip_citations(stored_html)))).strip()


def _excerpt_source(words: list[str], *stored_html: str) -> str:
    """The first of the texts that holds one of the words (plain words before the detail)."""
    texts = [_plain(part) for part in stored_html if part]
    for text in texts:
        lowered = text.lower()
        if any(_stem(word) in lowered for word in words):
            return text
    return texts[0] if texts else ""


def _matching(queryset: QuerySet, heading: str, text: tuple[str, ...], words: list[str], *order: str) -> QuerySet:
    """Rows of ``queryset`` whose ``heading`` or ``text`` fields hold every word, best first.

    PostgreSQL: full-text search (English stemming), the heading weighted above the text.
    SQLite: each word must appear in one of the fields; :func:`search` ranks the sections.
    """
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(heading, weight="A", config="english") + SearchVector(*text, weight="B", config="english")
        query = SearchQuery(" ".join(words), config="english", search_type="plain")
        matching = queryset.annotate(document=vector).filter(document=query)
        return matching.annotate(rank=SearchRank(vector, query)).order_by("-rank", *order)
    condition = Q()
    for word in words:
        condition &= reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in (heading, *text)))
    return queryset.filter(condition)


def published_sections() -> QuerySet[Section]:
    return Section.objects.filter(article__status=Article.Status.PUBLISHED).select_related("article")


def search(words: list[str]) -> list[Result]:
    """Sections, support pages, then glossary terms, matching ``words`` (from ``words_of``); best first."""
    if not words:
        return []
    results = []
    section_fields = ("key_points", "plain", "body")
    sections = list(_matching(published_sections(), "title", section_fields, words, "position"))
    if connection.vendor != "postgresql":  # rank by how often the words occur, title matches first

        def score(section: Section) -> tuple[int, int]:
            title = section.title.lower()
            text = " ".join(getattr(section, name) for name in section_fields).lower()
            return (-sum(title.count(w) for w in words), -sum(text.count(w) for w in words))

        sections.sort(key=score)
    for section in sections:
        text = _excerpt_source(words, section.key_points_html, section.plain_html, section.body_html)
        results.append(Result(section.title, section.get_absolute_url(), "Section", highlight(text, words)))
    for page in _matching(SupportPage.objects.published(), "title", ("description", "body"), words, "order"):
        text = _excerpt_source(words, page.body_html)
        results.append(Result(page.title, page.get_absolute_url(), "Support page", highlight(text, words)))
    for term in _matching(GlossaryTerm.objects.all(), "term", ("definition", "aliases"), words):
        results.append(Result(term.term, term.get_absolute_url(), "Glossary", highlight(term.definition, words)))
    return results
