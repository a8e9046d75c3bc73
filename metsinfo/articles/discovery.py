"""How search engines, feed readers and link previews find and describe the site."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import cache_control

from metsinfo.articles.models import Article, Section, SupportPage

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class PagesSitemap(Sitemap):
    changefreq = "monthly"

    def items(self) -> list[str]:
        return ["articles:home", "articles:glossary", "articles:support"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 1.0

    def items(self):
        return Article.objects.published()

    def lastmod(self, article: Article):
        return article.updated


class SectionSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Section.objects.filter(article__in=Article.objects.published()).select_related("article")

    def lastmod(self, section: Section):
        return section.updated


class SupportPageSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return SupportPage.objects.published()

    def lastmod(self, page: SupportPage):
        return page.updated


SITEMAPS = {
    "pages": PagesSitemap,
    "articles": ArticleSitemap,
    "sections": SectionSitemap,
    "support": SupportPageSitemap,
}


class ArticleUpdatesFeed(Feed):
    """Atom feed: an entry per published article, newest change first."""

    feed_type = Atom1Feed
    title = "metsinfo: article updates"
    subtitle = "New and updated pages about breast cancer that has spread to the bone."

    def link(self) -> str:
        return reverse("articles:home")

    def items(self):
        return Article.objects.published().order_by("-updated")[:50]

    def item_title(self, article: Article) -> str:
        return article.title

    def item_description(self, article: Article) -> str:
        return article.description

    def item_updateddate(self, article: Article):
        return article.updated

    def item_pubdate(self, article: Article):
        return article.created


@cache_control(max_age=86400, public=True)
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Keep crawlers out of the admin, review links and comment endpoints; point them at the sitemap."""
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        "Disallow: /review/",
        "Disallow: /comments/",
        "Allow: /",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def medical_web_page_json_ld(article: Article, url: str) -> SafeString:
    """schema.org MedicalWebPage about the condition, with its review date, as a JSON-LD script."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "description": article.description,
        "url": url,
        "inLanguage": "en-GB",
        "about": {"@type": "MedicalCondition", "name": "Breast cancer bone metastasis"},
        "audience": {"@type": "PeopleAudience", "audienceType": "Patients and carers"},
    }
    if article.updated:  # an article previewed before its first save has no date yet
        data["dateModified"] = article.updated.date().isoformat()
    # "Reviewed" means clinically reviewed: without a reviewer the date is only when it was updated.
    if article.is_clinically_reviewed:
        data["reviewedBy"] = {"@type": "Person", "name": article.reviewer}
        if article.last_reviewed:
            data["lastReviewed"] = article.last_reviewed.isoformat()
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 (escaped above)
