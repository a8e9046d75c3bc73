"""Articles, their sections (the six standard ones and any of their own), and the glossary.

Markdown is rendered once, when a row is saved, into a stored ``*_html`` field; pages only ever
read the stored HTML. Each row also remembers a fingerprint of its content as the loader last
wrote it, so ``load_content`` can tell an editor's later change from its own.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from metsinfo.articles import readability
from metsinfo.articles.checks import MAX_ORDER
from metsinfo.articles.models.base import (
    ORDER_VALIDATORS,
    OTHER_KIND,
    READABILITY_FIELDS,
    REVIEW_WARNING,
    ReadabilityFields,
    ReviewedContent,
    SectionKind,
    SectionPlace,
    _source_may_change,
    fingerprint,
    normalise_text,
)
from metsinfo.articles.references import CITATION, Reference, cited_references
from metsinfo.articles.rendering import Glossary, render_markdown, split_aliases


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


class Article(ReviewedContent, ReadabilityFields):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    #: Fields that come from the content file; the fingerprint covers exactly these.
    CONTENT_FIELDS = (
        "title",
        "summary",
        "description",
        "status",
        "last_reviewed",
        "next_review_due",
        "reviewer",
        "sources",
        "order",
        "featured",
    )

    slug = models.SlugField(
        unique=True,
        max_length=100,
        help_text=_("Part of the page address, e.g. breast-cancer-bone-metastasis. Changing it breaks shared links."),
    )
    order = models.PositiveSmallIntegerField(
        default=1,
        validators=ORDER_VALIDATORS,
        help_text=_("Place on the home page, 1 first; articles with the same number go in title order."),
    )
    featured = models.BooleanField(
        default=False,
        help_text=_(
            "Show this article first on the home page, marked 'Start here'. Only one article can be featured: "
            "untick the one that is before ticking another."
        ),
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(
        help_text=_("The lead paragraph, in Markdown. Say in two or three plain sentences what the page covers.")
    )
    summary_html = models.TextField(editable=False, default="")
    description = models.TextField(
        blank=True,
        default="",
        help_text=_(
            "One or two plain sentences (reading age 11 or under) for the home page, link previews and "
            "search engines. Not the lead paragraph."
        ),
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["summary_html", "loaded_fingerprint", *READABILITY_FIELDS])

    class Meta(ReviewedContent.Meta, ReadabilityFields.Meta):
        abstract = False
        # The featured article first, then the editors' order, then the title.
        ordering = ["-featured", "order", "title"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["draft", "published"]), name="article_status_valid"),
            models.UniqueConstraint(
                fields=["featured"],
                condition=models.Q(featured=True),
                name="one_featured_article",
                violation_error_message=_("Another article is already featured: untick it first."),
            ),
            models.CheckConstraint(
                condition=models.Q(order__gte=1, order__lte=MAX_ORDER), name="article_order_in_range"
            ),
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
        normalise_text(self)
        if _source_may_change(kwargs, "summary"):
            self.render(GlossaryTerm.objects.as_glossary())
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:article", kwargs={"slug": self.slug})

    def glossary_terms_used(self, sections) -> list[GlossaryTerm]:
        """The glossary terms its lead and ``sections`` link, for the printed "Words used" list."""
        return GlossaryTerm.objects.linked_in(self.summary_html, *(s.plain_html + s.body_html for s in sections))

    def render(self, glossary: Glossary) -> bool:
        """Render ``summary`` into ``summary_html`` and measure it; return whether either changed."""
        html = render_markdown(self.summary, prefix="summary", glossary=glossary, references=self.reference_numbers)
        changed = html != self.summary_html
        self.summary_html = html
        return self.measure_readability(html) or changed

    def content_fingerprint(self) -> str:
        """Hash of the editable content, to detect changes made outside the loader."""
        return fingerprint({name: getattr(self, name) for name in self.CONTENT_FIELDS})

    def rerender_sections(self) -> int:
        """Re-render every section (after the reference list changed); return how many changed."""
        glossary = GlossaryTerm.objects.as_glossary()
        changed = 0
        for section in self.sections.all():
            section.article = self
            if section.render(glossary):
                section.save(update_fields=Section.RENDERED_FIELDS)
                changed += 1
        return changed


class Section(SectionPlace, ReadabilityFields):
    #: What a clinician reads and signs off (see ``editorial.review.text_version``).
    TEXT_FIELDS = ("title", "plain", "body", "key_points")
    CONTENT_FIELDS = (*TEXT_FIELDS, "order")
    #: What :meth:`render` writes.
    RENDERED_FIELDS = ["body_html", "plain_html", "key_points_html", "layer_figures", *READABILITY_FIELDS]

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    key_points = models.TextField(
        blank=True,
        help_text=_(
            "One short, plain sentence per line. Plain word first, medical term in brackets. Cite with [^key]."
        ),
    )
    plain = models.TextField(
        _("in plain words"),
        default="",
        help_text=_(
            "The whole section in plain words, first on the page: a reader who stops here has what they need. "
            "Reading age 11 or under, sentences of 20 words or fewer, no headings. Cite with [^key]."
        ),
    )
    body = models.TextField(
        _("in detail"),
        help_text=_(
            "The detailed text, after the plain words. Markdown; sub-headings start at ###. Glossary terms are "
            "linked automatically."
        ),
    )
    body_html = models.TextField(editable=False, default="")
    plain_html = models.TextField(editable=False, default="")
    key_points_html = models.TextField(editable=False, default="")
    #: Readability of the plain words and the key points, measured the NHS way, stored at save.
    layer_figures = models.JSONField(default=dict, editable=False)
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=[
            "body_html",
            "plain_html",
            "key_points_html",
            "layer_figures",
            "loaded_fingerprint",
            *READABILITY_FIELDS,
        ]
    )

    class Meta(SectionPlace.Meta, ReadabilityFields.Meta):
        abstract = False
        ordering = ["article", "order", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "slug"],
                name="section_slug_unique_per_article",
                violation_error_message=_("This article already has a section at this address (slug)."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=[*SectionKind.values, OTHER_KIND]), name="section_kind_valid"
            ),
            # A standard section lives at its kind's address; a section of its own never takes one.
            models.CheckConstraint(
                condition=models.Q(slug=models.F("kind"))
                | (models.Q(kind=OTHER_KIND) & ~models.Q(slug__in=SectionKind.values) & ~models.Q(slug="")),
                name="section_slug_follows_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(order__gte=1, order__lte=MAX_ORDER), name="section_order_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article.title}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        normalise_text(self)
        self.fill_in_slug()
        if _source_may_change(kwargs, "body"):
            self.render(GlossaryTerm.objects.as_glossary())
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("articles:section", kwargs={"slug": self.article.slug, "section": self.slug})

    def render(self, glossary: Glossary, references: dict[str, int] | None = None) -> bool:
        """Render the key points, plain words and detail, and measure them; return whether any changed.

        ``references`` numbers the citations; by default, the article's reference list.
        """
        numbers = self.article.reference_numbers if references is None else references
        self.fill_in_slug()
        body_html = render_markdown(self.body, prefix=self.slug, glossary=glossary, references=numbers)
        plain_html = render_markdown(self.plain, prefix=f"{self.slug}-plain", glossary=glossary, references=numbers)
        points = "\n".join(f"- {point}" for point in self.key_point_list)
        key_points_html = render_markdown(points, prefix=f"{self.slug}-points", references=numbers)
        figures = {
            "plain": readability.as_dict(readability.measure_plain(readability.html_to_text(plain_html))),
            "key_points": readability.as_dict(readability.measure_plain(readability.html_to_text(key_points_html))),
        }
        changed = (body_html, plain_html, key_points_html, figures) != (
            self.body_html,
            self.plain_html,
            self.key_points_html,
            self.layer_figures,
        )
        self.body_html, self.plain_html, self.key_points_html = body_html, plain_html, key_points_html
        self.layer_figures = figures
        return self.measure_readability(body_html) or changed

    def layer_readability(self, layer: str) -> readability.Readability | None:
        """Stored figures of the ``plain`` or ``key_points`` layer."""
        stored = self.layer_figures.get(layer)
        return readability.from_dict(stored) if stored else None

    @property
    def description(self) -> str:
        """The key points as one plain paragraph, without citation marks, for link previews."""
        return " ".join(CITATION.sub("", point) for point in self.key_point_list)

    @property
    def cited_references(self) -> list[Reference]:
        """The article's references this section cites, with the article's numbers."""
        return cited_references(self.article.references, self.key_points, self.plain, self.body)

    def content_fingerprint(self) -> str:
        """Hash of the editable content, to detect changes made outside the loader."""
        return fingerprint({name: getattr(self, name) for name in self.CONTENT_FIELDS})

    def text_fingerprint(self) -> str:
        """Hash of the words alone (not the order): what a clinician's approval covers."""
        return fingerprint({name: getattr(self, name) for name in self.TEXT_FIELDS})

    @property
    def key_point_list(self) -> list[str]:
        return [line.strip() for line in self.key_points.splitlines() if line.strip()]


