"""Every piece of text a reader or an editor sees in our templates goes through Django's translation.

The static check reads the template sources: whatever is left once translation tags, other tags,
variables and comments are taken out must hold no words. The runtime check renders real pages
with every message visibly changed, so a template that forgot ``{% load i18n %}`` or bypassed
gettext would show.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import trans_real

from tests.conftest import ARTICLE_SLUG

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"

# Text that may stay unmarked, with why. Keep this tiny: anything else is language to translate.
ALLOWED = {
    # The brand name, the same in every language (as in the site name that ends each page title).
    "metsinfo",
}

_COMMENT_BLOCK = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
_COMMENT_LINE = re.compile(r"{#.*?#}", re.S)
_BLOCKTRANSLATE = re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
_TAG = re.compile(r"{%.*?%}", re.S)
_VARIABLE = re.compile(r"{{.*?}}", re.S)
_LETTER = re.compile(r"[^\W\d_]")
_CHECKED_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}


def _has_language(text: str) -> bool:
    """Whether ``text`` holds a letter, once the allowed words are taken out."""
    for allowed in ALLOWED:
        text = text.replace(allowed, "")
    return bool(_LETTER.search(text))


class _UntranslatedCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.raw_text = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.raw_text += 1
        self._check_attributes(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A self-closing tag (<rect/>, <input/>) opens nothing.
        self._check_attributes(tag, attrs)

    def _check_attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        checked = set(_CHECKED_ATTRIBUTES)
        if tag == "input" and dict(attrs).get("type") in {"submit", "button", "reset"}:
            checked.add("value")  # the button's label
        for name, value in attrs:
            if name in checked and value and _has_language(value):
                self.found.append(f"{name}={value.strip()!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"}:
            self.raw_text = max(0, self.raw_text - 1)

    def handle_data(self, data: str) -> None:
        if not self.raw_text and _has_language(data):
            self.found.append(" ".join(data.split()))


def untranslated(source: str) -> list[str]:
    """The text of a template source that does not go through translation."""
    for pattern in (_COMMENT_BLOCK, _COMMENT_LINE, _BLOCKTRANSLATE, _TAG, _VARIABLE):
        source = pattern.sub("", source)
    collector = _UntranslatedCollector()
    collector.feed(source)
    collector.close()
    return collector.found


def test_templates_mark_all_visible_text_for_translation():
    templates = sorted(TEMPLATES_DIR.rglob("*.html"))
    assert len(templates) > 20, f"expected the project's templates in {TEMPLATES_DIR}"
    problems = [
        f"{path.relative_to(TEMPLATES_DIR)}: {text}"
        for path in templates
        for text in untranslated(path.read_text(encoding="utf-8"))
    ]
    assert problems == []


def test_checker_finds_unmarked_text_and_attributes():
    source = (
        "{% load i18n %}{# Not seen #}<p>{% translate 'Marked' %} {{ name }}</p>"
        '<h2>Unmarked heading</h2><img src="x.png" alt="A chart">'
        '<input type="submit" value="Send"><input type="text" value="not a label">'
        '<p title="{% translate "Marked too" %}">{% blocktranslate %}Also {{ marked }}{% endblocktranslate %}</p>'
        "<script>const words = 'not text';</script><p>metsinfo: 2026</p>"
    )
    assert untranslated(source) == ["Unmarked heading", "alt='A chart'", "value='Send'"]


@pytest.mark.usefixtures("seeded")
def test_pages_go_through_gettext(client, monkeypatch):
    translation = trans_real.translation(settings.LANGUAGE_CODE)
    gettext, ngettext = translation.gettext, translation.ngettext
    monkeypatch.setattr(translation, "gettext", lambda message: f"⟪{gettext(message)}⟫")
    monkeypatch.setattr(translation, "ngettext", lambda one, many, n: f"⟪{ngettext(one, many, n)}⟫")

    # The test client calls Django's handler directly, so the WSGI page cache never answers it,
    # and the autouse _fresh_cache fixture has emptied the cache: every page here is rendered.
    for url in ("/", f"/articles/{ARTICLE_SLUG}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for label in ("Articles", "Glossary", "Search"):
            assert f">⟪{label}⟫</a>" in html, (url, label)
        assert "⟪Skip to main content⟫" in html, url
        assert ">Articles</a>" not in html, url
    assert "⟪On this page⟫" in html
    assert "⟪Get urgent help⟫" in html
