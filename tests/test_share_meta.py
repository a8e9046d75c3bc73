"""Link previews: every reader page carries the same full set of Open Graph and Twitter tags."""

import struct
from html.parser import HTMLParser

import pytest
from django.conf import settings

from metsinfo.articles.models import Article, Section, SupportPage
from metsinfo.comments.models import Comment
from tests.conftest import ARTICLE_SLUG

pytestmark = pytest.mark.usefixtures("seeded")
ARTICLE_URL = f"/articles/{ARTICLE_SLUG}/"
SITE_DESCRIPTION = (
    "Clear, checked information for people living with breast cancer that has spread to the bone, "
    "and those who care for them."
)
#: Every tag a preview needs; og:image:* and twitter:image describe the one branded picture.
REQUIRED = (
    "og:type",
    "og:site_name",
    "og:title",
    "og:description",
    "og:url",
    "og:image",
    "og:image:width",
    "og:image:height",
    "og:image:alt",
    "twitter:card",
    "twitter:title",
    "twitter:description",
    "twitter:image",
    "description",
)


class _HeadTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "meta" and (name := attributes.get("property") or attributes.get("name")):
            self.meta.setdefault(name, []).append(attributes.get("content", ""))
        elif tag == "link" and attributes.get("rel") == "canonical":
            self.canonical.append(attributes["href"])
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def head_tags(html: str) -> _HeadTags:
    parser = _HeadTags()
    parser.feed(html[: html.index("</head>")])
    return parser


def one(tags: _HeadTags, name: str) -> str:
    values = tags.meta.get(name, [])
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


def _comment_pages() -> dict[str, str]:
    article = Article.objects.get(slug=ARTICLE_SLUG)
    Comment.objects.bulk_create(
        Comment(article=article, body=f"Comment {n}", body_html=f"<p>Comment {n}</p>", status="approved")
        for n in range(settings.COMMENTS_PER_PAGE + 1)
    )
    comment = Comment.objects.filter(status="approved").first()
    return {
        f"{ARTICLE_URL}comments/new/": f"Add a comment on {article.title}.",
        f"{ARTICLE_URL}comments/page/2/": f"Older readers\u2019 comments on {article.title}.",
        f"/comments/{comment.pk}/report/": SITE_DESCRIPTION,
    }


def reader_pages() -> dict[str, tuple[str, str, str]]:
    """Path: (expected og:url path, og:type, plain description) for each kind of reader page."""
    article = Article.objects.get(slug=ARTICLE_SLUG)
    symptoms = Section.objects.get(article=article, kind="symptoms")
    support = SupportPage.objects.get(slug="getting-help")
    pages = {
        "/": ("/", "website", SITE_DESCRIPTION),
        ARTICLE_URL: (ARTICLE_URL, "article", article.description),
        f"{ARTICLE_URL}symptoms/": (f"{ARTICLE_URL}symptoms/", "article", symptoms.description),
        "/glossary/": ("/glossary/", "website", "Plain-language meanings of the medical words used on metsinfo."),
        "/support/": (
            "/support/",
            "website",
            "Where to get help, living with secondary breast cancer in the bone, and questions to ask your care team.",
        ),
        "/support/getting-help/": ("/support/getting-help/", "article", support.description),
        "/search/": ("/search/", "website", "Search the metsinfo articles and glossary."),
        "/search/?q=bone+pain": ("/search/", "website", "Search the metsinfo articles and glossary."),
        "/privacy/": ("/privacy/", "website", "What metsinfo stores when you read or comment, and for how long."),
        "/no-such-page/": ("/no-such-page/", "website", SITE_DESCRIPTION),
    }
    for path, description in _comment_pages().items():
        pages[path] = (path.split("?")[0], "website", description)
    return pages


def test_every_reader_page_has_the_full_set_of_link_preview_tags(client):
    image = f"{settings.SITE_URL}/static/img/og-image.png"
    for path, (url_path, og_type, description) in reader_pages().items():
        response = client.get(path)
        assert response.status_code in (200, 404), path
        tags = head_tags(response.text)
        missing = [name for name in REQUIRED if name not in tags.meta]
        assert not missing, f"{path} lacks {missing}"
        title = tags.title.removesuffix(" \u2013 metsinfo")
        assert one(tags, "og:title") == one(tags, "twitter:title") == title, path
        assert one(tags, "og:url") == f"{settings.SITE_URL}{url_path}" == tags.canonical[0], path
        assert one(tags, "og:type") == og_type, path
        assert one(tags, "og:site_name") == "metsinfo"
        assert one(tags, "og:image") == one(tags, "twitter:image") == image, path
        assert (one(tags, "og:image:width"), one(tags, "og:image:height")) == ("1200", "630")
        assert one(tags, "og:image:alt").startswith("metsinfo")
        assert one(tags, "twitter:card") == "summary_large_image"
        assert one(tags, "description") == one(tags, "og:description") == one(tags, "twitter:description"), path
        assert one(tags, "og:description") == description, path


def test_previews_describe_a_page_in_its_plain_summary_never_the_medical_lead(client):
    article = Article.objects.get(slug=ARTICLE_SLUG)
    lead = article.summary.split(".")[0]
    assert article.description and lead not in article.description
    for path in (ARTICLE_URL, f"{ARTICLE_URL}treatments/", "/"):
        tags = head_tags(client.get(path).text)
        description = one(tags, "og:description")
        assert lead not in description, path
        for word in ("morbidity", "mortality", "phenomenon", "[^"):
            assert word not in description, (path, word)


def test_the_preview_picture_is_a_1200_by_630_png():
    data = (settings.BASE_DIR / "static" / "img" / "og-image.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)
    assert (settings.BASE_DIR / "static" / "img" / "og-image.svg").exists(), "its editable source"
