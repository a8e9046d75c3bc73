"""Sitemap, robots.txt, the Atom feed, link previews and structured data."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from metsinfo.articles.models import Article, ChangeNote, SectionKind
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.usefixtures("seeded")
ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"


def test_sitemap_lists_every_public_page(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = {
        loc.text for loc in ET.fromstring(response.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    }
    expected = {f"{settings.SITE_URL}/", f"{settings.SITE_URL}/glossary/", f"{settings.SITE_URL}{ARTICLE_URL}"}
    expected |= {f"{settings.SITE_URL}{ARTICLE_URL}{kind}/" for kind in SectionKind.values}
    expected |= {f"{settings.SITE_URL}/support/", f"{settings.SITE_URL}/my-questions/"}
    expected |= {f"{settings.SITE_URL}/support/{slug}/" for slug in ("getting-help", "living-with", "questions-to-ask")}
    assert locations == expected


def test_sitemap_leaves_out_drafts(client):
    Article.objects.filter(slug=ARTICLE_SLUG).update(status="draft")
    assert ARTICLE_SLUG not in client.get("/sitemap.xml").text


def test_robots_txt(client):
    text = client.get("/robots.txt").text
    assert "Disallow: /admin/" in text
    assert "Disallow: /review/" in text
    assert f"Sitemap: {settings.SITE_URL}/sitemap.xml" in text


def test_atom_feed_of_article_updates(client):
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    titles = [e.find(f"{atom}title").text for e in entries]
    # The article, and an entry for each public change note the content gives.
    assert titles.count("Understanding Breast Cancer Bone Metastasis") == 1
    assert len([title for title in titles if title.startswith("Changed: ")]) == ChangeNote.objects.count() >= 10
    assert all(e.find(f"{atom}updated").text for e in entries)
    assert 'rel="alternate" type="application/atom+xml"' in client.get("/").text


def test_article_link_previews(client):
    html = client.get(ARTICLE_URL).text
    article = Article.objects.get(slug=ARTICLE_SLUG)
    assert '<meta property="og:title" content="Understanding Breast Cancer Bone Metastasis">' in html
    assert f'<meta property="og:url" content="{settings.SITE_URL}{ARTICLE_URL}">' in html
    assert f'<meta name="twitter:description" content="{article.description[:60]}' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_section_link_previews_use_the_key_points(client):
    html = client.get(f"{ARTICLE_URL}symptoms/").text
    assert (
        'property="og:title" content="Symptoms of Bone Metastasis \u2013 Understanding Breast Cancer Bone Metastasis"'
        in html
    )
    assert 'property="og:description" content="Bone pain is often a gnawing ache' in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}{ARTICLE_URL}symptoms/">' in html


def test_medical_web_page_json_ld(client):
    html = client.get(ARTICLE_URL).text
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload)
    assert data["@type"] == "MedicalWebPage"
    assert data["about"] == {"@type": "MedicalCondition", "name": "Breast cancer bone metastasis"}
    assert data["url"] == f"{settings.SITE_URL}{ARTICLE_URL}"
    assert "reviewedBy" not in data and "lastReviewed" not in data, "not claimed until a clinician signs off"
    assert data["description"] == Article.objects.get(slug=ARTICLE_SLUG).description


def test_json_ld_cannot_break_out_of_its_script(client):
    Article.objects.filter(slug=ARTICLE_SLUG).update(reviewer="</script><script>alert(1)</script>")
    html = client.get(ARTICLE_URL).text
    assert "</script><script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_shared_links_name_the_public_address_whatever_host_was_asked(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "metsinfo.internal"]
    settings.SITE_URL = "https://metsinfo.example"
    for host in ("testserver", "metsinfo.internal"):
        html = client.get(f"{ARTICLE_URL}symptoms/", headers={"Host": host}).text
        assert f'<link rel="canonical" href="https://metsinfo.example{ARTICLE_URL}symptoms/">' in html


@pytest.mark.parametrize("path", ["/sitemap.xml", "/feed/", "/robots.txt"])
def test_sitemap_feed_and_robots_name_site_url_never_the_host(client, settings, path):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    settings.SITE_URL = "https://metsinfo.example"
    text = client.get(path, headers={"Host": "evil.example"}).content.decode()
    assert "https://metsinfo.example/" in text
    assert "evil.example" not in text and "testserver" not in text
    addresses = re.findall(r"https?://[^\s<\"']+", text)
    public = [a for a in addresses if not a.startswith(("http://www.w3.org", "http://www.sitemaps.org"))]
    assert public and all(a.startswith("https://metsinfo.example/") for a in public), public
