"""Which characters no text on the site may hold: one rule for comments, content files and the admin.

- **Control characters** (Unicode Cc) other than tab and line breaks: invisible, and NUL cannot
  even be stored in PostgreSQL. Usually the sign of text saved by the wrong program.
- **Direction controls**: the embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069)
  make text display in another order than it was written, so a title or a name can read as
  something else ("Trojan Source"). The plain marks LRM and RLM (U+200E, U+200F) stay allowed.
- **Invisible characters** with no use in plain text: zero-width space, word joiner, and the
  byte-order mark inside text (a BOM at the start of a file is removed when it is read).

The zero-width joiner and non-joiner (U+200D, U+200C) are part of emoji sequences and of several
scripts, so they are allowed, except where a caller says not (a comment's display name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONTROL = frozenset(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r")
DIRECTION = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
INVISIBLE = frozenset({"\u200b", "\u2060", "\ufeff"})
JOINERS = frozenset({"\u200c", "\u200d"})


@dataclass(frozen=True)
class HiddenCharacter:
    """The first refused character in a text: where it is, and which kind of refusal."""

    index: int
    character: str
    kind: str  # "control", "direction" or "invisible"

    @property
    def code(self) -> str:
        return f"U+{ord(self.character):04X}"

    def line_in(self, text: str) -> int:
        """The line (counted from 1) of ``text`` that holds the character."""
        return text.count("\n", 0, self.index) + 1

    def describe(self) -> str:
        """The loader's and admin's words for it (the comment form has its own, translated)."""
        if self.kind == "direction":
            return f"{self.code} changes the direction of the text (it can make words read as others); remove it"
        return f"{self.kind} character {self.code} in the text; remove it"


def _class(characters: frozenset[str]) -> str:
    return "".join(re.escape(c) for c in sorted(characters))


_REFUSED = re.compile(f"([{_class(CONTROL)}])|([{_class(DIRECTION)}])|([{_class(INVISIBLE)}])")
_REFUSED_WITH_JOINERS = re.compile(f"([{_class(CONTROL)}])|([{_class(DIRECTION)}])|([{_class(INVISIBLE | JOINERS)}])")
_KINDS = {1: "control", 2: "direction", 3: "invisible"}


def hidden_character(text: str, *, joiners: bool = True) -> HiddenCharacter | None:
    """The first character of ``text`` the site refuses, or None; ``joiners=False`` refuses ZWJ and ZWNJ too."""
    found = (_REFUSED if joiners else _REFUSED_WITH_JOINERS).search(text)
    if found is None:
        return None
    return HiddenCharacter(found.start(), found.group(), _KINDS[found.lastindex])
