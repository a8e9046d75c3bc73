"""Template tags for article pages: structured data for search engines."""

from django import template
from django.utils.safestring import SafeString

from metsinfo.articles.discovery import medical_web_page_json_ld

register = template.Library()


@register.simple_tag(takes_context=True)
def article_json_ld(context: template.Context, article) -> SafeString:
    """schema.org MedicalWebPage JSON-LD for ``article`` at its absolute address."""
    return medical_web_page_json_ld(article, context["request"].build_absolute_uri(article.get_absolute_url()))
