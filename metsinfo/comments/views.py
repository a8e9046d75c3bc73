"""Posting and reporting comments, and the privacy notice. POST/redirect/GET throughout.

The article page is the same for every reader, so its comment form carries no CSRF token and no
timestamp: ``static/js/comment-form.js`` fetches both from ``comment_token`` when the reader
starts to write, and a reader without JavaScript follows a link to ``new_comment``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import EmptyPage, Paginator
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from metsinfo.articles.caching import reader_page
from metsinfo.articles.models import Article
from metsinfo.articles.views import article_page
from metsinfo.comments import ratelimit, spam
from metsinfo.comments.forms import CommentForm
from metsinfo.comments.models import Comment, CommentReport
from metsinfo.comments.notifications import notify_moderators

THANK_YOU = "Thank you. Your comment will appear after a moderator has checked it."
#: The tag the thank-you for a report carries, with the comment's number: its page marks it.
REPORTED_TAG = "reported-comment-{pk}"


def _thank_you() -> str:
    days = settings.COMMENTS_REVIEW_DAYS
    when = "within 1 working day" if days == 1 else f"within {days} working days"
    return f"{THANK_YOU} Moderators usually check new comments {when}."


def comment_address(comment: Comment) -> str:
    """Where a reader finds an approved comment: the article or the older page it is on."""
    article = comment.article
    newer = (
        Comment.objects.approved()
        .filter(article=article)
        .filter(Q(created__gt=comment.created) | Q(created=comment.created, pk__gt=comment.pk))
    )
    number = newer.count() // settings.COMMENTS_PER_PAGE + 1
    page = article.get_absolute_url() if number == 1 else reverse("comments:page", args=[article.slug, number])
    return f"{page}#comment-{comment.pk}"


RATE_LIMITED = (
    "You have sent several comments in a short time. Please wait a few minutes, then send this one again: "
    "your text is kept below."
)


def _show_form_again(request: HttpRequest, article: Article, form: CommentForm, status: int, problem: str = ""):
    form.refresh_timestamp()
    return article_page(request, article, {"comment_form": form, "comment_problem": problem}, status=status)


@csrf_protect
@require_POST
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    form = CommentForm(request.POST)
    acceptable = form.is_valid()
    if not ratelimit.allow_comment(request, acceptable=acceptable):
        return _show_form_again(request, article, form, status=429, problem=RATE_LIMITED)
    if not acceptable:
        return _show_form_again(request, article, form, status=400)
    comment = form.save(commit=False)
    comment.article = article
    comment.client_key = ratelimit.client_key(request)
    if form.cleaned_data["website"]:
        comment.status, comment.held_reason = Comment.Status.SPAM, Comment.Reason.HONEYPOT
    elif spam.is_duplicate(article.pk, comment.body):
        comment.status, comment.held_reason = Comment.Status.SPAM, Comment.Reason.DUPLICATE
    else:
        comment.held_reason = spam.held_reason(comment.body)
    comment.save()
    if comment.status == Comment.Status.PENDING:
        notify_moderators(comment)
    # The same thanks whatever was caught: a bot learns nothing from the answer.
    messages.success(request, _thank_you())
    return redirect(f"{article.get_absolute_url()}#comments")


@never_cache
@require_safe
def comment_token(request: HttpRequest) -> HttpResponse:
    """The comment form's CSRF token and a fresh signed timestamp, for the form on a cached page."""
    response = JsonResponse({"csrf": get_token(request), "timestamp": spam.sign_timestamp()})
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_safe
def new_comment(request: HttpRequest, slug: str) -> HttpResponse:
    """The comment form on a page of its own, with its token in it: for readers without JavaScript."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    response = render(request, "comments/new.html", {"article": article, "form": CommentForm()})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@reader_page
def comment_page(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Older comments, newest first, in pages of the size the article shows (page 1 is the article)."""
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if number == 1:
        return redirect(f"{article.get_absolute_url()}#comments", permanent=True)
    comments = Comment.objects.approved().filter(article=article).newest_first().select_related("reply")
    paginator = Paginator(comments, settings.COMMENTS_PER_PAGE)
    try:
        page = paginator.page(number)
    except EmptyPage:
        raise Http404("There is no such page of comments.") from None
    context = {"article": article, "page": page, "comments": page.object_list}
    return render(request, "comments/page.html", context)


@csrf_protect
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks the reader to confirm (a stray tap reports nothing); POST records the report."""
    comment = get_object_or_404(Comment.objects.approved().select_related("article"), pk=pk)
    key = ratelimit.client_key(request)
    if request.method == "GET":
        already = CommentReport.objects.filter(comment=comment, client_key=key).exists()
        context = {"comment": comment, "already": already, "back": comment_address(comment)}
        response = render(request, "comments/report.html", context)
        response["X-Robots-Tag"] = "noindex"
        return response
    if ratelimit.hit(key, limit=30, window=3600, scope="report"):
        reason = request.POST.get("reason", "").strip()[:1000]
        _, created = CommentReport.objects.get_or_create(comment=comment, client_key=key, defaults={"reason": reason})
        if created:
            Comment.objects.filter(pk=pk).update(report_count=F("report_count") + 1)
            comment.refresh_from_db(fields=["report_count"])
            if comment.report_count >= settings.COMMENTS_REPORT_THRESHOLD:
                comment.status, comment.held_reason = Comment.Status.PENDING, Comment.Reason.REPORTED
                comment.save(update_fields=["status", "held_reason"])
    if comment.status != Comment.Status.APPROVED:  # hidden by this report: back to the comments
        messages.success(request, "Thank you for telling us. The comment is hidden until a moderator has looked at it.")
        return redirect(f"{comment.article.get_absolute_url()}#comments")
    messages.success(
        request,
        "Thank you for telling us. A moderator will look at this comment.",
        extra_tags=REPORTED_TAG.format(pk=pk),
    )
    return redirect(comment_address(comment))


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "comments/privacy.html", {"retention_days": settings.COMMENTS_RETENTION_DAYS})


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: say what happened in plain words, and give back what the reader wrote."""
    text = request.POST.get("body", "") if request.method == "POST" else ""
    return render(request, "403_csrf.html", {"text": text[: settings.COMMENTS_MAX_LENGTH * 4]}, status=403)
