from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from metsinfo.articles import readability as figures
from metsinfo.articles.models import Article, GlossaryTerm, ReviewState, Section, SupportPage, rerender_all
from metsinfo.articles.rendering import Glossary
from metsinfo.editorial import review as review_links
from metsinfo.editorial.change_notes import ChangeNoteMixin
from metsinfo.editorial.check import CheckMixin
from metsinfo.editorial.forms import ArticleForm, GlossaryTermForm, SectionForm, SupportPageForm
from metsinfo.editorial.history import ReadableDiffHelper
from metsinfo.editorial.notes_admin import ReviewNoteInline
from metsinfo.editorial.preview import PreviewMixin, posted_form_url, preview_response, unsaved_sections
from metsinfo.editorial.readability_admin import (
    Layers,
    jargon_report,
    layers_report,
    readability_report,
    reading_age_cell,
    section_layers,
)
from metsinfo.editorial.revisions import changes_from_current, rendered_revision


class HistoryMixin(SimpleHistoryAdmin):
    """Revision history with readable diffs and restore ("Revert") for every content model."""

    object_history_form_template = "admin/articles/revision_form.html"

    def get_historical_record_context_helper(self, request, historical_record) -> ReadableDiffHelper:
        return ReadableDiffHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """The revert page; with a preview of the revision where the model has one."""
        extra_context = dict(extra_context or {})
        if hasattr(self, "preview_view"):
            extra_context["preview_url"] = posted_form_url(self, "preview", object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs) -> HttpResponse:
        if template == self.object_history_form_template:
            # The figures and words to explain on the page are then the revision's, not the current text's.
            revision = rendered_revision(context["original"])
            context["revision_changes"] = changes_from_current(revision)
        return super().render_history_view(request, template, context, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            # The admin never changes the loader's bookkeeping, even when reverting to a revision
            # (revisions do not store it): a restore then counts as an editor's change.
            current = type(obj).objects.filter(pk=obj.pk).values_list("loaded_fingerprint", flat=True).first()
            obj.loaded_fingerprint = current or ""
        super().save_model(request, obj, form, change)


class ReviewLinkForm(forms.Form):
    reviewer = forms.CharField(
        max_length=200,
        label="Reviewer",
        help_text="Name and role as they should appear on the page, e.g. Dr A Example, consultant clinical oncologist.",
    )


class ReviewStateFilter(admin.SimpleListFilter):
    title = "clinical review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [(ReviewState.OVERDUE, "Overdue"), (ReviewState.DUE_SOON, "Due within 30 days")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Article]) -> QuerySet[Article]:
        today = date.today()
        if self.value() == ReviewState.OVERDUE:
            return queryset.review_overdue(today)
        if self.value() == ReviewState.DUE_SOON:
            return queryset.review_due_soon(today)
        return queryset


class ReadabilityMixin:
    """Readability figures and the jargon check on the edit page (read-only, computed at save)."""

    html_field: str

    @admin.display(description="Readability")
    def readability(self, obj) -> str:
        return readability_report(obj, getattr(obj, self.html_field))

    @admin.display(description="Words to explain")
    def jargon(self, obj) -> str:
        return jargon_report(getattr(obj, self.html_field)) if obj.pk else "Listed after the first save."

    @admin.display(description="Reading age", ordering="reading_age")
    def reading_age_mark(self, obj) -> str:
        return reading_age_cell(obj)


class LayersMixin(ReadabilityMixin):
    """A section's figures per layer, and the jargon check on its plain words and detail."""

    html_field = "body_html"

    @admin.display(description="Readability of each layer")
    def layers(self, obj: Section) -> str:
        return layers_report(obj)

    @admin.display(description="Words to explain")
    def jargon(self, obj: Section) -> str:
        return jargon_report(obj.plain_html + obj.body_html) if obj.pk else "Listed after the first save."

    @admin.display(description="Plain words: reading age")
    def plain_reading_age(self, obj: Section) -> str:
        return reading_age_cell(obj.layer_readability("plain"))


class SectionInline(LayersMixin, admin.StackedInline):
    model = Section
    form = SectionForm
    extra = 0
    fields = ["kind", "slug", "order", "title", "key_points", "plain", "body", "layers", "jargon"]
    readonly_fields = ["layers", "jargon"]
    ordering = ["order", "slug"]  # reading order, as readers see them
    show_change_link = True  # each section's own page has its revision history


@admin.register(Section)
class SectionAdmin(ChangeNoteMixin, LayersMixin, CheckMixin, PreviewMixin, HistoryMixin):
    form = SectionForm
    list_display = ["title", "article", "order", "slug", "kind", "plain_reading_age", "reading_age_mark", "word_count"]
    list_display += ["updated"]
    list_filter = ["article", "kind"]
    search_fields = ["title", "slug", "body", "plain", "key_points"]
    fields = [
        "article",
        "kind",
        "slug",
        "order",
        "title",
        "key_points",
        "plain",
        "body",
        "change_note",
        "layers",
        "jargon",
    ]
    readonly_fields = ["layers", "jargon"]

    def render_preview(self, request: HttpRequest, obj: Section, formsets, glossary: Glossary) -> HttpResponse:
        obj.render(glossary)
        obj.article.render(glossary)
        return preview_response(request, "articles/section.html", {"article": obj.article, "section": obj})

    def check_layers(self, obj: Section, formsets, glossary: Glossary) -> Layers:
        obj.render(glossary)
        return section_layers(obj)


@admin.register(Article)
class ArticleAdmin(ChangeNoteMixin, ReadabilityMixin, CheckMixin, PreviewMixin, HistoryMixin):
    form = ArticleForm
    list_display = ["title", "featured", "order", "status", "last_reviewed", "next_review_due", "review", "reviewer"]
    list_display += ["reading_age_mark"]
    readonly_fields = ["readability"]
    html_field = "summary_html"
    list_filter = ["status", ReviewStateFilter]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]

    def get_inlines(self, request: HttpRequest, obj: Article | None) -> list:
        """The reviewers' notes, where there are any, under the sections."""
        if obj is not None and obj.review_notes.exists():
            return [SectionInline, ReviewNoteInline]
        return [SectionInline]

    def get_urls(self):
        review_link = self.admin_site.admin_view(self.review_link_view)
        return [
            path("<path:object_id>/review-link/", review_link, name="articles_article_review_link"),
            *super().get_urls(),
        ]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id:
            url = reverse("admin:articles_article_review_link", args=[object_id])
            extra_context = {**(extra_context or {}), "review_link_url": url}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def review_link_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Make a signed, expiring link for a clinician to review and approve this article."""
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        form = ReviewLinkForm(request.POST or None)
        link = None
        if request.method == "POST" and form.is_valid():
            token = review_links.make_link_token(article, form.cleaned_data["reviewer"])
            link = request.build_absolute_uri(reverse("editorial:review", args=[token]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Clinical review link: {article}",
            "opts": self.opts,
            "original": article,
            "form": form,
            "link": link,
            "expires": review_links.link_expires(),
            "approvals": article.approvals.all(),
        }
        return TemplateResponse(request, "admin/articles/review_link.html", context)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        if "sources" in form.changed_data:
            form.instance.rerender_sections()  # citation numbers follow the reference list

    def render_preview(self, request: HttpRequest, obj: Article, formsets, glossary: Glossary) -> HttpResponse:
        obj.render(glossary)
        sections = self._sections(obj, formsets, glossary)
        return preview_response(request, "articles/article.html", {"article": obj, "sections": sections})

    def check_layers(self, obj: Article, formsets, glossary: Glossary) -> Layers:
        obj.render(glossary)
        layers: Layers = [("Lead paragraph", obj.readability)]
        for section in self._sections(obj, formsets, glossary):
            layers += section_layers(section, prefix=f"{section.title}: ")
        return layers

    def _sections(self, obj: Article, formsets, glossary: Glossary) -> list[Section]:
        """The sections the posted forms describe, rendered; a revision's (no forms) as they are now."""
        if formsets:
            return unsaved_sections(obj, formsets, glossary)
        sections = list(obj.sections.all()) if obj.pk else []
        for section in sections:
            section.article = obj
            section.render(glossary)
        return sections

    @admin.display(description="Review", ordering="next_review_due")
    def review(self, article: Article) -> str:
        state = article.review_state()
        if state in (ReviewState.OVERDUE, ReviewState.DUE_SOON):
            # Words as well as colour, so the mark does not rely on colour alone.
            return format_html('<strong class="review-{}">{}</strong>', state.value, state.label)
        return state.label


