"""Support pages: practical help beside the articles, one Markdown file each in content/pages/."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metsinfo.articles.models.base import (
    READABILITY_FIELDS,
    ReadabilityFields,
    ReviewedContent,
    _source_may_change,
    fingerprint,
    normalise_text,
)
from metsinfo.articles.models.content import Article, GlossaryTerm
from metsinfo.articles.rendering import Glossary, render_markdown


class PageQuerySet(models.QuerySet):
    def published(self) -> PageQuerySet:
        """Support pages readers may see, in navigation order."""
        return self.filter(status=Article.Status.PUBLISHED).order_by("order", "title")


class SupportPage(ReviewedContent, ReadabilityFields):
    """A page of practical help beside the articles: helplines, living with it, questions to ask."""

    CONTENT_FIELDS = (
        "title",
        "description",
        "body",
        "status",
        "order",
        "last_reviewed",
        "next_review_due",
        "reviewer",
        "sources",
    )

    slug = models.SlugField(
        unique=True,
        max_length=100,
        help_text=_("Part of the page address, /support/<slug>/. Changing it breaks shared links."),
    )
    title = models.CharField(max_length=200)
    description = models.TextField(
        help_text=_("One or two plain sentences for the support index, link previews and search engines.")
    )
    body = models.TextField(
        help_text=_(
            "The page in plain words (reading age 11 or under). Markdown; sub-headings start at ##. "
            "Cite a source with [^key]."
        )
    )
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Article.Status, default=Article.Status.DRAFT)
    order = models.PositiveSmallIntegerField(default=1, help_text=_("Place in the navigation, 1 first."))
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = PageQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "loaded_fingerprint", *READABILITY_FIELDS])

    class Meta(ReviewedContent.Meta, ReadabilityFields.Meta):
        abstract = False
        ordering = ["order", "title"]
        verbose_name = _("support page")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["draft", "published"]), name="page_status_valid"),
            models.CheckConstraint(
                condition=models.Q(next_review_due__isnull=True)
                | models.Q(last_reviewed__isnull=True)
                | models.Q(next_review_due__gt=models.F("last_reviewed")),
                name="page_review_due_after_reviewed",
                violation_error_message=_("The next review must be due after the last review."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        normalise_text(self)
        if _source_may_change(kwargs, "body"):
            self.render(GlossaryTerm.objects.as_glossary())
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:support_page", kwargs={"slug": self.slug})

    def render(self, glossary: Glossary) -> bool:
        """Render ``body`` into ``body_html`` and measure it as plain words; return whether either changed."""
        html = render_markdown(self.body, prefix=self.slug, glossary=glossary, references=self.reference_numbers)
        changed = html != self.body_html
        self.body_html = html
        return self.measure_readability(html, plain=True) or changed

    def content_fingerprint(self) -> str:
        """Hash of the editable content, to detect changes made outside the loader."""
        return fingerprint({name: getattr(self, name) for name in self.CONTENT_FIELDS})
