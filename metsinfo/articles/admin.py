from datetime import date

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from metsinfo.articles.models import Article, GlossaryTerm, ReviewState, Section, rerender_all


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


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["kind", "title", "key_points", "body"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "last_reviewed", "next_review_due", "review", "reviewer"]
    list_filter = ["status", ReviewStateFilter]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]

    @admin.display(description="Review", ordering="next_review_due")
    def review(self, article: Article) -> str:
        state = article.review_state()
        if state in (ReviewState.OVERDUE, ReviewState.DUE_SOON):
            # Words as well as colour, so the mark does not rely on colour alone.
            return format_html('<strong class="review-{}">{}</strong>', state.value, state.label)
        return state.label


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(admin.ModelAdmin):
    list_display = ["term", "aliases"]
    search_fields = ["term", "aliases", "definition"]
    prepopulated_fields = {"slug": ["term"]}

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        rerender_all()  # pages link terms at save time, so they must learn of the change

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        rerender_all()
