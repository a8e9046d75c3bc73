"""Reading offline, over HTTP: the service worker, the web app manifest, and the list of pages to save.

What a person sees (pages opening with no network, the notices) is in
tests/browser/test_offline_browser.py; here are the answers those rest on. Requests go through the
WSGI application as gunicorn runs it, page cache included (``visitor``).
"""

import json
import re
import struct

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from metsinfo.articles.models import Article, GlossaryTerm, Section, SectionKind, SupportPage
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.usefixtures("seeded")

ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"


def offline_list(visitor) -> dict:
    response = visitor().get("/offline.json")
    assert response.content_type == "application/json"
    return response.json


def test_the_service_worker_is_served_from_the_root_as_javascript_checked_every_time(visitor):
    assert reverse("articles:service_worker") == "/sw.js"
    response = visitor().get("/sw.js")
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Set-Cookie" not in response.headers and "ETag" in response.headers
    assert response.body == open(finders.find("js/sw.js"), "rb").read()  # noqa: SIM115
    assert 'addEventListener("fetch"' in response.text
    # The worker fetches the list by this address.
    assert f'LIST_URL = "{reverse("articles:offline_list")}"' in response.text
    checking_back = visitor().get("/sw.js", headers={"If-None-Match": response.headers["ETag"]}, status=304)
    assert checking_back.body == b""


def test_the_manifest_is_valid_json_with_what_installing_needs(visitor):
    response = visitor().get("/manifest.webmanifest")
    assert response.headers["Content-Type"] == "application/manifest+json"
    assert response.headers["Cache-Control"].startswith("public")
    manifest = json.loads(response.body)
    assert manifest["name"] and manifest["short_name"] == "metsinfo"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    # The site's own colours: the header's accent, the page's background (static/css/site.css).
    css = open(finders.find("css/site.css")).read()  # noqa: SIM115
    assert f"--accent: {manifest['theme_color']};" in css
    assert f"--bg: {manifest['background_color']};" in css
    sizes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix(settings.STATIC_URL))
        assert path, icon
        with open(path, "rb") as png:
            header = png.read(24)
        assert header[:8] == b"\x89PNG\r\n\x1a\n" and icon["type"] == "image/png"
        width, height = struct.unpack(">II", header[16:24])
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add(width)
    assert {192, 512} <= sizes


@pytest.mark.parametrize("url", ["/", ARTICLE_URL, f"{ARTICLE_URL}symptoms/", "/glossary/", "/support/", "/search/"])
def test_every_page_links_the_manifest_and_the_offline_script(visitor, url):
    page = visitor().get(url)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page.text
    assert '<script src="/static/js/offline.js" defer></script>' in page.text
    # The notices are in the page for every reader alike, hidden until the script fills them in.
    assert 'data-worker="/sw.js" hidden' in page.text and 'role="status" data-offline-notice></div>' in page.text


def test_the_list_holds_every_page_a_reader_needs_offline(visitor):
    pages = offline_list(visitor)["pages"]
    article = Article.objects.get(slug=ARTICLE_SLUG)
    expected = ["/", "/support/", "/glossary/", "/search/", "/my-questions/", "/card/", "/card/sheet/", ARTICLE_URL]
    expected += [f"{ARTICLE_URL}{kind}/" for kind in SectionKind.values]
    expected += [page.get_absolute_url() for page in SupportPage.objects.published()]
    assert "/support/questions-to-ask/" in expected
    assert sorted(pages) == sorted(expected)
    assert len(pages) == len(set(pages))
    assert article.sections.count() == 6


def test_the_list_leaves_out_drafts(visitor):
    SupportPage.objects.filter(slug="living-with").update(status=Article.Status.DRAFT)
    assert "/support/living-with/" not in offline_list(visitor)["pages"]


def test_the_list_names_what_is_never_saved(visitor):
    assert offline_list(visitor)["never"] == [f"/{settings.ADMIN_PATH}", "/review/"]


def test_the_list_is_a_public_reader_page_the_same_for_everyone(visitor):
    first, second = visitor().get("/offline.json"), visitor().get("/offline.json")
    assert first.body == second.body
    assert first.headers["Cache-Control"].startswith("public") and "Set-Cookie" not in first.headers


def test_the_list_takes_a_fixed_number_of_queries(django_assert_num_queries):
    from metsinfo.articles.offline import offline_pages

    with django_assert_num_queries(4):
        offline_pages()


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: _edit(Section.objects.get(kind="treatments"), "plain"), id="section"),
        pytest.param(lambda: _edit(Article.objects.get(slug=ARTICLE_SLUG), "summary"), id="article"),
        pytest.param(lambda: _edit(SupportPage.objects.get(slug="getting-help"), "body"), id="support-page"),
        pytest.param(lambda: _edit(GlossaryTerm.objects.order_by("pk").first(), "definition"), id="glossary"),
        pytest.param(lambda: GlossaryTerm.objects.order_by("pk").first().delete(), id="glossary-deleted"),
    ],
)
def test_the_version_changes_when_content_changes_and_only_then(visitor, change):
    before = offline_list(visitor)["version"]
    assert offline_list(visitor)["version"] == before
    change()  # through the model: the page caches are cleared on commit, this list's included
    assert offline_list(visitor)["version"] != before


def _edit(row, field: str) -> None:
    setattr(row, field, getattr(row, field) + "\n\nA correction.")
    row.save()


def test_the_version_changes_with_a_new_release(visitor, settings):
    from metsinfo.articles.offline import content_version, offline_pages

    before = content_version(*offline_pages())
    settings.RELEASE = "another-release"
    assert content_version(*offline_pages()) != before


def test_the_offline_sentences_are_plain(client):
    from metsinfo.articles import readability

    html = client.get("/").text
    sentences = re.findall(r'<template data-offline-text="[^"]+">(.*?)</template>', html, re.S)
    assert len(sentences) == 9
    button = re.search(r"data-offline-update>(.*?)</button>", html).group(1)
    # The date the script writes in, as a reader sees it.
    text = " ".join(s.replace("<time></time>", "2 December 2026") for s in [*sentences, button + "."])
    figures = readability.measure_plain(text)
    assert figures.reading_age <= 11 and figures.long_sentences == 0, figures