@admin.register(SupportPage)
class SupportPageAdmin(ChangeNoteMixin, ReadabilityMixin, CheckMixin, PreviewMixin, HistoryMixin):
    form = SupportPageForm
    list_display = ["title", "order", "status", "last_reviewed", "next_review_due", "reading_age_mark"]
    list_filter = ["status"]
    search_fields = ["title", "description", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["readability", "jargon"]
    html_field = "body_html"

    def render_preview(self, request: HttpRequest, obj: SupportPage, formsets, glossary: Glossary) -> HttpResponse:
        obj.render(glossary)
        return preview_response(request, "articles/support_page.html", {"page": obj})

    def check_layers(self, obj: SupportPage, formsets, glossary: Glossary) -> Layers:
        obj.render(glossary)
        return [("The page", obj.readability)]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(CheckMixin, HistoryMixin):
    form = GlossaryTermForm
    change_form_template = "admin/articles/change_form_with_check.html"
    list_display = ["term", "aliases", "pronunciation"]
    search_fields = ["term", "aliases", "definition", "pronunciation"]
    prepopulated_fields = {"slug": ["term"]}

    def check_layers(self, obj: GlossaryTerm, formsets, glossary: Glossary) -> Layers:
        return [("Definition", figures.measure_plain(obj.definition))]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        rerender_all()  # pages link terms at save time, so they must learn of the change

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        rerender_all()
