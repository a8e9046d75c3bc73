"""Articles, their six sections, and the glossary.

Markdown is rendered once, when a row is saved, into a stored ``*_html`` field; pages only ever
read the stored HTML. Each row also remembers a fingerprint of its content as the loader last
wrote it, so ``load_content`` can tell an editor's later change from its own.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metsinfo.articles import readability
from metsinfo.articles.rendering import Glossary, render_markdown, split_aliases


class SectionKind(models.TextChoices):
    """The fixed sections of an article, in reading order."""

    MECHANISM = "mechanism", _("How it happens")
    SYMPTOMS = "symptoms", _("Symptoms")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    TREATMENTS = "treatments", _("Treatments")
    PREVENTION = "prevention", _("Prevention")
    RESEARCH = "research", _("Research")

    @classmethod
    def position_of(cls, kind: str) -> int:
        """Reading order of ``kind``, starting at 1."""
        return cls.values.index(kind) + 1


def fingerprint(values: dict[str, object]) -> str:
    """Stable hash of content field values, to tell who changed what since the last load."""
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


#: How far ahead an upcoming clinical review is flagged to editors.
REVIEW_WARNING = timedelta(days=30)


class ReviewState(models.TextChoices):
    OVERDUE = "overdue", _("Overdue for review")
    DUE_SOON = "due-soon", _("Review due within 30 days")
    SCHEDULED = "scheduled", _("Review scheduled")
    UNSCHEDULED = "unscheduled", _("No review date set")


class ReadabilityFields(models.Model):
    """Plain-language figures for the text, computed at save (see :mod:`readability`)."""

    reading_age = models.FloatField(
        null=True, editable=False, help_text=_("SMOG reading age; the NHS aims for 11 or under.")
    )
    grade = models.FloatField(null=True, editable=False, help_text=_("Flesch-Kincaid US school grade."))
    word_count = models.PositiveIntegerField(default=0, editable=False)
    long_sentence_count = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Sentences over 20 words.")
    )
    reading_seconds = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def readability(self) -> readability.Readability:
        return readability.Readability(
            self.reading_age, self.grade, self.word_count, self.long_sentence_count, self.reading_seconds
        )

    def measure_readability(self, html: str) -> bool:
        """Store the figures for the rendered ``html``; return whether they changed."""
        figures = readability.measure(readability.html_to_text(html))
        changed = figures != self.readability
        self.reading_age, self.grade = figures.reading_age, figures.grade
        self.word_count, self.long_sentence_count = figures.words, figures.long_sentences
        self.reading_seconds = figures.reading_seconds
        return changed


def _source_may_change(save_kwargs: dict, source_field: str) -> bool:
    """Render at save unless the caller saves only fields other than the Markdown source."""
    update_fields = save_kwargs.get("update_fields")
    return update_fields is None or source_field in update_fields


#: Derived from the text at save; revisions need not keep them.
READABILITY_FIELDS = ["reading_age", "grade", "word_count", "long_sentence_count", "reading_seconds"]


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Articles readers may see."""
        return self.filter(status=Article.Status.PUBLISHED)

    def review_overdue(self, today: date) -> ArticleQuerySet:
        """Articles whose next review date has passed."""
        return self.filter(next_review_due__lt=today)

    def review_due_soon(self, today: date) -> ArticleQuerySet:
        """Articles due for review today or within the warning period."""
        return self.filter(next_review_due__gte=today, next_review_due__lte=today + REVIEW_WARNING)


