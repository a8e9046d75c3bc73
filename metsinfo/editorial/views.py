"""The clinical review page: a clinician without an admin account reads an article and approves it."""

from django import forms
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from metsinfo.articles.models import Article
from metsinfo.editorial import review


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        label="What should the editors change?",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Say where (the section or sentence) and what it should say. The editors get it by email.",
    )


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
    note_form = ReviewNoteForm(request.POST if "note" in request.POST else None)
    if request.method == "POST" and "note" in request.POST:
        if note_form.is_valid():
            review.request_changes(article, review_request, note_form.cleaned_data["note"])
            return redirect(f"{request.path}#review")
    elif request.method == "POST" and approval is None and unchanged:
        # Every click lands on the page as it now is: approved (by this click or one at the same
        # moment), or refused because the text changed meanwhile.
        review.approve(article, review_request)
        return redirect(request.path)
    context = {
        "article": article,
        "sections": article.sections.all(),
        "glossary_terms": article.glossary_terms_used(article.sections.all()),
        "review": {
            "request": review_request,
            "approval": approval,
            "unchanged": unchanged,
            "next_review_due": review.next_review_due(),
            "note_form": note_form,
            "notes": article.review_notes.filter(reviewer=review_request.reviewer, version=review_request.version),
        },
    }
    response = render(request, "articles/article.html", context, status=_status(approval, unchanged, note_form))
    response["X-Robots-Tag"] = "noindex"
    return response


def _status(approval, unchanged: bool, note_form: ReviewNoteForm) -> int:
    if note_form.is_bound and not note_form.is_valid():
        return 400
    return 200 if approval or unchanged else 409
