"""Reader text to HTML: escaped, paragraphs kept, bare URLs linked. Never reader markup.

A link goes exactly where its text says: invisible characters inside an address are taken out
before linking, and a host that mixes scripts (a look-alike) is left as text
(``metsinfo.comments.links``).
"""

import re

import bleach
from bleach.linkifier import URL_RE
from django.utils.html import escape

from metsinfo.comments.links import host_of, is_format_character, mixes_scripts, without_format_characters

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\S+")
_REL = "nofollow ugc noopener"


def _set_rel(attrs: dict, new: bool = False) -> dict | None:
    href = attrs.get((None, "href"), "")
    if not href.startswith(("http://", "https://")):
        return None  # linkify found something that is not a web address: leave it as text
    if mixes_scripts(host_of(href)):
        return None  # a look-alike host: shown as typed, never a link (and held, see spam.py)
    attrs[(None, "rel")] = _REL
    return attrs


_linker = bleach.linkifier.Linker(callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)


def _mend_word(match: re.Match) -> str:
    word = match.group(0)
    if not any(is_format_character(character) for character in word):
        return word
    bare = without_format_characters(word)
    return bare if URL_RE.search(bare) else word


def visible_addresses(text: str) -> str:
    """``text`` with invisible format characters taken out of every word that is a web address
    without them, and left everywhere else (emoji sequences and several scripts need them)."""
    return _WORD.sub(_mend_word, text)


def render_comment(text: str) -> str:
    """Escape everything, then add only <p>, <br> and rel="nofollow ugc noopener" links."""
    text = visible_addresses(text.replace("\r\n", "\n").replace("\r", "\n").strip())
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    html = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return _linker.linkify(html)


def link_hosts(text: str) -> list[str]:
    """The host of every web address in ``text``, as the linker finds them, each once, in order.

    Look-alike hosts are included (they are found, then left unlinked).
    """
    hosts: list[str] = []
    for match in URL_RE.finditer(visible_addresses(text)):
        address = match.group(0).lstrip("(")
        if "://" not in address:
            address = f"http://{address}"
        if address.lower().startswith(("http://", "https://")):
            host = host_of(address)
            if host and host not in hosts:
                hosts.append(host)
    return hosts
