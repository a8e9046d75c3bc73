"""Template tags for article pages: absolute addresses and structured data for search engines."""

from django import template
from django.conf import settings
from django.utils.safestring import SafeString

from metsinfo.articles.discovery import medical_web_page_json_ld

register = template.Library()


@register.filter
def absolute(path: str) -> str:
    """The public address of a site path, from ``SITE_URL``: the same whichever host was asked.

    Canonical and shared links must name the site's one public address, and a cached page must
    not depend on the Host header of the request that filled the cache.
    """
    return settings.SITE_URL + path


@register.simple_tag
def article_json_ld(article) -> SafeString:
    """schema.org MedicalWebPage JSON-LD for ``article`` at its public address."""
    return medical_web_page_json_ld(article, absolute(article.get_absolute_url()))
