"""Admin forms that refuse what ``load_content`` refuses, with its words, and store LF line ends.

Every rule comes from :mod:`metsinfo.articles.checks` (and the reference list's own parser) and
:mod:`metsinfo.lib.characters`, the functions the loader calls too, so a text the admin accepts
always loads and the other way round.
Browsers send a textarea's lines ending in CR LF: every text field stores LF alone, so saving an
unchanged page is no change (no phantom revision, and a restored loaded version is the loaded text).
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from metsinfo.articles.checks import (
    Problems,
    hidden_character_problems,
    normalise_newlines,
    plain_text_problems,
    text_problems,
)
from metsinfo.articles.models import Article, GlossaryTerm, Section, SupportPage
from metsinfo.articles.questions import marker_problems
from metsinfo.articles.references import numbers_of, parse_sources
from metsinfo.editorial.change_notes import change_note_field


class TextField(forms.CharField):
    """A text field whose line ends are LF, whatever the browser sent."""

    def to_python(self, value: object) -> str:
        return normalise_newlines(super().to_python(value))


def _as_errors(problems: Problems, what: str) -> list[ValidationError]:
    return [ValidationError(f"{what} line {line}: {message}") for line, message in problems]


def _check(form: forms.ModelForm, name: str, rule: Callable[[str], Problems]) -> None:
    """Put the loader's problems with field ``name`` on that field, one error per problem."""
    if name not in form.cleaned_data:
        return  # already refused by its own field check
    label = str(form.fields[name].label or name)
    for error in _as_errors(rule(form.cleaned_data[name] or ""), label):
        form.add_error(name, error)


class CheckedForm(forms.ModelForm):
    """Every text field refuses the hidden characters the loader and the comment form refuse."""

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                for error in _as_errors(hidden_character_problems(value), str(self.fields[name].label or name)):
                    self.add_error(name, error)
        return cleaned


class SourcesForm(CheckedForm):
    """A form with a ``sources`` reference list, checked as the loader checks it."""

    def clean_sources(self) -> str:
        sources = self.cleaned_data.get("sources", "")
        if problems := parse_sources(sources)[1]:
            raise ValidationError(_as_errors(problems, "Sources"))
        return sources

    def known_sources(self) -> set[str]:
        return set(numbers_of(self.cleaned_data.get("sources") or ""))


class ArticleForm(SourcesForm):
    change_note = change_note_field()

    class Meta:
        model = Article
        fields = ["slug", "title", "summary", "description", "status", "order", "featured", "last_reviewed"]
        fields += ["next_review_due", "reviewer", "sources"]
        field_classes = {"summary": TextField, "description": TextField, "sources": TextField}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].required = False  # empty means 1, as when the file has no Order line

    def clean_order(self) -> int:
        return self.cleaned_data.get("order") or 1

    def clean(self) -> dict:
        cleaned = super().clean()
        known = self.known_sources()
        _check(self, "summary", lambda text: text_problems(text, known))
        if cleaned.get("status") == Article.Status.PUBLISHED and not (cleaned.get("description") or "").strip():
            self.add_error("description", "A published article needs its plain description (for previews).")
        return cleaned


class SupportPageForm(SourcesForm):
    change_note = change_note_field()

    class Meta:
        model = SupportPage
        fields = ["slug", "title", "description", "body", "status", "order", "last_reviewed", "next_review_due"]
        fields += ["reviewer", "sources"]
        field_classes = {"description": TextField, "body": TextField, "sources": TextField}

    def clean(self) -> dict:
        cleaned = super().clean()
        known = self.known_sources()
        _check(self, "body", lambda text: text_problems(text, known, lowest_heading=2))
        _check(self, "body", marker_problems)
        return cleaned


class SectionForm(CheckedForm):
    change_note = change_note_field()

    class Meta:
        model = Section
        fields = ["article", "kind", "slug", "order", "title", "key_points", "plain", "body"]
        field_classes = {"key_points": TextField, "plain": TextField, "body": TextField}

    def clean_plain(self) -> str:
        plain = self.cleaned_data.get("plain", "")
        if not plain.strip():
            raise ValidationError("Write the section in plain words: readers see this part first.")
        return plain

    def clean(self) -> dict:
        cleaned = super().clean()
        article = cleaned.get("article")
        if article is None:
            try:
                article = self.instance.article
            except ObjectDoesNotExist:
                article = None
        # A new article's inline section: the sources are not saved yet, so citations wait for them.
        known = set(article.reference_numbers) if article is not None else None
        for name in ("key_points", "plain"):
            _check(self, name, lambda text: plain_text_problems(text, known))
        _check(self, "body", lambda text: text_problems(text, known))
        return cleaned


class GlossaryTermForm(CheckedForm):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "slug", "definition", "aliases", "pronunciation"]
        field_classes = {"definition": TextField}
