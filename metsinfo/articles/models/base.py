"""What every kind of content shares: kinds, review state, readability figures, fingerprints."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from metsinfo.articles import readability
from metsinfo.articles.checks import MAX_ORDER, normalise_newlines, section_address_problems
from metsinfo.articles.references import Reference, numbers_of, references_in
from metsinfo.lib.slugs import SLUG_RE


class SectionKind(models.TextChoices):
    """The six standard sections of an article, in reading order.

    A standard section's address is its kind (``/articles/<article>/symptoms/``), so those links never
    change. A section of its own (kind :data:`OTHER_KIND`) has the address (slug) an editor gives it.
    """

    MECHANISM = "mechanism", _("How it happens")
    SYMPTOMS = "symptoms", _("Symptoms")
    DIAGNOSIS = "diagnosis", _("Diagnosis")
    TREATMENTS = "treatments", _("Treatments")
    PREVENTION = "prevention", _("Prevention")
    RESEARCH = "research", _("Research")

    @classmethod
    def default_order(cls, kind: str) -> int:
        """Where a section goes when no order is given: the standard ones at 10, 20 ... 60, leaving
        room between them; a section of its own after them, at 100."""
        return (cls.values.index(kind) + 1) * SECTION_ORDER_STEP if kind in cls.values else CUSTOM_SECTION_ORDER


#: The kind of a section of its own ("Exercise", "Living well"), beside the six standard kinds.
OTHER_KIND = "other"
SECTION_KIND_CHOICES = [*SectionKind.choices, (OTHER_KIND, _("Other: a section of its own (give it a slug)"))]
#: Standard sections are 10 apart by default, so a section of its own fits between two (e.g. 25).
SECTION_ORDER_STEP = 10
CUSTOM_SECTION_ORDER = 100


#: An order is a whole number from 1 (first) to MAX_ORDER.
ORDER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(MAX_ORDER)]


class SectionPlace(models.Model):
    """Where a section is: its kind, its address in the article (slug) and its place in the reading order."""

    kind = models.CharField(
        max_length=20,
        choices=SECTION_KIND_CHOICES,
        default=OTHER_KIND,
        help_text=_(
            "One of the six standard sections, whose address is its kind (e.g. symptoms), or "
            "'Other' for a section of its own, such as Exercise or Living well."
        ),
    )
    slug = models.SlugField(
        max_length=100,
        blank=True,
        db_index=False,  # the (article, slug) constraint's index serves every look-up
        validators=[RegexValidator(SLUG_RE, _("Use lower-case letters, digits and single hyphens."))],
        help_text=_(
            "The last part of the section's address, /articles/<article>/<slug>/. A standard section's slug is its "
            "kind (leave it empty); a section of its own needs one, e.g. living-well. Changing it breaks shared links."
        ),
    )
    order = models.PositiveSmallIntegerField(
        blank=True,
        validators=ORDER_VALIDATORS,
        help_text=_(
            "Place in the article, lowest first. Leave it empty for the usual place: the standard sections at "
            "10, 20, 30, 40, 50 and 60, a section of its own at 100. So 25 puts a section between the second "
            "and third."
        ),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        """The loader's rules for the kind and slug (``checks.section_address_problems``)."""
        self.fill_in_slug()
        problems = section_address_problems(self.kind, self.slug, SectionKind.values)
        if problems:
            raise ValidationError({field: message for field, message in problems})

    def fill_in_slug(self) -> None:
        """A standard section's slug is its kind; an order left empty is the kind's usual place."""
        if not self.slug and self.kind in SectionKind.values:
            self.slug = self.kind
        if self.order is None:
            self.order = SectionKind.default_order(self.kind)


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

    def measure_readability(self, html: str, *, plain: bool = False) -> bool:
        """Store the figures for the rendered ``html``; return whether they changed.

        ``plain`` measures it as plain words, the NHS way (bracketed terms left out).
        """
        text = readability.html_to_text(html)
        figures = readability.measure_plain(text) if plain else readability.measure(text)
        changed = figures != self.readability
        self.reading_age, self.grade = figures.reading_age, figures.grade
        self.word_count, self.long_sentence_count = figures.words, figures.long_sentences
        self.reading_seconds = figures.reading_seconds
        return changed


def _source_may_change(save_kwargs: dict, source_field: str) -> bool:
    """Render at save unless the caller saves only fields other than the Markdown source."""
    update_fields = save_kwargs.get("update_fields")
    return update_fields is None or source_field in update_fields


def normalise_text(instance: models.Model) -> None:
    """LF line ends in every content field, however the text arrived (a browser sends CR LF)."""
    for name in instance.CONTENT_FIELDS:  # type: ignore[attr-defined]
        value = getattr(instance, name)
        if isinstance(value, str):
            setattr(instance, name, normalise_newlines(value))


#: Derived from the text at save; revisions need not keep them.
READABILITY_FIELDS = ["reading_age", "grade", "word_count", "long_sentence_count", "reading_seconds"]


class ReviewedContent(models.Model):
    """What articles and support pages share: review dates, the reviewer and a reference list."""

    last_reviewed = models.DateField(
        null=True,
        blank=True,
        help_text=_("Shown as 'Page last reviewed' once a clinician has signed off, else as 'Last updated'."),
    )
    next_review_due = models.DateField(null=True, blank=True, help_text=_("Shown to readers as 'Next review due'."))
    reviewer = models.CharField(
        max_length=200,
        blank=True,
        help_text=_(
            "Name and role of the clinician who signed off the content. Leave blank until then: "
            "the page says it has not yet been clinically reviewed."
        ),
    )
    sources = models.TextField(
        blank=True,
        help_text=_(
            "The numbered reference list, one source per line: 'key: citation with its date, then its link'. "
            "Cite a source in the text with [^key]."
        ),
    )

    class Meta:
        abstract = True

    @property
    def references(self) -> list[Reference]:
        return references_in(self.sources)

    @property
    def reference_numbers(self) -> dict[str, int]:
        return numbers_of(self.sources)

    @property
    def is_clinically_reviewed(self) -> bool:
        return bool(self.reviewer.strip())

    def review_overdue(self, today: date | None = None) -> bool:
        """True once the next review date has passed."""
        return self.review_state(today) == ReviewState.OVERDUE

    def review_state(self, today: date | None = None) -> ReviewState:
        """Where the page stands in its clinical review cycle."""
        today = today or date.today()
        if self.next_review_due is None:
            return ReviewState.UNSCHEDULED
        if self.next_review_due < today:
            return ReviewState.OVERDUE
        if self.next_review_due <= today + REVIEW_WARNING:
            return ReviewState.DUE_SOON
        return ReviewState.SCHEDULED
