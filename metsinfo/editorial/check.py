"""The "Check readability" button: the figures of unsaved text, against the NHS targets.

The button posts the change form to ``<id>/check/`` (or ``add/check/``); the text is rendered and
measured as a save would, and nothing is saved. Without JavaScript the figures open in a new tab,
as Preview does; ``js/admin-check.js`` posts the same form in the background and puts the figures
under the button (a request with ``X-Readability-Check: fragment`` gets only that part). The
form's CSRF token travels in the posted form data, as Django documents for AJAX posts of a form.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from metsinfo.articles import readability
from metsinfo.articles.models import GlossaryTerm
from metsinfo.editorial.preview import posted, posted_form_url, posted_form_urls
from metsinfo.editorial.readability_admin import Layers, layers_table

FRAGMENT_HEADER = "HTTP_X_READABILITY_CHECK"


class CheckMixin(admin.ModelAdmin):
    """Adds ``<id>/check/`` and ``add/check/``; the admin says which layers it measures."""

    def get_urls(self):
        return [*posted_form_urls(self, "check", self.check_view), *super().get_urls()]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "check_url": posted_form_url(self, "check", object_id)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def check_view(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        unsaved, formsets, errors = posted(self, request, object_id)
        layers: Layers = []
        if not errors:
            layers = self.check_layers(unsaved, formsets, GlossaryTerm.objects.as_glossary())
        figures = [f for _, f in layers if f is not None]
        context = {
            "layers": layers_table(layers) if layers else "",
            "errors": errors,
            "missed": sum(1 for f in figures if f.meets_target is False or f.long_sentences),
            "measured": len(figures),
            "target_age": readability.TARGET_READING_AGE,
            "sentence_words": readability.LONG_SENTENCE_WORDS,
        }
        if request.META.get(FRAGMENT_HEADER) == "fragment":
            return render(request, "editorial/check_figures.html", context, status=400 if errors else 200)
        page = {**self.admin_site.each_context(request), **context, "opts": self.opts, "title": "Readability check"}
        return render(request, "editorial/check_page.html", page, status=400 if errors else 200)

    def check_layers(self, obj, formsets, glossary) -> Layers:
        raise NotImplementedError
