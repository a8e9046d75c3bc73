"""Stored HTML links glossary terms at save time, so a glossary change re-renders every page."""

from __future__ import annotations

from metsinfo.articles.models.base import READABILITY_FIELDS
from metsinfo.articles.models.content import Article, GlossaryTerm, Section
from metsinfo.articles.models.pages import SupportPage


def rerender_all() -> int:
    """Re-render every stored lead, section and support page (after a glossary change); return how many changed."""
    glossary = GlossaryTerm.objects.as_glossary()
    changed = 0
    for article in Article.objects.all():
        if article.render(glossary):
            article.save(update_fields=["summary_html", *READABILITY_FIELDS])
            changed += 1
    for section in Section.objects.select_related("article"):
        if section.render(glossary):
            section.save(update_fields=Section.RENDERED_FIELDS)
            changed += 1
    for page in SupportPage.objects.all():
        if page.render(glossary):
            page.save(update_fields=["body_html", *READABILITY_FIELDS])
            changed += 1
    return changed
