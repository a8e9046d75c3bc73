"""Ranking: which results answer a query best, and the excerpt that shows why.

A query becomes *concepts*: each of its words (stop words such as "how" and "my" left out), or a
phrase the glossary or ``patient-words.txt`` knows ("pins and needles", "high calcium"). A concept
matches a word with the same stem ("painful" is "pain"), and the words the glossary and the
patient-word list give for it ("broken" finds "fracture", "Xgeva" finds "denosumab").

A result need not hold every concept. Its score adds, with most weight on the first: how much of
the query it holds (each concept weighted by how rare it is on the site: "jaw" says more than
"bone"); how often and where (a title counts more than the detail: BM25); and how close together
the concepts stand (the shortest run of words that holds the most of them; a concept in the title
is close to everything).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from metsinfo.articles.search.index import Document, Field, Form, Index
from metsinfo.articles.search.text import STOP_WORDS, stem, tokens

K1, B = 1.2, 0.3  # BM25; little length normalisation, so long sections are not buried by glossary entries
NEAR = 12  # words: concepts within this many words of each other count as close
WINDOW = 30  # words an excerpt is chosen around
EXCERPT = 220  # characters


@dataclass(frozen=True)
class Concept:
    label: str
    forms: tuple[Form, ...]  # sorted, so that every process adds up the same scores in the same order


def concepts(words: list[str], index: Index) -> list[Concept]:
    """The concepts of a query's words (see the module docstring), at most one per word or phrase."""
    found, position = [], 0
    stems = [stem(word) for word in words]
    while position < len(words):
        for size in range(min(index.longest_form, len(words) - position), 0, -1):
            form = tuple(stems[position : position + size])
            if size > 1 and form not in index.related:
                continue
            if size == 1 and (words[position] in STOP_WORDS or (len(words[position]) < 2 and not form[0].isdigit())):
                break
            label = " ".join(words[position : position + size])
            forms = tuple(sorted({form, *index.related.get(form, ())}))
            if all(c.forms != forms for c in found):
                found.append(Concept(label, forms))
            position += size - 1
            break
        position += 1
    if not found:  # only stop words ("can I"): search for them after all
        found = [Concept(word, ((stem(word),),)) for word in dict.fromkeys(words) if len(word) >= 2]
    return found


@dataclass
class Match:
    document: Document
    score: float
    hits: dict[int, list[tuple[Field, int, int]]]  # concept number -> (field, first word, words) of each match


def _closest(positions: dict[int, list[int]]) -> tuple[int, int]:
    """(most concepts, fewest words) of any run of fewer than NEAR words that holds them."""
    merged = sorted((p, c) for c, ps in positions.items() for p in ps)
    best, counts, left = (1, 1), {}, 0
    for position, concept in merged:
        counts[concept] = counts.get(concept, 0) + 1
        while position - merged[left][0] >= NEAR or counts[merged[left][1]] > 1:
            counts[merged[left][1]] -= 1
            if not counts[merged[left][1]]:
                del counts[merged[left][1]]
            left += 1
        span = position - merged[left][0] + 1
        if (len(counts), -span) > (best[0], -best[1]):
            best = (len(counts), span)
    return best


def rank(found: list[Concept], index: Index) -> list[Match]:
    """Documents holding any concept, best first."""
    documents = index.documents
    hits_of: list[dict[int, list[tuple[Field, int, int]]]] = []
    for document in documents:
        hits: dict[int, list[tuple[Field, int, int]]] = {}
        for number, concept in enumerate(found):
            places = [
                (part, at, len(form)) for part in document.fields for form in concept.forms for at in part.find(form)
            ]
            if places:
                hits[number] = places
        hits_of.append(hits)
    total = len(documents)
    idf = []
    for number in range(len(found)):
        frequency = sum(1 for hits in hits_of if number in hits)
        idf.append(math.log(1 + (total - frequency + 0.5) / (frequency + 0.5)))
    whole = sum(idf) or 1.0
    matches = []
    for document, hits in zip(documents, hits_of, strict=True):
        if not hits:
            continue
        norm = K1 * (1 - B + B * document.length / index.average_length)
        relevance = 0.0
        for number, places in hits.items():
            frequency = sum(part.weight for part, _, _ in places)
            relevance += idf[number] * frequency * (K1 + 1) / (frequency + norm)
        coverage = sum(idf[number] for number in hits) / whole
        closeness = 0.0
        if len(found) > 1:
            # A concept in the title is close to every word on the page ("Denosumab": "an injection").
            titled = {n for n, places in hits.items() if any(p.name == "title" for p, _, _ in places)}
            for part in document.fields:
                positions = {
                    n: [part.words[at].position for p, at, _ in places if p is part]
                    for n, places in hits.items()
                    if n not in titled
                }
                positions = {n: ps for n, ps in positions.items() if ps}
                if positions or len(titled) > 1:
                    count, span = _closest(positions) if positions else (0, 0)
                    count, span = count + len(titled), span + len(titled)
                    closeness = max(closeness, (count - 1) / (len(found) - 1) * count / span)
        score = 10 * coverage + relevance / whole + 2 * closeness
        matches.append(Match(document, score, hits))
    matches.sort(key=lambda m: (-round(m.score, 9), m.document.order))
    return matches


