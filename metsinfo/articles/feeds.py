"""The Atom feed of article updates (``/feed/``), for feed readers.

An entry per published article, and one per public change note on a published page (an
article, one of its sections, or a support page), newest first.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from metsinfo.articles.models import Article, ChangeNote

ENTRIES = 50


def _when(item: Article | ChangeNote) -> datetime:
    """When an entry last changed; a note counts from its date, or from when it was written that day."""
    if isinstance(item, Article):
        return item.updated
    return max(item.created, datetime.combine(item.date, time.min, tzinfo=UTC))


class ArticleUpdatesFeed(Feed):
    """Atom feed: an entry per published article and per change note, newest change first."""

    feed_type = Atom1Feed
    title = "metsinfo: article updates"
    subtitle = "New and updated pages about breast cancer that has spread to the bone."

    # Every address is absolute, from SITE_URL, so the feed never names the request's Host.
    def link(self) -> str:
        return settings.SITE_URL + reverse("articles:home")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("feed")

    def items(self) -> list[Article | ChangeNote]:
        articles = list(Article.objects.published().order_by("-updated")[:ENTRIES])
        notes = list(ChangeNote.objects.published()[:ENTRIES])
        return sorted([*articles, *notes], key=_when, reverse=True)[:ENTRIES]

    def item_link(self, item: Article | ChangeNote) -> str:
        if isinstance(item, ChangeNote):
            return f"{settings.SITE_URL}{item.get_absolute_url()}#changes"
        return settings.SITE_URL + item.get_absolute_url()

    def item_guid(self, item: Article | ChangeNote) -> str:
        if isinstance(item, ChangeNote):
            return f"{settings.SITE_URL}{item.get_absolute_url()}#change-{item.pk}"
        return self.item_link(item)

    def item_title(self, item: Article | ChangeNote) -> str:
        if isinstance(item, ChangeNote):
            return f"Changed: {item.page_title}"
        return item.title

    def item_description(self, item: Article | ChangeNote) -> str:
        if isinstance(item, ChangeNote):
            return f"{item.date:%-d %B %Y}: {item.note}"
        return item.description

    def item_updateddate(self, item: Article | ChangeNote) -> datetime:
        return _when(item)

    def item_pubdate(self, item: Article | ChangeNote) -> datetime:
        return item.created if isinstance(item, Article) else _when(item)
