"""Admin forms that refuse what ``load_content`` refuses in references and layers, with its words."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError

from metsinfo.articles.models import Article, Section, SupportPage
from metsinfo.articles.references import citation_problems, numbers_of, parse_sources
from metsinfo.articles.rendering import heading_level_problems


def _as_errors(problems: list[tuple[int, str]], what: str) -> list[ValidationError]:
    return [ValidationError(f"{what} line {line}: {message}") for line, message in problems]


def _check_sources(sources: str) -> None:
    problems = parse_sources(sources)[1]
    if problems:
        raise ValidationError(_as_errors(problems, "Sources"))


def _check_citations(form: forms.ModelForm, fields: list[str], known: set[str]) -> None:
    for name in fields:
        text = form.cleaned_data.get(name) or ""
        for error in _as_errors(citation_problems(text, known), form.fields[name].label or name):
            form.add_error(name, error)


class SourcesForm(forms.ModelForm):
    """A form with a ``sources`` reference list, checked as the loader checks it."""

    def clean_sources(self) -> str:
        sources = self.cleaned_data.get("sources", "")
        _check_sources(sources)
        return sources


class ArticleForm(SourcesForm):
    class Meta:
        model = Article
        fields = ["slug", "title", "summary", "description", "status", "last_reviewed", "next_review_due", "reviewer"]
        fields += ["sources"]

    def clean(self) -> dict:
        cleaned = super().clean()
        _check_citations(self, ["summary"], set(numbers_of(cleaned.get("sources") or "")))
        if cleaned.get("status") == Article.Status.PUBLISHED and not (cleaned.get("description") or "").strip():
            self.add_error("description", "A published article needs its plain description (for previews).")
        return cleaned


class SupportPageForm(SourcesForm):
    class Meta:
        model = SupportPage
        fields = ["slug", "title", "description", "body", "status", "order", "last_reviewed", "next_review_due"]
        fields += ["reviewer", "sources"]

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body", "")
        if problems := heading_level_problems(body, 2):
            raise ValidationError(_as_errors(problems, "Text"))
        return body

    def clean(self) -> dict:
        cleaned = super().clean()
        _check_citations(self, ["body"], set(numbers_of(cleaned.get("sources") or "")))
        return cleaned


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["article", "kind", "title", "key_points", "plain", "body"]

    def clean_plain(self) -> str:
        plain = self.cleaned_data.get("plain", "")
        if not plain.strip():
            raise ValidationError("Write the section in plain words: readers see this part first.")
        if heading_level_problems(plain, 7):
            raise ValidationError("No headings in the plain words: use short paragraphs, or a bold lead-in.")
        return plain

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body", "")
        if problems := heading_level_problems(body):
            raise ValidationError(_as_errors(problems, "In detail"))
        return body

    def clean(self) -> dict:
        cleaned = super().clean()
        article = cleaned.get("article")
        if article is None:
            try:
                article = self.instance.article
            except ObjectDoesNotExist:
                article = None
        if article is not None:
            _check_citations(self, ["key_points", "plain", "body"], set(article.reference_numbers))
        return cleaned
