"""The moderation queue: opens on pending comments, oldest first; bulk approve, reject, spam.

Each comment's held reason sits under its text, where a moderator reads before ticking; approving
a selection that holds comments with a held reason asks first; every bulk action's message has an
Undo link (metsinfo.comments.moderation). Readers' names and words are read-only: a moderator
approves, rejects or replies, and never rewrites what a reader wrote.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core import signing
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import ngettext

from metsinfo.comments import moderation
from metsinfo.comments.links import mixes_scripts, real_host
from metsinfo.comments.models import Comment, Reply
from metsinfo.comments.rendering import link_hosts


def links_to(comment: Comment) -> str:
    """Where the comment's web addresses really go: each host as a browser asks for it (punycode).

    A look-alike host (``google.com`` with its o's typed as Cyrillic letters) reads the same as the
    real one in the text; its punycode (``xn--ggle-55da.com``) does not.
    """
    hosts = link_hosts(comment.body)
    if not hosts:
        return ""
    return format_html(
        '<span class="link-hosts">Links to: {}</span>',
        format_html_join(
            ", ",
            "<code>{}</code>{}",
            ((real_host(host), " (look-alike)" if mixes_scripts(host) else "") for host in hosts),
        ),
    )


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
    list_display = ["comment", "state", "received", "article_title"]
    list_filter = [StatusFilter, "article", "held_reason"]
    search_fields = ["body", "display_name", "email"]
    ordering = ["created"]
    date_hierarchy = "created"
    actions = ["approve", "reject", "mark_spam"]
    inlines = [ReplyInline]
    fields = [
        "article", "display_name", "role", "body", "web_addresses", "email", "status", "held_reason",
        "moderator_note", "created", "moderated_by", "moderated_at", "report_count", "report_reasons",
    ]  # fmt: skip
    readonly_fields = [
        "article", "display_name", "role", "body", "web_addresses", "email", "created", "moderated_by",
        "moderated_at", "report_count", "held_reason", "report_reasons",
    ]  # fmt: skip

    class Media:
        css = {"all": ["css/admin-moderation.css"]}

    @admin.display(description="What reporters said")
    def report_reasons(self, comment: Comment) -> str:
        reasons = [report.reason for report in comment.reports.all() if report.reason]
        return "\n\n".join(reasons) or "-"

    @admin.display(description="Where its web addresses go")
    def web_addresses(self, comment: Comment) -> str:
        return links_to(comment) or "-"

    @admin.display(description="Comment (and why it was held)", ordering="created")
    def comment(self, comment: Comment) -> str:
        text = Truncator(comment.body).chars(160)
        if comment.held_reason:
            held = comment.get_held_reason_display()
            text = format_html('{}<br><strong class="held-reason">Held: {}</strong>', text, held)
        hosts = links_to(comment)
        return format_html("{}<br>{}", text, hosts) if hosts else text

    @admin.display(description="Status", ordering="status")
    def state(self, comment: Comment) -> str:
        if not comment.report_count:
            return comment.get_status_display()
        reports = ngettext("%(n)d report", "%(n)d reports", comment.report_count) % {"n": comment.report_count}
        return format_html("{}<br>{}", comment.get_status_display(), reports)

    @admin.display(description="Received", ordering="created")
    def received(self, comment: Comment) -> str:
        return date_format(timezone.localtime(comment.created), "j M, H:i")

    @admin.display(description="Article", ordering="article__title")
    def article_title(self, comment: Comment) -> str:
        return Truncator(comment.article.title).chars(20)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).select_related("article")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments come from readers (or content/), never typed in by staff

    def save_model(self, request, obj: Comment, form, change: bool) -> None:
        verdict = request.POST.get("_moderate")
        if verdict in Comment.Status.values:
            obj.status = verdict
        if change and (verdict or "status" in form.changed_data):
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

    # Bulk actions, each with an Undo ---------------------------------------------------------

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Comment], status: str, done: str) -> None:
        before = moderation.snapshot(queryset)
        count = queryset.moderate(status, request.user)
        undo_url = reverse("admin:comments_comment_undo", args=[moderation.undo_token(before, status)])
        self.message_user(
            request,
            format_html(
                '{} <a href="{}">Undo</a>',
                ngettext("%(count)d comment was %(done)s.", "%(count)d comments were %(done)s.", count)
                % {"count": count, "done": done},
                undo_url,
            ),
            messages.SUCCESS,
        )

    @admin.action(description="Approve selected comments (publish them)", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Comment]) -> HttpResponse | None:
        held = list(queryset.exclude(held_reason="").select_related("article"))
        for comment in held:
            comment.web_addresses = links_to(comment)
        if held and request.POST.get("confirm") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "title": "Approve comments that were held?",
                "opts": self.model._meta,
                "held": held,
                "selected": queryset.values_list("pk", flat=True),
                "count": queryset.count(),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "admin/comments/comment/approve_held.html", context)
        self._moderate(request, queryset, Comment.Status.APPROVED, "approved")
        return None

    @admin.action(description="Reject selected comments", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Comment.Status.REJECTED, "rejected")

    @admin.action(description="Mark selected comments as spam", permissions=["change"])
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._moderate(request, queryset, Comment.Status.SPAM, "marked as spam")

    def get_urls(self) -> list:
        undo = self.admin_site.admin_view(self.undo_view)
        return [path("undo/<str:token>/", undo, name="comments_comment_undo"), *super().get_urls()]

    def undo_view(self, request: HttpRequest, token: str) -> HttpResponse:
        """Confirm, then put back the comments a bulk action changed (POST only changes anything)."""
        if not self.has_change_permission(request):
            return HttpResponse("You cannot moderate comments.", status=403)
        queue = reverse("admin:comments_comment_changelist")
        try:
            status, before = moderation.read_undo_token(token)
        except signing.BadSignature:
            self.message_user(
                request, "That undo link has expired or is not valid: nothing was changed.", messages.ERROR
            )
            return HttpResponseRedirect(queue)
        if request.method == "POST":
            restored, kept = moderation.undo(status, before)
            message = ngettext(
                "%(n)d comment was put back as it was.", "%(n)d comments were put back as they were.", restored
            )
            if kept:
                message += " " + ngettext(
                    "%(k)d had been changed since and was left alone.",
                    "%(k)d had been changed since and were left alone.",
                    kept,
                )
            self.message_user(request, message % {"n": restored, "k": kept}, messages.SUCCESS)
            return HttpResponseRedirect(queue)
        comments = Comment.objects.select_related("article").in_bulk([row.pk for row in before])
        context = {
            **self.admin_site.each_context(request),
            "title": "Undo this moderation?",
            "opts": self.model._meta,
            "status": Comment.Status(status).label,
            "rows": [(comments[row.pk], Comment.Status(row.status).label) for row in before if row.pk in comments],
        }
        return TemplateResponse(request, "admin/comments/comment/undo.html", context)
