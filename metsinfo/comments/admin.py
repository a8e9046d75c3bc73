"""The moderation queue: opens on pending comments, oldest first; bulk approve, reject, spam."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from metsinfo.comments.models import Comment, Reply


class StatusFilter(admin.SimpleListFilter):
    """Like a field filter, but with no choice made it shows the queue (pending)."""

    title = "status"
    parameter_name = "status"
    default = Comment.Status.PENDING

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [*Comment.Status.choices, ("all", "All")]

    def choices(self, changelist):
        current = self.value() or self.default
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Comment]) -> QuerySet[Comment]:
        value = self.value() or self.default
        return queryset if value == "all" else queryset.filter(status=value)


class ReplyInline(admin.StackedInline):
    model = Reply
    extra = 0
    max_num = 1
    fields = ["body", "published"]
    verbose_name = "official reply (shown beneath the comment, marked as from the metsinfo team)"


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "article", "author_name", "status", "held_reason", "report_count", "created"]
    list_filter = [StatusFilter, "article", "held_reason"]
    search_fields = ["body", "display_name", "email"]
    ordering = ["created"]
    date_hierarchy = "created"
    actions = ["approve", "reject", "mark_spam"]
    inlines = [ReplyInline]
    fields = [
        "article", "display_name", "role", "body", "email", "status", "held_reason", "moderator_note",
        "created", "moderated_by", "moderated_at", "report_count", "report_reasons",
    ]  # fmt: skip
    readonly_fields = [
        "article", "created", "moderated_by", "moderated_at", "report_count", "held_reason", "report_reasons",
    ]  # fmt: skip

    @admin.display(description="What reporters said")
    def report_reasons(self, comment: Comment) -> str:
        reasons = [report.reason for report in comment.reports.all() if report.reason]
        return "\n\n".join(reasons) or "-"

    @admin.display(description="Comment")
    def excerpt(self, comment: Comment) -> str:
        return comment.body if len(comment.body) <= 120 else comment.body[:117] + "…"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers (or content/), never typed in by staff

    def save_model(self, request, obj: Comment, form, change: bool) -> None:
        if change and "status" in form.changed_data:
            obj.moderated_by, obj.moderated_at = request.user, timezone.now()
            if obj.status == Comment.Status.APPROVED:
                obj.clear_reports()
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        for reply in formset.save(commit=False):
            reply.author = reply.author or request.user
            reply.save()
        for reply in formset.deleted_objects:
            reply.delete()

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], status: str, done: str) -> None:
        count = queryset.moderate(status, request.user)
        self.message_user(
            request,
            ngettext("%(count)d comment was %(done)s.", "%(count)d comments were %(done)s.", count)
            % {"count": count, "done": done},
            messages.SUCCESS,
        )

    @admin.action(description="Approve selected comments (publish them)", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Comment.Status.APPROVED, "approved")

    @admin.action(description="Reject selected comments", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Comment.Status.REJECTED, "rejected")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Comment.Status.SPAM, "marked as spam")
