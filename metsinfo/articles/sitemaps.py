"""The sitemap of every public page, for search engines (``/sitemap.xml``)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from metsinfo.articles.models import Article, Section, SupportPage


class SiteSitemap(Sitemap):
    """Addresses on ``SITE_URL``, the site's one public address, whatever Host the request named."""

    @property
    def protocol(self) -> str:  # type: ignore[override]
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PagesSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self) -> list[str]:
        return ["articles:home", "articles:glossary", "articles:support", "articles:my_questions"]

    def location(self, item: str) -> str:
        return reverse(item)


class ArticleSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 1.0

    def items(self):
        return Article.objects.published()

    def lastmod(self, article: Article):
        return article.updated


class SectionSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Section.objects.filter(article__in=Article.objects.published()).select_related("article")

    def lastmod(self, section: Section):
        return section.updated


class SupportPageSitemap(SiteSitemap):
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
