"""Articles, their six sections, the glossary and the support pages."""

from metsinfo.articles.models.base import (
    OTHER_KIND,
    READABILITY_FIELDS,
    REVIEW_WARNING,
    ReadabilityFields,
    ReviewedContent,
    ReviewState,
    SectionKind,
    fingerprint,
)
from metsinfo.articles.models.changes import ChangeNote, add_note, notes_for
from metsinfo.articles.models.content import (
    Article,
    ArticleQuerySet,
    GlossaryTerm,
    GlossaryTermQuerySet,
    Section,
    glossary_entry_url,
)
from metsinfo.articles.models.pages import PageQuerySet, SupportPage
from metsinfo.articles.models.rerender import rerender_all
from metsinfo.articles.models.review import ReviewApproval, ReviewNote, note_fingerprint

__all__ = [
    "OTHER_KIND",
    "READABILITY_FIELDS",
    "REVIEW_WARNING",
    "Article",
    "ArticleQuerySet",
    "ChangeNote",
    "GlossaryTerm",
    "GlossaryTermQuerySet",
    "PageQuerySet",
    "ReadabilityFields",
    "ReviewApproval",
    "ReviewNote",
    "ReviewState",
    "ReviewedContent",
    "Section",
    "SectionKind",
    "SupportPage",
    "add_note",
    "fingerprint",
    "glossary_entry_url",
    "note_fingerprint",
    "notes_for",
    "rerender_all",
]
