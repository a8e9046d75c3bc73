"""Reader-facing pages. Each reads stored HTML; none renders Markdown."""

import sys

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from metsinfo.articles import questions, search
from metsinfo.articles.caching import reader_is_staff, reader_page
from metsinfo.articles.models import Article, GlossaryTerm, SupportPage, notes_for


def _visible_article(request: HttpRequest, slug: str) -> Article:
    """Readers see published articles; staff also see drafts, at the same address, with a banner."""
    articles = Article.objects.all() if reader_is_staff(request) else Article.objects.published()
    return get_object_or_404(articles.prefetch_related("sections"), slug=slug)


@require_safe
@reader_page
def home(request: HttpRequest) -> HttpResponse:
    context = {"articles": Article.objects.published(), "support_pages": SupportPage.objects.published()}
    return render(request, "articles/home.html", context)


def article_page(request: HttpRequest, article: Article, extra: dict | None = None, status: int = 200) -> HttpResponse:
    """Render the whole-article page; other apps pass extra context (e.g. a bound comment form)."""
    sections = article.sections.all()
    context = {
        "article": article,
        "sections": sections,
        "glossary_terms": article.glossary_terms_used(sections),
        "change_notes": notes_for(article),
        **(extra or {}),
    }
    return render(request, "articles/article.html", context, status=status)


@require_safe
@reader_page
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return article_page(request, _visible_article(request, slug))


@require_safe
@reader_page
def section_detail(request: HttpRequest, slug: str, section: str) -> HttpResponse:
    """One section, with the article's sections in their order for the contents and previous / next."""
    article = _visible_article(request, slug)
    sections = list(article.sections.all())
    index = next((i for i, candidate in enumerate(sections) if candidate.slug == section), None)
    if index is None:
        raise Http404("This article has no such section.")
    shown = sections[index]
    context = {
        "article": article,
        "section": shown,
        "previous_section": sections[index - 1] if index > 0 else None,
        "next_section": sections[index + 1] if index + 1 < len(sections) else None,
        "glossary_terms": GlossaryTerm.objects.linked_in(shown.plain_html, shown.body_html),
        "question_topics": questions.topics_for_section(shown.kind),
        "change_notes": notes_for(shown),
    }
    return render(request, "articles/section.html", context)


@require_safe
@reader_page
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "articles/glossary.html", {"terms": GlossaryTerm.objects.all()})


@require_safe
@reader_page
def support_index(request: HttpRequest) -> HttpResponse:
    """``/support/``: the support pages, each with its plain description."""
    return render(request, "articles/support_index.html", {"pages": SupportPage.objects.published()})


@require_safe
@reader_page
def support_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One support page; drafts only for staff, with a banner."""
    pages = SupportPage.objects.all() if reader_is_staff(request) else SupportPage.objects.published()
    page = get_object_or_404(pages, slug=slug)
    context = {
        "page": page,
        "glossary_terms": GlossaryTerm.objects.linked_in(page.body_html),
        "question_topics": questions.topics_in(page.body_html),
        "change_notes": notes_for(page),
    }
    return render(request, "articles/support_page.html", context)


@require_safe
@reader_page(query={"q": search.clean_query})
def search_page(request: HttpRequest) -> HttpResponse:
    """``/search/?q=``: sections, support pages and glossary terms, best first; close words when none."""
    query = search.clean_query(request.GET.get("q", ""))
    answer = search.answer(query)
    context = {
        "query": query,
        "words": search.words_of(query),
        "results": answer.results,
        "suggestions": answer.suggestions,
        "sections": search.published_sections(),
    }
    # Result pages name /search/ as their canonical address, so search engines keep one copy.
    return render(request, "articles/search.html", context)


@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Keep crawlers out of the admin, review links and comment endpoints; point them at the sitemap."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        "Disallow: /review/",
        "Disallow: /comments/",
        "Allow: /",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 404 that helps the reader on: the articles and the glossary."""
    return render(request, "404.html", {"articles": Article.objects.published()}, status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """A 500 page that needs no database and no request context.

    When the error is that the database cannot be reached, the reader gets a 503 instead, with
    ``Retry-After``: the site will be back by itself (each request opens a new connection, or
    checks the one it keeps), and cached pages go on being served meanwhile.
    """
    if type(sys.exc_info()[1]) in (DatabaseError, OperationalError, InterfaceError):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
