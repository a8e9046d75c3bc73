"""The editors' and moderators' guides (docs/*.md), readable inside the admin.

The Markdown files in docs/ are the one copy: the admin renders them with the site's own renderer
(sanitised like any page), for signed-in staff only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from metsinfo.articles.rendering import render_markdown

#: The guides: address name -> file in docs/.
GUIDES = {"editors": "editors-guide.md", "moderators": "moderators-guide.md"}


def guide_html(name: str) -> tuple[str, str]:
    """The guide's title (its first ``# `` line) and its text as HTML."""
    text = (settings.BASE_DIR / "docs" / GUIDES[name]).read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    title = first.removeprefix("# ").strip() if first.startswith("# ") else name.capitalize()
    return title, render_markdown(rest if first.startswith("# ") else text, prefix=f"guide-{name}")


def _guide(request: HttpRequest, name: str) -> HttpResponse:
    if name not in GUIDES:
        raise Http404("No such guide.")
    title, html = guide_html(name)
    context = {**admin.site.each_context(request), "title": title, "guide": html, "guides": GUIDES}
    return TemplateResponse(request, "editorial/guide.html", context)


#: Staff only: others are sent to the admin's sign-in page.
guide_view = admin.site.admin_view(_guide)