def glossary_entry_url(slug: str) -> str:
    """The address of a term's entry: the glossary page has one anchor per term."""
    return f"{reverse('articles:glossary')}#{slug}"


#: The glossary links the renderer stores: <a class="glossary-link" href="(glossary_entry_url)">.
_GLOSSARY_LINK = re.compile(r'<a\b[^>]*\bclass="glossary-link"[^>]*>')
_LINK_SLUG = re.compile(r'\bhref="[^"#]*#([^"]+)"')


class GlossaryTermQuerySet(models.QuerySet):
    def linked_in(self, *html: str) -> list[GlossaryTerm]:
        """The terms linked in stored ``html``, in glossary order (one query; none if no links)."""
        tags = _GLOSSARY_LINK.findall("".join(html))
        slugs = {match.group(1) for tag in tags if (match := _LINK_SLUG.search(tag))}
        return list(self.filter(slug__in=slugs)) if slugs else []

    def as_glossary(self) -> Glossary:
        """These terms compiled for the Markdown renderer's glossary links (one query)."""
        rows = self.values_list("slug", "term", "aliases")
        return Glossary.build(
            ((slug, term, split_aliases(aliases)) for slug, term, aliases in rows), url_for=glossary_entry_url
        )


class GlossaryTerm(models.Model):
    CONTENT_FIELDS = ("term", "definition", "aliases", "pronunciation")

    term = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, help_text=_("The anchor on the glossary page."))
    definition = models.TextField(help_text=_("One or two plain sentences a 10-year-old could follow."))
    aliases = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Other forms that should link here, separated by commas: plurals, US spellings, long forms."),
    )
    pronunciation = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Plain syllables, stress in capitals (den-OH-sue-mab): read aloud, and shown in the glossary."),
    )
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    updated = models.DateTimeField(auto_now=True)
    objects = GlossaryTermQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["loaded_fingerprint"])

    class Meta:
        ordering = [Lower("term")]

    def __str__(self) -> str:
        return self.term

    def save(self, *args, **kwargs) -> None:
        normalise_text(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return glossary_entry_url(self.slug)

    def content_fingerprint(self) -> str:
        """Hash of the editable content, to detect changes made outside the loader."""
        return fingerprint({name: getattr(self, name) for name in self.CONTENT_FIELDS})

    @property
    def alias_list(self) -> list[str]:
        return split_aliases(self.aliases)
