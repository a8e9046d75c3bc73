"""The search index: every result a reader can get, as the words they would read on it.

A result is a section page, a support page or a glossary entry. Each is built from the stored
HTML of what the reader sees there (key points, plain words, the detail with its evidence notes;
a support page's description and body; a glossary term, its aliases and its meaning), without
markup or citation numbers. The content is small (a few hundred kilobytes at most), so the index
is built in Python and ranked in Python, the same on SQLite and PostgreSQL. It is kept, per
process, for as long as the content it was built from is unchanged: each search reads the
content's rows (three queries) and reuses the index built from identical rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from django.urls import reverse

from metsinfo.articles.models import Article, GlossaryTerm, Section, SupportPage, glossary_entry_url
from metsinfo.articles.rendering import split_aliases
from metsinfo.articles.search.text import (
    BLOCK_GAP,
    Token,
    html_blocks,
    join_blocks,
    plain_text,
    query_words,
    stem,
    tokens,
)

PATIENT_WORDS = Path(__file__).with_name("patient-words.txt")

Form = tuple[str, ...]  # a word or phrase, as stems


@dataclass
class Field:
    """One part of a result: its text, its words, and how much a match in it counts."""

    name: str
    weight: float
    text: str
    words: list[Token]
    excerpt: bool = True  # may the excerpt come from here? (not from the title)

    @cached_property
    def postings(self) -> dict[str, list[int]]:
        """Stem -> indexes into ``words``."""
        found: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(self.words):
            found[word.stem].append(index)
        return dict(found)

    def find(self, form: Form) -> list[int]:
        """Indexes into ``words`` where ``form`` (a word, or a phrase within one block) starts."""
        starts = self.postings.get(form[0], [])
        if len(form) == 1:
            return starts
        found = []
        for index in starts:
            end = index + len(form)
            if end <= len(self.words):
                run = self.words[index:end]
                if all(w.stem == s for w, s in zip(run, form, strict=True)) and (
                    run[-1].position - run[0].position == len(form) - 1
                ):
                    found.append(index)
        return found


@dataclass
class Document:
    kind: str  # "Section", "Support page" or "Glossary"
    title: str
    url: str
    fields: list[Field]
    order: int  # where it comes on the site, for a stable order among equals
    aliases: list[str] = field(default_factory=list)  # a glossary entry's other names

    @cached_property
    def length(self) -> int:
        return sum(len(f.words) for f in self.fields)


def _field(name: str, weight: float, blocks: list[str], excerpt: bool = True) -> Field:
    text, starts = join_blocks(blocks)
    words: list[Token] = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(text)
        for word in tokens(text[start:end], first_position=(words[-1].position + BLOCK_GAP) if words else 0):
            words.append(Token(word.start + start, word.end + start, word.stem, word.position))
    return Field(name, weight, text, words, excerpt)


def form_of(phrase: str) -> Form:
    return tuple(stem(word) for word in query_words(phrase))


@dataclass
class Index:
    documents: list[Document]
    #: Form -> the forms a search for it also looks for (patient words, glossary names and aliases).
    related: dict[Form, set[Form]]
    #: Words readers can see, for "did you mean" (lower case, as written).
    vocabulary: frozenset[str]

    @cached_property
    def average_length(self) -> float:
        return sum(d.length for d in self.documents) / max(1, len(self.documents))

    @cached_property
    def longest_form(self) -> int:
        return max((len(form) for form in self.related), default=1)


# Rows as read from the database: plain tuples, so that identical content gives an identical key.
SectionRow = tuple[str, str, str, str, str, str]  # article slug, section slug, title, key points, plain, detail
PageRow = tuple[str, str, str, str]  # slug, title, description, body
TermRow = tuple[str, str, str, str]  # term, slug, definition, aliases


def read_rows() -> tuple[tuple[SectionRow, ...], tuple[PageRow, ...], tuple[TermRow, ...]]:
    """What readers can see now, in three queries."""
    published = Section.objects.filter(article__status=Article.Status.PUBLISHED)
    sections = published.order_by("article__title", "order", "slug")
    pages = SupportPage.objects.published()
    return (
        tuple(sections.values_list("article__slug", "slug", "title", "key_points_html", "plain_html", "body_html")),
        tuple(pages.values_list("slug", "title", "description", "body_html")),
        tuple(GlossaryTerm.objects.values_list("term", "slug", "definition", "aliases")),
    )


def patient_word_groups(path: Path = PATIENT_WORDS) -> list[list[str]]:
    """The groups of words in ``patient-words.txt``."""
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append([word.strip() for word in line.split(",") if word.strip()])
    return groups


@lru_cache(maxsize=1)
def _patient_groups() -> tuple[tuple[Form, ...], ...]:
    return tuple(tuple(form for form in map(form_of, group) if form) for group in patient_word_groups())


@lru_cache(maxsize=2)
def build(rows: tuple[tuple[SectionRow, ...], tuple[PageRow, ...], tuple[TermRow, ...]]) -> Index:
    """The index of ``rows`` (kept for the next search over the same content)."""
    sections, pages, terms = rows
    documents, vocabulary = [], set()
    for slug, section, title, key_points, plain, detail in sections:
        url = reverse("articles:section", kwargs={"slug": slug, "section": section})
        fields = [
            _field("title", 3.0, [title], excerpt=False),
            _field("key points", 2.0, html_blocks(key_points)),
            _field("plain", 1.5, html_blocks(plain)),
            _field("detail", 1.0, html_blocks(detail)),
        ]
        documents.append(Document("Section", title, url, fields, len(documents)))
    for slug, title, description, body in pages:
        url = reverse("articles:support_page", kwargs={"slug": slug})
        fields = [
            _field("title", 3.0, [title], excerpt=False),
            _field("description", 2.0, [plain_text(description)]),
            _field("body", 1.5, html_blocks(body)),
        ]
        documents.append(Document("Support page", title, url, fields, len(documents)))
    related: dict[Form, set[Form]] = defaultdict(set)
    for term, slug, definition, alias_text in terms:
        aliases = split_aliases(alias_text)
        fields = [
            _field("title", 3.0, [term], excerpt=False),
            _field("aliases", 2.0, [f"Also written: {', '.join(aliases)}."] if aliases else [], excerpt=False),
            _field("definition", 1.5, [plain_text(definition)]),
        ]
        documents.append(Document("Glossary", term, glossary_entry_url(slug), fields, len(documents), aliases))
        names = [form for form in map(form_of, [term, *aliases]) if form]
        for name in names:
            related[name].update(names)
    for group in _patient_groups():
        for form in group:
            related[form].update(group)
    for document in documents:
        for part in document.fields:
            vocabulary.update(word.lower() for word in query_words(part.text) if len(word) > 3 and word.isalpha())
        vocabulary.update(name.lower() for name in [document.title, *document.aliases] if document.kind == "Glossary")
    return Index(documents, dict(related), frozenset(vocabulary))


def current() -> Index:
    """The index of the content readers see now."""
    return build(read_rows())
