"""``{% comment_area article %}``: how the article page pulls in comments without depending on them."""

from django import template
from django.conf import settings

from metsinfo.comments.forms import CommentForm
from metsinfo.comments.models import Comment

register = template.Library()


@register.inclusion_tag("comments/area.html", takes_context=True)
def comment_area(context: template.Context, article) -> dict:
    """Any message for the reader, the newest approved comments, a link to older ones, then the
    form (bound, if re-shown).

    One query whatever the number of comments: it reads one more than it shows, to know
    whether there are older ones.
    """
    per_page = settings.COMMENTS_PER_PAGE
    comments = Comment.objects.approved().filter(article=article).newest_first().select_related("reply")
    newest = list(comments[: per_page + 1])
    bound_form = context.get("comment_form")
    # The article as every reader gets it (and caches keep) holds nothing of any one reader: no
    # CSRF token, so no csrftoken cookie and no Vary: Cookie, and no timestamp. The form's script
    # fetches both. A form sent back with problems is that reader's own uncached page.
    fetch_token = bound_form is None
    return {
        "article": article,
        "comments": newest[:per_page],
        "older_comments": len(newest) > per_page,
        "form": CommentForm() if fetch_token else bound_form,
        "fetch_token": fetch_token,
        "problem": context.get("comment_problem", ""),
        "messages": context.get("messages"),  # "thank you" lands here, with the reader
        "request": context.get("request"),
        "csrf_token": None if fetch_token else context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def reported_here(context: template.Context) -> set[int]:
    """Comments this reader has just reported (the thank-you message names them), to mark them.

    A page with a message is that reader's own (never cached), so the mark is theirs alone.
    """
    reported = set()
    for message in context.get("messages") or ():
        for tag in message.extra_tags.split():
            prefix, _, pk = tag.rpartition("-")
            if prefix == "reported-comment" and pk.isdigit():
                reported.add(int(pk))
    return reported


@register.simple_tag
def comments_awaiting_review() -> int:
    """For the admin index: how many comments wait in the moderation queue."""
    return Comment.objects.awaiting_review().count()
