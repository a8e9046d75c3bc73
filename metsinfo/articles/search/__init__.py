"""Search over what readers see: published sections, support pages and the glossary.

Patients type questions ("why do my bones hurt", "zometa side effects"), not keywords. So a
result need not hold every word: results rank by how much of the query they hold, how rare those
words are on the site, where they stand (title, key points, plain words, detail) and how close
together. Words match by stem ("painful" finds "pain"), by the patient words in
``patient-words.txt`` ("broken" finds "fracture") and by the glossary's names and aliases (a
brand name such as "Xgeva" finds denosumab). A query that finds nothing gets close words to try.

All of it runs in Python over the stored HTML (see :mod:`.index`), so SQLite and PostgreSQL give
the same results. Excerpts are escaped text with the matched words wrapped in ``<mark>``:
nothing a search or a page contains becomes markup, and no citation number or note title shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.safestring import SafeString

from metsinfo.articles.models import Article, Section
from metsinfo.articles.search import index as _index
from metsinfo.articles.search.rank import concepts, excerpt, highlight_stems, rank, suggestions
from metsinfo.articles.search.text import STOP_WORDS, query_words, stem

MAX_QUERY = 200
MAX_WORDS = 8
MAX_RESULTS = 20
#: Results scoring under this share of the best one are left out (a word such as "bone" is on
#: nearly every page; listing them all would bury the answer).
CUT_OFF = 0.3


@dataclass(frozen=True)
class Result:
    title: str
    url: str
    kind: str  # "Section", "Support page" or "Glossary"
    excerpt: SafeString


@dataclass(frozen=True)
class Answer:
    results: list[Result]
    suggestions: list[str]  # close words to try when there are no results


def clean_query(raw: str) -> str:
    """The query as the search reads it: at most ``MAX_QUERY`` characters, no surrounding spaces.

    Also the one spelling of ``?q=`` (``reader_page``): longer or padded variants redirect here.
    """
    return raw[:MAX_QUERY].strip()


def words_of(query: str) -> list[str]:
    """The words searched for: at most MAX_WORDS, each at least two characters.

    Stop words ("how", "can", "my") are left out, unless the query has nothing else.
    """
    words = [word for word in query_words(query[:MAX_QUERY]) if len(word) >= 2]
    content = [word for word in words if word not in STOP_WORDS]
    return (content or words)[:MAX_WORDS]


def highlight(text: str, words: list[str], at: int = 0) -> SafeString:
    """An escaped excerpt of ``text`` from character ``at``, words with the stems of ``words`` in <mark>."""
    return highlight_stems(text, frozenset(stem(word) for word in words), at)


def published_sections() -> QuerySet[Section]:
    return Section.objects.filter(article__status=Article.Status.PUBLISHED).select_related("article")


def answer(query: str) -> Answer:
    """The results for ``query`` (best first), or close words to try when there are none."""
    words = words_of(query)
    if not words:
        return Answer([], [])
    index = _index.current()
    # Phrases may hold stop words ("pins and needles"), so concepts are read from every word.
    found = concepts(query_words(query[:MAX_QUERY]), index)
    found = found[:MAX_WORDS]
    matches = rank(found, index)
    if matches:
        best = matches[0].score
        matches = [match for match in matches if match.score >= CUT_OFF * best][:MAX_RESULTS]
    results = [Result(m.document.title, m.document.url, m.document.kind, excerpt(m)) for m in matches]
    return Answer(results, [] if results else suggestions(words, index))
