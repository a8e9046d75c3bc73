"""Reader text to HTML: escaped, paragraphs kept, bare URLs linked. Never reader markup."""

import re

import bleach
from django.utils.html import escape

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_REL = "nofollow ugc noopener"


def _set_rel(attrs: dict, new: bool = False) -> dict:
    href = attrs.get((None, "href"), "")
    if not href.startswith(("http://", "https://")):
        return None  # linkify found something that is not a web address: leave it as text
    attrs[(None, "rel")] = _REL
    return attrs


_linker = bleach.linkifier.Linker(callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)


def render_comment(text: str) -> str:
    """Escape everything, then add only <p>, <br> and rel="nofollow ugc noopener" links."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    html = "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return _linker.linkify(html)
