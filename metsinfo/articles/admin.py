from django.contrib import admin

from metsinfo.articles.models import Article, GlossaryTerm, Section, rerender_all


class SectionInline(admin.StackedInline):
    model = Section
    extra = 0
    fields = ["kind", "title", "key_points", "body"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "last_reviewed", "next_review_due", "reviewer"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]


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
