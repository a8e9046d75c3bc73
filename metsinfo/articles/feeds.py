"""The Atom feed of article updates (``/feed/``), for feed readers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from metsinfo.articles.models import Article


class ArticleUpdatesFeed(Feed):
    """Atom feed: an entry per published article, newest change first."""

    feed_type = Atom1Feed
    title = "metsinfo: article updates"
    subtitle = "New and updated pages about breast cancer that has spread to the bone."

    # Every address is absolute, from SITE_URL, so the feed never names the request's Host.
    def link(self) -> str:
        return settings.SITE_URL + reverse("articles:home")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("feed")

    def item_link(self, article: Article) -> str:
        return settings.SITE_URL + article.get_absolute_url()

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
