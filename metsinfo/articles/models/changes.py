"""Public change notes: what an editor changed on a page, in a sentence readers can see."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metsinfo.articles.models.content import Article, Section
from metsinfo.articles.models.pages import SupportPage

#: How many notes a page shows beside its review dates.
RECENT_CHANGES = 5
NOTE_MAX_LENGTH = 200


class ChangeNoteQuerySet(models.QuerySet):
    def for_article(self, article: Article) -> ChangeNoteQuerySet:
        """Notes on the article itself and on any of its sections: the whole article page shows them."""
        return self.filter(Q(article=article) | Q(section__article=article)).select_related("section")

    def published(self) -> ChangeNoteQuerySet:
        """Notes on pages readers may see (for the feed)."""
        status = Article.Status.PUBLISHED
        return self.filter(
            Q(article__status=status) | Q(section__article__status=status) | Q(page__status=status)
        ).select_related("article", "section__article", "page")


class ChangeNote(models.Model):
    """One public note of a change to an article, a section or a support page (exactly one of them)."""

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="change_notes")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.CASCADE, related_name="change_notes")
    page = models.ForeignKey(SupportPage, null=True, blank=True, on_delete=models.CASCADE, related_name="change_notes")
    date = models.DateField(default=date.today, help_text=_("Shown to readers as the date of the change."))
    note = models.CharField(
        max_length=NOTE_MAX_LENGTH, help_text=_("One plain sentence readers see, e.g. 'Added the new advice on…'.")
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ChangeNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created", "-pk"]
        verbose_name = _("public change note")
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, section__isnull=True, page__isnull=True)
                | Q(article__isnull=True, section__isnull=False, page__isnull=True)
                | Q(article__isnull=True, section__isnull=True, page__isnull=False),
                name="change_note_one_page",
                violation_error_message=_("A change note belongs to one article, section or support page."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}: {self.note}"

    def get_absolute_url(self) -> str:
        return self.owner.get_absolute_url()

    @property
    def owner(self) -> Article | Section | SupportPage:
        """The page this note is about."""
        return self.article or self.section or self.page  # type: ignore[return-value]

    @property
    def page_title(self) -> str:
        owner = self.owner
        return f"{owner.article.title}: {owner.title}" if isinstance(owner, Section) else owner.title


def notes_for(owner: Article | Section | SupportPage) -> list[ChangeNote]:
    """The recent notes a page shows, newest first (an article's include its sections')."""
    if owner.pk is None:
        return []
    notes = ChangeNote.objects.for_article(owner) if isinstance(owner, Article) else owner.change_notes.all()
    return list(notes[:RECENT_CHANGES])


def add_note(owner: Article | Section | SupportPage, note: str, when: date | None = None) -> ChangeNote:
    """Store a public note about ``owner``."""
    field = {Article: "article", Section: "section", SupportPage: "page"}[type(owner)]
    return ChangeNote.objects.create(**{field: owner}, note=" ".join(note.split()), date=when or date.today())
