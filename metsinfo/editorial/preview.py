"""Server-side preview of unsaved admin edits, rendered by the public templates and renderer.

The admin's "Preview" button posts the change form (sections included) to the preview URL in a
new tab, without JavaScript; nothing is saved. The reader-facing template then renders the
unsaved objects, with Markdown rendered exactly as a save would render it, under a banner.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from metsinfo.articles.models import Article, GlossaryTerm, Section, SectionKind
from metsinfo.articles.rendering import Glossary


class PreviewMixin(admin.ModelAdmin):
    """Adds ``<id>/preview/`` and ``add/preview/`` to a content model's admin."""

    change_form_template = "admin/articles/change_form_with_preview.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        preview = self.admin_site.admin_view(require_POST(self.preview_view))
        return [
            path("add/preview/", preview, name="{}_{}_preview_new".format(*info)),
            path("<path:object_id>/preview/", preview, name="{}_{}_preview".format(*info)),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        info = self.opts.app_label, self.opts.model_name
        preview_url = (
            reverse("admin:{}_{}_preview".format(*info), args=[object_id])
            if object_id
            else reverse("admin:{}_{}_preview_new".format(*info))
        )
        return super().changeform_view(
            request, object_id, form_url, {**(extra_context or {}), "preview_url": preview_url}
        )

    def preview_view(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        obj = self.get_object(request, object_id) if object_id else None
        if object_id and obj is None:
            raise PermissionDenied
        allowed = self.has_change_permission(request, obj) if obj else self.has_add_permission(request)
        if not allowed:
            raise PermissionDenied
        form = self.get_form(request, obj, change=obj is not None)(request.POST, request.FILES, instance=obj)
        if not form.is_valid():
            return self._preview_errors(request, [form.errors])
        unsaved = form.save(commit=False)
        # A revision (the revert page) has no inline forms: its sections are previewed as they are.
        revision = "_revision" in request.POST
        formsets = [] if revision else self._create_formsets(request, unsaved, change=obj is not None)[0]
        if not all(formset.is_valid() for formset in formsets):
            return self._preview_errors(request, [f.errors for formset in formsets for f in formset.forms])
        glossary = GlossaryTerm.objects.as_glossary()
        return self.render_preview(request, unsaved, formsets, glossary)

    def render_preview(self, request: HttpRequest, obj, formsets, glossary: Glossary) -> HttpResponse:
        raise NotImplementedError

    def _preview_errors(self, request: HttpRequest, errors: list) -> HttpResponse:
        messages = [f"{field}: {' '.join(problems)}" for error in errors for field, problems in error.items()]
        return render(request, "editorial/preview_errors.html", {"errors": messages}, status=400)


def unsaved_sections(article: Article, formsets, glossary: Glossary) -> list[Section]:
    """The article's sections as the posted inline forms describe them, rendered, in reading order."""
    sections = []
    for formset in formsets:
        for form in formset.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue  # an empty extra form
            if formset.can_delete and formset._should_delete_form(form):
                continue
            section = form.save(commit=False)
            section.article = article
            section.position = SectionKind.position_of(section.kind)
            section.render(glossary)
            sections.append(section)
    return sorted(sections, key=lambda section: section.position)


def preview_response(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a public template as a preview (the admin wrapper already forbids caching)."""
    response = render(request, template, {**context, "preview": True})
    response["X-Robots-Tag"] = "noindex"
    return response
