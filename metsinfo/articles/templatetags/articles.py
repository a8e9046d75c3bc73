"""Template tags for reader pages: absolute addresses, structured data, QR codes and link previews."""

import json
from datetime import date
from functools import lru_cache

import segno
from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def absolute(path: str) -> str:
    """The public address of a site path, from ``SITE_URL``: the same whichever host was asked.

    Canonical and shared links must name the site's one public address, and a cached page must
    not depend on the Host header of the request that filled the cache.
    """
    return settings.SITE_URL + path


@register.simple_tag
def article_json_ld(article) -> SafeString:
    """schema.org MedicalWebPage JSON-LD for ``article`` at its public address."""
    return medical_web_page_json_ld(article, absolute(article.get_absolute_url()))


def medical_web_page_json_ld(article, url: str) -> SafeString:
    """schema.org MedicalWebPage about the condition, with its review date, as a JSON-LD script."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "description": article.description,
        "url": url,
        "inLanguage": "en-GB",
        "about": {"@type": "MedicalCondition", "name": "Breast cancer bone metastasis"},
        "audience": {"@type": "PeopleAudience", "audienceType": "Patients and carers"},
    }
    if article.updated:  # an article previewed before its first save has no date yet
        data["dateModified"] = article.updated.date().isoformat()
    # "Reviewed" means clinically reviewed: without a reviewer the date is only when it was updated.
    if article.is_clinically_reviewed:
        data["reviewedBy"] = {"@type": "Person", "name": article.reviewer}
        if article.last_reviewed:
            data["lastReviewed"] = article.last_reviewed.isoformat()
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 (escaped above)


@register.filter
def last_updated(change_notes, page) -> date:
    """The newer of the page's review date and its newest public change note (notes come newest first).

    The notes are the filtered value so that a page shown without them (a preview) reads as none.
    """
    if change_notes and change_notes[0].date > page.last_reviewed:
        return change_notes[0].date
    return page.last_reviewed


@register.filter
def pronunciations(terms) -> dict[str, str]:
    """``{slug: pronunciation}`` for the glossary terms that have one, for reading a page aloud."""
    return {term.slug: term.pronunciation for term in terms or () if term.pronunciation}


@lru_cache(maxsize=256)
def _qr_svg(url: str, title: str) -> str:
    # Medium error correction survives a crease or a coffee ring; black on white for any printer.
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=3, dark="#000", light="#fff", title=title, svgclass="qr", omitsize=True)


@register.simple_tag
def qr_code(url: str, title: str) -> SafeString:
    """An inline SVG QR code for ``url`` (made here, never fetched), titled for screen readers."""
    return mark_safe(_qr_svg(url, title))  # noqa: S308 (segno escapes the title; the rest is its own markup)


class _CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist, self.name = nodelist, name

    def render(self, context: template.Context) -> str:
        # The output is already escaped where it came from; kept whole, it is safe to reuse.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))  # noqa: S308
        return ""


@register.tag
def capture(parser: template.base.Parser, token: template.base.Token) -> _CaptureNode:
    """``{% capture as name %}…{% endcapture %}``: render once, use twice (a page's title block in
    ``<title>`` and in its link-preview tags), with runs of white space made one space."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}…{% endcapture %}.")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return _CaptureNode(nodelist, bits[2])
