"""Articles, their six sections, the glossary and the support pages."""

from metsinfo.articles.models.base import (
    READABILITY_FIELDS,
    REVIEW_WARNING,
    ReadabilityFields,
    ReviewedContent,
    ReviewState,
    SectionKind,
    fingerprint,
)
from metsinfo.articles.models.content import (
    Article,
    ArticleQuerySet,
    GlossaryTerm,
    ReviewApproval,
    Section,
    rerender_all,
)
from metsinfo.articles.models.pages import PageQuerySet, SupportPage

__all__ = [
    "READABILITY_FIELDS",
    "REVIEW_WARNING",
    "Article",
    "ArticleQuerySet",
    "GlossaryTerm",
    "PageQuerySet",
    "ReadabilityFields",
    "ReviewApproval",
    "ReviewState",
    "ReviewedContent",
    "Section",
    "SectionKind",
    "SupportPage",
    "fingerprint",
    "rerender_all",
]
