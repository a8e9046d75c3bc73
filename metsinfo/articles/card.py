"""The wallet card: the urgent-help signs on paper, as one card (front and back) or an A4 sheet of them.

The card says what the urgent-help card says (the same template pieces), with a blank line for the
reader's own helpline number and a QR code back to the urgent-help card online. Like every reader
page it is public and cached: nothing on it is about the visitor.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from metsinfo.articles.caching import reader_page
from metsinfo.articles.models import Article

#: Folded cards on one A4 sheet: five rows of front and back (85.6 by 54 mm each) fill the page.
CARDS_PER_SHEET = 5
#: The urgent-help card's heading, the fragment its QR code points to.
URGENT_HELP_ANCHOR = "urgent-help-title"


def urgent_help_url() -> str:
    """The public address of the urgent-help card: on the article, or the home page if none is published."""
    article = Article.objects.published().first()
    path = article.get_absolute_url() if article else reverse("articles:home")
    return f"{settings.SITE_URL}{path}#{URGENT_HELP_ANCHOR}"


@require_safe
@reader_page
def card(request: HttpRequest) -> HttpResponse:
    """``/card/``: one wallet card to print, cut out and fold, with how to do it."""
    return render(request, "articles/card.html", {"urgent_help_url": urgent_help_url()})


@require_safe
@reader_page
def card_sheet(request: HttpRequest) -> HttpResponse:
    """``/card/sheet/``: an A4 sheet of wallet cards, for family, carers and the fridge door."""
    context = {"urgent_help_url": urgent_help_url(), "copies": range(CARDS_PER_SHEET)}
    return render(request, "articles/card_sheet.html", context)
