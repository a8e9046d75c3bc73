"""What the reader sees, as words: stored HTML to plain text, words to stems.

The same code runs on every database: nothing here asks the database to understand language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

import snowballstemmer

from metsinfo.articles.rendering import strip_citations

#: A word: letters or digits, with inner apostrophes ("don't") or hyphens ("x-ray", "HER2-positive").
WORD = re.compile(r"[^\W_]+(?:[-'\u2019][^\W_]+)*")
_PART = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
#: Position gap between blocks (paragraphs, list items, headings): phrases and "close" stop at them.
BLOCK_GAP = 10

#: Words that say little about what a reader is looking for ("how", "can", "my"). Dropped from a
#: query unless it has nothing else; never highlighted.
_STOP_WORDS = """
    a about after again all also am an and any are aren't as at be been being but by can can't cannot cant
    could couldn't did didn't do does doesn't doing don't dont for from get gets getting got had has have
    having he her hers him his how i i'd i'll i'm i've if im in into is isn't it it's its ive just me might
    more most much my myself no nor not now of off ok on once only or other our out over own please really
    she should so some still such than that that's the their them then there these they this those
    through to too up us very was we were what what's when where which while who why will with won't
    would you you're your yours
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball (Porter 2) English stem: "painful" -> "pain", "fractures" -> "fractur"."""
    word = word.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return _stemmer.stemWord(word)


@dataclass(frozen=True)
class Token:
    start: int  # character offsets in the text
    end: int
    stem: str
    position: int  # word number, with BLOCK_GAP between blocks


def tokens(text: str, first_position: int = 0) -> list[Token]:
    """The words of ``text``; a hyphenated word counts as its parts, one after the other."""
    found, position = [], first_position
    for match in WORD.finditer(text):
        for part in _PART.finditer(match.group()):
            start = match.start() + part.start()
            found.append(Token(start, start + len(part.group()), stem(part.group()), position))
            position += 1
    return found


def query_words(text: str) -> list[str]:
    """A query's words, lower case, hyphenated ones split, in order."""
    return [part.group().lower().replace("\u2019", "'") for part in _PART.finditer(text)]


_BLOCK_TAGS = "address blockquote dd details div dl dt figcaption figure h1 h2 h3 h4 h5 h6 li ol p pre section summary"
_BLOCKS = frozenset(f"{_BLOCK_TAGS} table td th tr ul".split())
_END = re.compile(r"[.!?:;…]$")


class _Blocks(HTMLParser):
    """Text of each block element; skips evidence-note titles ("What the evidence says")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0  # > 0 inside an element whose text readers do not read as content

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_depth:
            self.skip_depth += 1
            return
        classes = (dict(attrs).get("class") or "").split()
        if "admonition-title" in classes or tag in {"script", "style", "svg"}:
            self._flush()
            self.skip_depth = 1
        elif tag in _BLOCKS or tag == "br":
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            self.skip_depth -= 1
            return
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.current.append(data)


def html_blocks(stored_html: str) -> list[str]:
    """The visible text of stored HTML, one string per paragraph, list item or heading.

    Citation numbers ("[1]") and evidence-note titles are left out, and no markup survives.
    """
    parser = _Blocks()
    parser.feed(strip_citations(stored_html))
    parser.close()
    parser._flush()
    return parser.blocks


def join_blocks(blocks: list[str]) -> tuple[str, list[int]]:
    """Blocks as one text (a full stop after a block that has no end mark), and where each starts."""
    parts, starts, offset = [], [], 0
    for block in blocks:
        text = block if _END.search(block) else block + "."
        starts.append(offset)
        parts.append(text)
        offset += len(text) + 1
    return " ".join(parts), starts


def plain_text(value: str) -> str:
    """A text field shown as it is (a glossary definition, which the page escapes), on one line."""
    return re.sub(r"\s+", " ", value).strip()
