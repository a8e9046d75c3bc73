"""Small helpers for tests: reading pages the way a reader (or screen reader) gets them, and more."""

import concurrent.futures
import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_INLINE = {"a", "abbr", "b", "code", "em", "i", "small", "span", "strong", "sub", "sup", "time"}


class _TextCollector(HTMLParser):
    """Collect text, optionally only inside the element with a given id."""

    def __init__(self, element_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.inside = element_id is None
        self.depth = 0
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self.skipping += 1
        if not self.inside and dict(attrs).get("id") == self.element_id:
            self.inside, self.depth = True, 0
        if self.inside and tag not in _VOID:
            self.depth += 1
        if tag not in _INLINE:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"}:
            self.skipping -= 1
        if tag not in _INLINE:
            self.parts.append(" ")
        if self.inside and self.element_id is not None:
            self.depth -= 1
            if self.depth == 0:
                self.inside = False
                self.element_id = "\0done"

    def handle_data(self, data: str) -> None:
        if self.inside and not self.skipping:
            self.parts.append(data)


def page_text(html: str, element_id: str | None = None) -> str:
    """Visible text of the page (or of the element with ``element_id``), whitespace collapsed."""
    collector = _TextCollector(element_id)
    collector.feed(html)
    return normalise("".join(collector.parts))


def normalise(text: str) -> str:
    """Collapse runs of whitespace, as a browser does."""
    return re.sub(r"\s+", " ", text).strip()


def section_form(section, **changes) -> dict:
    """The admin form data for ``section``, with ``changes`` applied."""
    data = {
        "article": section.article_id,
        "kind": section.kind,
        "slug": section.slug,
        "order": section.order,
        "title": section.title,
        "key_points": section.key_points,
        "plain": section.plain,
        "body": section.body,
    }
    return {**data, **changes}


def article_form(article, section_changes: dict | None = None, **changes) -> dict:
    """The admin form data for ``article`` and its sections, with ``changes`` (and per-kind ``section_changes``)."""
    data = {
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary,
        "description": article.description,
        "status": article.status,
        "order": article.order,
        **({"featured": "on"} if article.featured else {}),
        "last_reviewed": article.last_reviewed or "",
        "next_review_due": article.next_review_due or "",
        "reviewer": article.reviewer,
        "sources": article.sources,
    }
    data.update(changes)
    sections = list(article.sections.all())
    data.update(
        {
            "sections-TOTAL_FORMS": len(sections),
            "sections-INITIAL_FORMS": len(sections),
            "sections-MIN_NUM_FORMS": 0,
            "sections-MAX_NUM_FORMS": 1000,
        }
    )
    for index, section in enumerate(sections):
        fields = {
            "id": section.pk,
            "article": article.pk,
            "kind": section.kind,
            "slug": section.slug,
            "order": section.order,
            "title": section.title,
            "key_points": section.key_points,
            "plain": section.plain,
            "body": section.body,
        }
        fields.update((section_changes or {}).get(section.slug, {}))
        data.update({f"sections-{index}-{name}": value for name, value in fields.items()})
    return data


def with_crlf(data: dict) -> dict:
    """Form data as a browser sends it: every line in a text field ends in CR LF."""
    return {name: value.replace("\n", "\r\n") if isinstance(value, str) else value for name, value in data.items()}


def redis_settings(url: str, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The cache settings the site builds from ``REDIS_URL`` (with the default REDIS_TIMEOUT)."""
    from metsinfo.settings.base import _cache_from_environment

    monkeypatch.setenv("REDIS_URL", url)
    monkeypatch.delenv("REDIS_TIMEOUT", raising=False)
    return _cache_from_environment()


def within(seconds: float, call: Callable[[], Any]) -> Any:
    """``call()``'s result (or exception), failing the test if it takes more than ``seconds``."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        future = pool.submit(call)
        try:
            return future.result(timeout=seconds)
        except concurrent.futures.TimeoutError:
            pytest.fail(f"still waiting after {seconds} s")
