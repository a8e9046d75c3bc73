"""Web addresses in reader text: invisible characters inside them, look-alike hosts, real hosts.

Two tricks make a link point somewhere other than where it seems to, and moderators see through both:

- An invisible format character (Unicode category Cf: zero-width joiner and non-joiner, the
  left-to-right and right-to-left marks, a soft hyphen) inside an address. The linker stops at
  it, so ``https://exa<ZWJ>mple.com`` became a link to ``mple.com``. ``rendering.visible_addresses`` takes
  such characters out of anything that is an address without them, so the link goes exactly
  where the text a reader sees says.
- A host that mixes scripts: ``google.com`` with its o's typed as Cyrillic letters.
  ``mixes_scripts`` finds them; such links are not made, and the comment is held for a moderator.
- A moderator sees the real host: ``real_host`` gives it in punycode
  (``xn--ggle-55da.com``), which is what a browser asks for.

Python's ``unicodedata`` has no script property, so the script of a letter is read from the
start of its Unicode name (``LATIN SMALL LETTER O``, ``CYRILLIC SMALL LETTER O``, ``CJK UNIFIED
IDEOGRAPH-4E2D``). That is right for the letters of every script used in host names. Digits,
hyphens and dots belong to every script; combining marks take the script of their letter; a
name this does not know counts as a script of its own, so the check errs towards holding.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

#: Scripts a host name may mix, as in Unicode's "highly restrictive" level (UTS #39): Japanese,
#: Chinese and Korean names are written with Latin letters and several scripts of their own.
_MIXES_ALLOWED = (
    frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA"}),
    frozenset({"LATIN", "CJK", "BOPOMOFO"}),
    frozenset({"LATIN", "CJK", "HANGUL"}),
)
#: Words that start a letter's name without being its script.
_NOT_A_SCRIPT = {"FULLWIDTH", "HALFWIDTH", "SMALL", "CAPITAL", "MATHEMATICAL"}


def is_format_character(character: str) -> bool:
    """Invisible characters that only shape the text around them (Unicode category Cf)."""
    return unicodedata.category(character) == "Cf"


def without_format_characters(text: str) -> str:
    return "".join(character for character in text if not is_format_character(character))


def _script(letter: str) -> str:
    words = unicodedata.name(letter, "UNNAMED").split()
    while len(words) > 1 and words[0] in _NOT_A_SCRIPT:
        words = words[1:]
    return words[0]


def scripts(host: str) -> set[str]:
    """The scripts of the letters of ``host`` (after NFKC, as browsers map it)."""
    return {_script(character) for character in unicodedata.normalize("NFKC", host) if character.isalpha()}


def mixes_scripts(host: str) -> bool:
    """True when ``host`` mixes scripts the way look-alike names do (Cyrillic letters in ``google.com``).

    The whole host counts, so a Cyrillic name under ``.com`` is held too: a moderator decides.
    """
    found = scripts(host)
    return len(found) > 1 and not any(found <= allowed for allowed in _MIXES_ALLOWED)


def host_of(href: str) -> str:
    """The host a link goes to ("" if none), lower case, without user name or port."""
    try:
        return urlsplit(href).hostname or ""
    except ValueError:  # a malformed address ("http://[x"): no host to go to
        return ""


def real_host(host: str) -> str:
    """``host`` as a browser asks for it: punycode (``xn--…``) for any label that is not ASCII.

    Uses the standard library's IDNA codec; a host it cannot encode is returned escaped
    (``\\u…``), so a moderator still sees that it is not what it looks like.
    """
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.encode("ascii", "backslashreplace").decode("ascii")
