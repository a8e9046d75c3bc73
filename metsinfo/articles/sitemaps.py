"""The sitemap of every public page, for search engines (``/sitemap.xml``)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from metsinfo.articles.models import Article, Section, SupportPage


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
