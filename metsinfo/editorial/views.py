"""The clinical review page: a clinician without an admin account reads an article and approves it."""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from metsinfo.articles.models import Article
from metsinfo.articles.views import article_words
from metsinfo.editorial import review


@never_cache
@require_http_methods(["GET", "POST"])
def clinical_review(request: HttpRequest, token: str) -> HttpResponse:
    """A clinician reads the article through a signed link and may approve it."""
    try:
        review_request = review.read_link_token(token)
    except signing.SignatureExpired:
        return render(request, "editorial/review_link_problem.html", {"expired": True}, status=410)
    except signing.BadSignature:
        return render(request, "editorial/review_link_problem.html", {"expired": False}, status=400)
    article = get_object_or_404(Article.objects.prefetch_related("sections"), pk=review_request.article_id)
    approval = article.approvals.filter(version=review_request.version).first()
    unchanged = review.text_version(article) == review_request.version
    if request.method == "POST" and approval is None and unchanged:
        review.approve(article, review_request)
        return redirect(request.path)
    context = {
        "article": article,
        "sections": article.sections.all(),
        "glossary_terms": article_words(article, article.sections.all()),
        "review": {
            "request": review_request,
            "approval": approval,
            "unchanged": unchanged,
            "next_review_due": review.next_review_due(),
        },
    }
    response = render(request, "articles/article.html", context, status=200 if approval or unchanged else 409)
    response["X-Robots-Tag"] = "noindex"
    return response