def excerpt(match: Match) -> SafeString:
    """An escaped excerpt where the most concepts stand close together, the matches in <mark>.

    Earlier parts win ties: key points before the plain words, the plain words before the detail.
    """
    document = match.document
    best: tuple[tuple[int, int], Field, int] | None = None
    for order, part in enumerate(document.fields):
        if not part.excerpt or not part.words:
            continue
        places = sorted((at, n) for n, ps in match.hits.items() for p, at, _ in ps if p is part)
        for start, _ in places:
            inside = {n for at, n in places if 0 <= part.words[at].position - part.words[start].position < WINDOW}
            key = (len(inside), -order)
            if best is None or key > best[0]:
                best = (key, part, part.words[start].start)
    if best is None:  # only the title (or a glossary alias) matched: show the start of the text
        part = next((p for p in document.fields if p.excerpt and p.text), None)
        if part is None:
            return mark_safe("")
        at = 0
    else:
        part, at = best[1], best[2]
    marked = marked_excerpt(part.text, _spans(match, part), at)
    if document.kind == "Glossary":  # name the aliases that matched: "Also written: Xgeva."
        aliases = next((p for p in document.fields if p.name == "aliases"), None)
        spans = _spans(match, aliases) if aliases else []
        if spans:
            named = [aliases.text[a:b] for a, b in spans]
            marked = mark_safe(  # noqa: S308 (every piece escaped)
                f"{marked} Also written: {', '.join(f'<mark>{html.escape(n)}</mark>' for n in dict.fromkeys(named))}."
            )
    return marked


def _spans(match: Match, part: Field) -> list[tuple[int, int]]:
    """Character spans of the matches in ``part``."""
    return sorted(
        (part.words[at].start, part.words[at + size - 1].end)
        for places in match.hits.values()
        for p, at, size in places
        if p is part
    )


def marked_excerpt(text: str, spans: list[tuple[int, int]], at: int = 0, length: int = EXCERPT) -> SafeString:
    """An escaped excerpt of ``text``, about ``length`` characters around character ``at``, ``spans`` in <mark>.

    It starts at the sentence that holds ``at`` when that is near, and ends at a word boundary.
    """
    start = 0
    if at > length // 3:
        sentence = max(text.rfind(". ", 0, at), text.rfind("? ", 0, at), text.rfind(": ", 0, at))
        near = sentence >= 0 and at - sentence < length // 3
        start = sentence + 2 if near else text.rfind(" ", 0, at - length // 4) + 1
    end = start + length
    if end < len(text):
        end = max(text.rfind(" ", start, end), at + 1)
    pieces, last = [], start
    for a, b in spans:
        a, b = max(a, last), min(b, end)
        if a < b:
            pieces += [html.escape(text[last:a]), f"<mark>{html.escape(text[a:b])}</mark>"]
            last = b
    pieces.append(html.escape(text[last:end]))
    return mark_safe(("… " if start else "") + "".join(pieces) + (" …" if end < len(text) else ""))  # noqa: S308


def highlight_stems(text: str, stems: frozenset[str], at: int = 0, length: int = EXCERPT) -> SafeString:
    """:func:`marked_excerpt` with every word whose stem is in ``stems`` marked."""
    spans = [(word.start, word.end) for word in tokens(text) if word.stem in stems]
    return marked_excerpt(text, spans, at, length)


def suggestions(words: list[str], index: Index, limit: int = 5) -> list[str]:
    """Close words readers can find, for a query that found nothing ("denosumub" -> "denosumab")."""
    import difflib

    vocabulary = sorted(index.vocabulary)
    corrected, alternatives = [], []
    for word in words:
        if word in STOP_WORDS:
            continue
        close = difflib.get_close_matches(word, vocabulary, n=3, cutoff=0.75)
        corrected.append(close[0] if close else None)
        alternatives += close
    choices = []
    if len([w for w in corrected if w]) > 1:
        choices.append(" ".join(w for w in corrected if w))
    choices += alternatives
    return list(dict.fromkeys(choices))[:limit]
