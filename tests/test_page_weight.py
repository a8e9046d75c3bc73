"""Page weight budget: the article and everything it loads, compressed, at most 46 KB, one origin."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders

from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.usefixtures("seeded")
# 40 KB until the printed "Words used on this page" list (71 meanings, about 3.5 KB) joined it;
# 44 KB until reading offline (offline.js, the web app manifest and the notices, about 2.4 KB) did;
# 46 KB until "Listen to this page" (static/js/listen.js, its control and pronunciations, about 3.5 KB).
BUDGET = 50 * 1024
_TAG = re.compile(r"<(link|script|img|source)\b([^>]*)>")
_URL = re.compile(r'\b(?:href|src)="([^"]+)"')
#: <link> relations that make the browser download something (canonical, alternate... do not).
_DOWNLOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon"}


def downloaded_urls(html: str) -> list[str]:
    """What a browser fetches to show the page: stylesheets, icons, scripts, images."""
    urls = []
    for tag, attributes in _TAG.findall(html):
        rel = re.search(r'\brel="([^"]+)"', attributes)
        if tag == "link" and not (rel and set(rel.group(1).split()) & _DOWNLOADING_RELS):
            continue
        urls += _URL.findall(attributes)
    return urls


def compressed(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


def test_article_page_with_its_assets_is_within_budget(client):
    html = client.get(f"/articles/{ARTICLE_SLUG}/").content
    sizes = {"page": compressed(html)}
    for url in downloaded_urls(html.decode()):
        if not url.startswith("/static/"):  # the web app manifest, made by the site
            sizes[url] = compressed(client.get(url).content)
            continue
        path = finders.find(url.removeprefix("/static/"))
        assert path, f"{url} is not a static file of this site"
        sizes[url] = compressed(open(path, "rb").read())  # noqa: SIM115
    total = sum(sizes.values())
    print(f"article page weight, gzip: {total} bytes {sizes}")
    assert total <= BUDGET, sizes


def test_nothing_is_loaded_from_another_origin(client):
    html = client.get(f"/articles/{ARTICLE_SLUG}/").text
    urls = downloaded_urls(html)
    assert urls, "the page loads its stylesheet"
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
