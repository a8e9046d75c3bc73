"""Reading offline: the pages a reader's browser keeps after one visit, and how it knows they changed.

The service worker (``static/js/sw.js``, served at ``/sw.js`` so that its scope is the whole site)
saves every page :func:`offline_pages` lists, and the files those pages load, in a Cache Storage
cache named after :func:`content_version`. ``/offline.json`` gives both; it is a reader page like
the others (public, cached for seconds, cleared by ``pages_changed`` when content commits), so
a correction changes the version a reader's browser sees on its next visit with a connection,
and the worker then saves a new copy of every page and deletes the old one.

Why a JSON list and not the version written into ``sw.js``: the worker's code changes only with
a release, so a content change never reinstalls it; the list is one small cached request.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from metsinfo.articles.caching import reader_page
from metsinfo.articles.models import Article, GlossaryTerm, SupportPage

#: Pages saved for offline reading that come from no row of their own.
OFFLINE_URL_NAMES = (
    "articles:home",
    "articles:support",
    "articles:glossary",
    "articles:search",
    # The reader's own questions (their list is in the browser's localStorage) and the wallet
    # card, one and a sheet (its QR code is inline SVG, in the page itself).
    "articles:my_questions",
    "articles:card",
    "articles:card_sheet",
)
#: Addresses the worker never saves, whatever the list says: the editors' desk and review links.
NEVER_SAVED = (f"/{settings.ADMIN_PATH}", "/review/")
#: The site's colours (static/css/site.css): the header's accent, the page's background.
THEME_COLOUR = "#005eb8"
BACKGROUND_COLOUR = "#ffffff"


def offline_pages() -> tuple[list[str], list[tuple]]:
    """The addresses to save, and what each depends on (kind, id, last change), from the database."""
    urls = [reverse(name) for name in OFFLINE_URL_NAMES]
    stamps: list[tuple] = []
    for article in Article.objects.published().prefetch_related("sections"):
        urls.append(article.get_absolute_url())
        stamps.append(("article", article.pk, article.updated.isoformat()))
        for section in article.sections.all():
            urls.append(section.get_absolute_url())
            stamps.append(("section", section.pk, section.updated.isoformat()))
    for page in SupportPage.objects.published():
        urls.append(page.get_absolute_url())
        stamps.append(("page", page.pk, page.updated.isoformat()))
    # Every page links the glossary's terms, so any term's change is a change of every page.
    stamps += [("term", pk, updated.isoformat()) for pk, updated in GlossaryTerm.objects.values_list("pk", "updated")]
    return urls, stamps


def content_version(urls: list[str], stamps: list[tuple]) -> str:
    """A short hash that changes whenever a saved page's content, the list or the release changes."""
    digest = hashlib.sha256(json.dumps([settings.RELEASE, urls, stamps]).encode())
    return digest.hexdigest()[:16]


@require_safe
@reader_page  # sw.js fetches it without a query ('/offline.json?saved' is only a Cache Storage key)
def offline_list(request: HttpRequest) -> JsonResponse:
    """``/offline.json``: what the service worker saves, and the version of it."""
    urls, stamps = offline_pages()
    return JsonResponse({"version": content_version(urls, stamps), "pages": urls, "never": list(NEVER_SAVED)})


@cache
def _worker_source() -> bytes:
    with open(finders.find("js/sw.js"), "rb") as source:
        return source.read()


@require_safe
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    """``/sw.js``, at the root so that it may serve every page; ``no-cache`` so a new one is found at once."""
    return HttpResponse(_worker_source(), content_type="application/javascript; charset=utf-8")


@require_safe
@reader_page
def web_manifest(request: HttpRequest) -> JsonResponse:
    """``/manifest.webmanifest``: lets a reader install the site, and open it from its icon offline."""
    manifest = {
        "name": _("metsinfo: breast cancer in the bone, explained"),
        "short_name": "metsinfo",
        "description": _(
            "Clear, checked information for people living with breast cancer that has spread to the bone."
        ),
        "lang": "en-GB",
        "start_url": reverse("articles:home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static(f"img/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png"}
            for size in (192, 512)
        ],
    }
    return JsonResponse(manifest, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
