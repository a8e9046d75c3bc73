"""No payload in any reader field, or in an editor's reply, becomes markup or script on the page."""

import re
from html.parser import HTMLParser

import pytest

from metsinfo.comments.models import Comment, Reply
from tests.comments_helpers import ARTICLE_URL, POST_URL, form_data
from tests.xss_payloads import XSS_PAYLOADS

pytestmark = pytest.mark.usefixtures("seeded")

ALLOWED_IN_COMMENT_AREA = {
    "section", "h2", "h3", "h4", "ol", "ul", "li", "p", "strong", "span", "time", "div", "form", "input", "button",
    "label", "fieldset", "legend", "textarea", "a", "br",
}  # fmt: skip
BAD_SCHEMES = re.compile(r"^\s*(javascript|vbscript|data):", re.I)


class _Auditor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = 0
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id") == "comments":
            self.inside = 1
        elif self.inside and tag not in {"br", "input"}:
            self.inside += 1
        if not self.inside:
            return
        if tag not in ALLOWED_IN_COMMENT_AREA:
            self.problems.append(f"unexpected <{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            if name in {"href", "src", "action", "formaction"} and value and BAD_SCHEMES.match(value):
                self.problems.append(f"{name}={value!r}")
            if name == "style":
                self.problems.append("style attribute")

    def handle_endtag(self, tag):
        if self.inside:
            self.inside -= 1


def audit(html: str) -> list[str]:
    auditor = _Auditor()
    auditor.feed(html)
    return auditor.problems


def test_the_corpus_is_large_enough():
    assert len(set(XSS_PAYLOADS)) >= 50


def test_payloads_in_every_field_stay_text(client):
    article = Comment.objects.first().article
    for payload in XSS_PAYLOADS:
        comment = Comment.objects.create(
            article=article, display_name=payload[:60], body=payload, status="approved", moderator_note=payload
        )
        Reply.objects.create(comment=comment, body=payload)
    html = client.get(ARTICLE_URL).text
    assert audit(html) == []
    area = html[html.index('id="comments"') :]
    assert "<script" not in area.lower()
    assert "alert(1)" in area, "payloads are shown, as text"


@pytest.mark.parametrize("payload", XSS_PAYLOADS[::6])
def test_payloads_submitted_through_the_form_stay_text_even_when_rejected(client, payload):
    # Every field at once; the email is invalid, so the form comes back with everything re-shown.
    data = form_data(display_name=payload[:60], body=payload, email=payload, role=payload)
    response = client.post(POST_URL, data)
    assert response.status_code == 400
    assert audit(response.text) == []


@pytest.mark.parametrize("payload", XSS_PAYLOADS[1::5])
def test_payloads_submitted_and_approved_stay_text(client, payload):
    client.post(POST_URL, form_data(display_name=payload[:60], body=payload + " (long enough)"))
    Comment.objects.filter(seed_key__isnull=True).update(status="approved")
    for comment in Comment.objects.filter(seed_key__isnull=True):
        comment.save()
    assert audit(client.get(ARTICLE_URL).text) == []


def test_the_auditor_catches_script_handlers_and_bad_urls():
    html = (
        '<section id="comments"><img src=x onerror=alert(1)><script>x</script>'
        '<a href="javascript:alert(1)">x</a><p style="x">y</p></section>'
    )
    assert audit(html) == [
        "unexpected <img>",
        "event handler onerror= on <img>",
        "unexpected <script>",
        "href='javascript:alert(1)'",
        "style attribute",
    ]
