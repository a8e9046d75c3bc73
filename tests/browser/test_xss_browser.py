"""Every XSS payload, in every place a reader or editor can write, in real Chromium: nothing runs.

Payloads go into comment bodies, display names, the moderator's reply and a section's Markdown,
are approved and shown. Chromium then loads the pages while the test listens for dialogs,
console output, page errors and any request that leaves the site; none may happen. The HTML is
also audited for event-handler attributes, ``javascript:`` URLs and unexpected tags.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from metsinfo.articles.models import Article, Section
from metsinfo.comments.models import Comment, Reply
from tests.browser.conftest import SERVICE_WORKER_BLOCKED
from tests.test_comments_xss import audit
from tests.xss_payloads import XSS_PAYLOADS

ARTICLE = "/articles/breast-cancer-bone-metastasis/"
# Run in the page: every element's attributes, as the browser parsed them.
DOM_PROBLEMS = r"""() => {
  const bad = [];
  const scheme = /^\s*(javascript|vbscript|data):/i;
  const urlAttributes = ["href", "src", "action", "formaction", "srcset", "poster", "background", "xlink:href"];
  for (const element of document.querySelectorAll("*")) {
    for (const attribute of element.attributes) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on")) bad.push(`${name}= on <${element.localName}>`);
      if (urlAttributes.includes(name) && scheme.test(attribute.value)) {
        bad.push(`${name}=${attribute.value} on <${element.localName}>`);
      }
    }
  }
  for (const tag of ["iframe", "object", "embed", "base", "svg script", "math", "style:not([nonce])"]) {
    if (document.querySelector(tag)) bad.push(`<${tag}> present`);
  }
  for (const script of document.scripts) {
    // Data blocks (JSON, JSON-LD) are never run; anything else inline is.
    if (!script.src && !["application/ld+json", "application/json"].includes(script.type)) bad.push("inline <script>");
  }
  return bad;
}"""


class Watcher:
    """Everything a payload could do if it ran."""

    def __init__(self, page, origin: str) -> None:
        self.dialogs: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self._request(request.url, origin))

    def _console(self, message) -> None:
        if message.text != SERVICE_WORKER_BLOCKED:  # Playwright's own line, not the page's
            self.console.append(f"{message.type}: {message.text}")

    def _request(self, url: str, origin: str) -> None:
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin and parts.scheme not in ("data", "about"):
            self.foreign.append(url)

    def assert_quiet(self) -> None:
        assert self.dialogs == [], self.dialogs
        assert self.console == [], self.console
        assert self.errors == [], self.errors
        assert self.foreign == [], self.foreign


@pytest.fixture
def payloads_everywhere(live_site, settings):
    settings.COMMENTS_PER_PAGE = 1000  # every payload comment on the article page itself
    article = Article.objects.get(slug="breast-cancer-bone-metastasis")
    for number, payload in enumerate(XSS_PAYLOADS):
        comment = Comment.objects.create(
            article=article, display_name=payload[:60], body=payload, status=Comment.Status.APPROVED
        )
        if number % 2 == 0:
            Reply.objects.create(comment=comment, body=payload, published=True)
    section = Section.objects.get(article=article, kind="research")
    section.body += "\n\n" + "\n\n".join(XSS_PAYLOADS)
    section.save()
    return live_site


def test_no_payload_runs_in_chromium(payloads_everywhere, desktop):
    origin = payloads_everywhere
    watcher = Watcher(desktop, origin)
    for path in (ARTICLE, f"{ARTICLE}research/"):
        response = desktop.goto(origin + path)
        assert response.status == 200
        desktop.mouse.move(200, 200)
        desktop.keyboard.press("Tab")
        desktop.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        desktop.wait_for_timeout(300)
        assert desktop.evaluate(DOM_PROBLEMS) == [], path
    desktop.goto(origin + ARTICLE)
    assert audit(desktop.content()) == []  # the comment area, as the server sent it
    assert desktop.locator(".comment").count() == len(XSS_PAYLOADS) + 9
    watcher.assert_quiet()
