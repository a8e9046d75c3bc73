"""``{% comment_area article %}``: how the article page pulls in comments without depending on them."""

from django import template

from metsinfo.comments.forms import CommentForm
from metsinfo.comments.models import Comment

register = template.Library()


@register.inclusion_tag("comments/area.html", takes_context=True)
def comment_area(context: template.Context, article) -> dict:
    """Approved comments, oldest first, then the form (bound, if the view is re-showing it)."""
    return {
        "article": article,
        "comments": Comment.objects.approved().filter(article=article).select_related("reply"),
        "form": context.get("comment_form") or CommentForm(),
        "problem": context.get("comment_problem", ""),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def comments_awaiting_review() -> int:
    """For the admin index: how many comments wait in the moderation queue."""
    return Comment.objects.awaiting_review().count()
