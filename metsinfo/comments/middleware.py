"""A comment too large to receive gets the site's own page, saying what the limit is.

The same page answers nginx's own refusal (its client_max_body_size, 1 MB in
deploy/nginx/metsinfo.conf): nginx turns its 413 into a GET of ``too_long_page`` instead of its
bare "413 Request Entity Too Large", naming the article whose form was sent.

Django refuses a request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) when ``request.POST``
is first read, with ``RequestDataTooBig``, and answers with its bare "Bad Request". The CSRF
middleware is the first to read it, before the comment view runs, so this middleware sits just
above it and reads the form first, for the comment form only. Nothing is stored and nothing is
changed, so answering before the CSRF check gives nothing away.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from metsinfo.lib.slugs import SLUG_RE


class CommentTooLargeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict) -> HttpResponse | None:
        from metsinfo.comments.views import post_comment  # the views import this app's models

        if view is not post_comment or request.method != "POST":
            return None
        try:
            request.POST  # noqa: B018 (reading it is the check)
        except RequestDataTooBig:
            return too_long(request, kwargs.get("slug", ""))
        return None


def too_long(request: HttpRequest, slug: str) -> HttpResponse:
    """413, in plain words: the limit, that the text could not be kept, and what to do."""
    context = {
        "limit": f"{settings.COMMENTS_MAX_LENGTH:,}",
        "back": f"{reverse('articles:article', kwargs={'slug': slug})}#comment-form" if slug else "",
    }
    response = render(request, "comments/too_long.html", context, status=413)
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
def too_long_page(request: HttpRequest) -> HttpResponse:
    """The page for a comment refused in front of the application (nginx), 413 like the other."""
    slug = request.GET.get("article", "")
    return too_long(request, slug if SLUG_RE.match(slug) else "")