class Article(ReadabilityFields):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    #: Fields that come from the content file; the fingerprint covers exactly these.
    CONTENT_FIELDS = ("title", "summary", "status", "last_reviewed", "next_review_due", "reviewer", "sources")

    slug = models.SlugField(
        unique=True,
        max_length=100,
        help_text=_("Part of the page address, e.g. breast-cancer-bone-metastasis. Changing it breaks shared links."),
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(
        help_text=_("The lead paragraph, in Markdown. Say in two or three plain sentences what the page covers.")
    )
    summary_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    last_reviewed = models.DateField(null=True, blank=True, help_text=_("Shown to readers as 'Page last reviewed'."))
    next_review_due = models.DateField(null=True, blank=True, help_text=_("Shown to readers as 'Next review due'."))
    reviewer = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Name and role of the clinician who signed off the content. Leave blank until then: "
            "the page says it has not yet been clinically reviewed."
        ),
    )
    sources = models.TextField(blank=True, help_text=_("One source per line, as a full citation."))
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["summary_html", "loaded_fingerprint", *READABILITY_FIELDS])

    class Meta(ReadabilityFields.Meta):
        abstract = False
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["draft", "published"]), name="article_status_valid"),
            models.CheckConstraint(
                condition=models.Q(next_review_due__isnull=True)
                | models.Q(last_reviewed__isnull=True)
                | models.Q(next_review_due__gt=models.F("last_reviewed")),
                name="article_review_due_after_reviewed",
                violation_error_message=_("The next review must be due after the last review."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if _source_may_change(kwargs, "summary"):
            self.render(Glossary.from_database())
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:article", kwargs={"slug": self.slug})

    def render(self, glossary: Glossary) -> bool:
        """Render ``summary`` into ``summary_html`` and measure it; return whether either changed."""
        html = render_markdown(self.summary, prefix="summary", glossary=glossary)
        changed = html != self.summary_html
        self.summary_html = html
        return self.measure_readability(html) or changed

    def content_fingerprint(self) -> str:
        """Hash of the editable content, to detect changes made outside the loader."""
        return fingerprint({name: getattr(self, name) for name in self.CONTENT_FIELDS})

    @property
    def source_list(self) -> list[str]:
        return [line.strip() for line in self.sources.splitlines() if line.strip()]

    @property
    def description(self) -> str:
        """The lead paragraph as plain text, for link previews and search results."""
        first_paragraph = self.summary_html.split("</p>", 1)[0]
        return " ".join(strip_tags(first_paragraph).split())

    @property
    def is_clinically_reviewed(self) -> bool:
        return bool(self.reviewer.strip())

    def review_overdue(self, today: date | None = None) -> bool:
        """True once the next review date has passed."""
        return self.review_state(today) == ReviewState.OVERDUE

    def review_state(self, today: date | None = None) -> ReviewState:
        """Where the article stands in its clinical review cycle."""
        today = today or date.today()
        if self.next_review_due is None:
            return ReviewState.UNSCHEDULED
        if self.next_review_due < today:
            return ReviewState.OVERDUE
        if self.next_review_due <= today + REVIEW_WARNING:
            return ReviewState.DUE_SOON
        return ReviewState.SCHEDULED


class Section(ReadabilityFields):
    CONTENT_FIELDS = ("title", "body", "key_points")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind)
    position = models.PositiveSmallIntegerField(editable=False)
    title = models.CharField(max_length=200)
    body = models.TextField(
        help_text=_("Markdown. Sub-headings start at ###. Glossary terms are linked automatically.")
    )
    key_points = models.TextField(
        blank=True, help_text=_("One short, plain sentence per line. Plain word first, medical term in brackets.")
    )
    body_html = models.TextField(editable=False, default="")
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["body_html", "loaded_fingerprint", *READABILITY_FIELDS])

    class Meta(ReadabilityFields.Meta):
        abstract = False
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "kind"], name="section_kind_unique_per_article"),
            models.CheckConstraint(condition=models.Q(kind__in=SectionKind.values), name="section_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.article.title}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.position = SectionKind.position_of(self.kind)
        if _source_may_change(kwargs, "body"):
            self.render(Glossary.from_database())
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"slug": self.article.slug, "kind": self.kind})

    def render(self, glossary: Glossary) -> bool:
        """Render ``body`` into ``body_html`` and measure it; return whether either changed."""
        html = render_markdown(self.body, prefix=self.kind, glossary=glossary)
        changed = html != self.body_html
        self.body_html = html
        return self.measure_readability(html) or changed

    def content_fingerprint(self) -> str:
        """Hash of the editable content, to detect changes made outside the loader."""
        return fingerprint({name: getattr(self, name) for name in self.CONTENT_FIELDS})

    @property
    def key_point_list(self) -> list[str]:
        return [line.strip() for line in self.key_points.splitlines() if line.strip()]


class ReviewApproval(models.Model):
    """A clinician's sign-off of one version of an article, through a review link."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="approvals")
    reviewer = models.CharField(max_length=200)
    version = models.CharField(max_length=64, help_text=_("Fingerprint of the text that was approved."))
    approved_at = models.DateTimeField(auto_now_add=True)
    next_review_due = models.DateField()

    class Meta:
        ordering = ["-approved_at"]
        constraints = [models.UniqueConstraint(fields=["article", "version"], name="one_approval_per_article_version")]

    def __str__(self) -> str:
        return f"{self.article} approved by {self.reviewer}"


class GlossaryTerm(models.Model):
    CONTENT_FIELDS = ("term", "definition", "aliases")

    term = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text=_("The anchor on the glossary page."))
    definition = models.TextField(help_text=_("One or two plain sentences a 10-year-old could follow."))
    aliases = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Other forms that should link here, separated by commas: plurals, US spellings, long forms."),
    )
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["loaded_fingerprint"])

    class Meta:
        ordering = [Lower("term")]

    def __str__(self) -> str:
        return self.term

    def get_absolute_url(self) -> str:
        return f"{reverse('articles:glossary')}#{self.slug}"

    def content_fingerprint(self) -> str:
        """Hash of the editable content, to detect changes made outside the loader."""
        return fingerprint({name: getattr(self, name) for name in self.CONTENT_FIELDS})

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)


def rerender_all() -> int:
    """Re-render every stored lead and section (after a glossary change); return how many changed."""
    glossary = Glossary.from_database()
    changed = 0
    for article in Article.objects.all():
        if article.render(glossary):
            article.save(update_fields=["summary_html", *READABILITY_FIELDS])
            changed += 1
    for section in Section.objects.all():
        if section.render(glossary):
            section.save(update_fields=["body_html", *READABILITY_FIELDS])
            changed += 1
    return changed
