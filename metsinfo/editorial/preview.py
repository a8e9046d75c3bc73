"""Server-side preview of unsaved admin edits, rendered by the public templates and renderer.

The admin's "Preview" button posts the change form (sections included) to the preview URL in a
new tab, without JavaScript; nothing is saved. The reader-facing template then renders the
unsaved objects, with Markdown rendered exactly as a save would render it, under a banner.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from metsinfo.articles.models import Article, GlossaryTerm, Section
from metsinfo.articles.rendering import Glossary


class PreviewMixin(admin.ModelAdmin):
    """Adds ``<id>/preview/`` and ``add/preview/`` to a content model's admin."""

    change_form_template = "admin/articles/change_form_with_preview.html"

    def get_urls(self):
        return [*posted_form_urls(self, "preview", self.preview_view), *super().get_urls()]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "preview_url": posted_form_url(self, "preview", object_id)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def preview_view(self, request: HttpRequest, object_id: str | None = None) -> HttpResponse:
        unsaved, formsets, errors = posted(self, request, object_id)
        if errors:
            return render(request, "editorial/preview_errors.html", {"errors": errors}, status=400)
        return self.render_preview(request, unsaved, formsets, GlossaryTerm.objects.as_glossary())

    def render_preview(self, request: HttpRequest, obj, formsets, glossary: Glossary) -> HttpResponse:
        raise NotImplementedError


def posted_form_urls(model_admin: admin.ModelAdmin, action: str, view) -> list:
    """``add/<action>/`` and ``<id>/<action>/``: views the change form posts to (POST only, staff only)."""
    info = model_admin.opts.app_label, model_admin.opts.model_name
    wrapped = model_admin.admin_site.admin_view(require_POST(view))
    return [
        path(f"add/{action}/", wrapped, name="{}_{}_{}_new".format(*info, action)),
        path(f"<path:object_id>/{action}/", wrapped, name="{}_{}_{}".format(*info, action)),
    ]


def posted_form_url(model_admin: admin.ModelAdmin, action: str, object_id: str | None) -> str:
    """The address of a :func:`posted_form_urls` view for this object (or a new one)."""
    info = model_admin.opts.app_label, model_admin.opts.model_name
    if object_id:
        return reverse("admin:{}_{}_{}".format(*info, action), args=[object_id])
    return reverse("admin:{}_{}_{}_new".format(*info, action))


def posted(model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str | None) -> tuple[Any, list, list[str]]:
    """The object (and inline formsets) the posted change form describes, unsaved, or the form's problems.

    Only staff who may change the object (or add one) get this far. Return ``(obj, formsets, errors)``.
    """
    obj = model_admin.get_object(request, object_id) if object_id else None
    if object_id and obj is None:
        raise PermissionDenied
    allowed = model_admin.has_change_permission(request, obj) if obj else model_admin.has_add_permission(request)
    if not allowed:
        raise PermissionDenied
    form = model_admin.get_form(request, obj, change=obj is not None)(request.POST, request.FILES, instance=obj)
    if not form.is_valid():
        return None, [], _messages([form.errors])
    unsaved = form.save(commit=False)
    # A revision (the revert page) has no inline forms: its sections are previewed as they are.
    revision = "_revision" in request.POST
    formsets = [] if revision else model_admin._create_formsets(request, unsaved, change=obj is not None)[0]
    if not all(formset.is_valid() for formset in formsets):
        return None, [], _messages([f.errors for formset in formsets for f in formset.forms])
    return unsaved, formsets, []


def _messages(errors: list) -> list[str]:
    return [f"{field}: {' '.join(problems)}" for error in errors for field, problems in error.items()]


def unsaved_sections(article: Article, formsets, glossary: Glossary) -> list[Section]:
    """The article's sections as the posted inline forms describe them, rendered, in reading order."""
    sections = []
    for formset in formsets:
        if formset.model is not Section:
            continue  # the reviewers' notes
        for form in formset.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue  # an empty extra form
            if formset.can_delete and formset._should_delete_form(form):
                continue
            section = form.save(commit=False)
            section.article = article
            section.fill_in_slug()
            section.render(glossary)
            sections.append(section)
    return sorted(sections, key=lambda section: (section.order, section.slug))


def preview_response(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Render a public template as a preview (the admin wrapper already forbids caching)."""
    response = render(request, template, {**context, "preview": True})
    response["X-Robots-Tag"] = "noindex"
    return response
