"""The Atom feed of article updates (``/feed/``), for feed readers."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from metsinfo.articles.models import Article


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
