"""My questions for my next appointment: the sourced questions a reader can tick, and /my-questions/.

The questions are content: each topic on a support page (``content/pages/questions-to-ask.md``)
is a ``##`` heading marked ``{: .questions }`` with its questions as a list under it, and
``.for-<kind>`` classes on the same heading name the article sections that also offer it::

    ## Tests and results {: .questions .for-diagnosis }

The marks ride on Markdown's attribute lists, so the renderer keeps them as classes on the stored
``<h2>`` and the exporter writes them back as they were typed. This module reads the topics back
out of the stored HTML (no Markdown is rendered per request), checks the marks for the loader
and the admin, and serves ``/my-questions/``. The reader's list itself lives only in their browser
(``static/js/questions.js``, localStorage): the server never learns what anyone ticked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from metsinfo.articles.caching import reader_page
from metsinfo.articles.models import SectionKind, SupportPage

#: The support page that holds the sourced questions (``/support/questions-to-ask/``).
QUESTIONS_PAGE_SLUG = "questions-to-ask"
TOPIC_CLASS = "questions"
SECTION_CLASS_PREFIX = "for-"

_TOPIC_HTML = re.compile(
    r'<h2 class="(?P<classes>[^"]*)" id="(?P<id>[^"]+)">(?P<title>.*?)</h2>\s*<ul>(?P<items>.*?)</ul>', re.S
)
_ITEM_HTML = re.compile(r"<li>(.*?)</li>", re.S)
_CITATION_HTML = re.compile(r'<sup class="cite">.*?</sup>', re.S)
_GLOSSARY_LINK_HTML = re.compile(r'<a class="glossary-link" href="[^"]*">(.*?)</a>', re.S)
_HEADING_MD = re.compile(r"^ {0,3}(#{1,6})[ \t]+(?P<text>.*?)[ \t]*$")
_ATTRIBUTES_MD = re.compile(r"\{:?(?P<attributes>[^{}]*)\}\s*$")
_LIST_ITEM_MD = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])[ \t]+\S")


@dataclass(frozen=True)
class Topic:
    """One group of questions: its heading, the sections it is for, its questions (safe HTML) and its page."""

    title: str
    anchor: str
    sections: frozenset[str]
    questions: tuple[str, ...]
    page_url: str = ""

    @property
    def url(self) -> str:
        """The topic on its own page, where each question names its sources."""
        return f"{self.page_url}#{self.anchor}"


def topics_in(html: str, page_url: str = "") -> list[Topic]:
    """The question topics in a page's stored HTML (the page at ``page_url``), in page order."""
    topics = []
    for match in _TOPIC_HTML.finditer(html):
        classes = match["classes"].split()
        if TOPIC_CLASS not in classes:
            continue
        sections = frozenset(
            c.removeprefix(SECTION_CLASS_PREFIX) for c in classes if c.startswith(SECTION_CLASS_PREFIX)
        )
        questions = tuple(item.strip() for item in _ITEM_HTML.findall(match["items"]))
        topics.append(Topic(match["title"], match["id"], sections, questions, page_url))
    return topics


def _as_picked(question_html: str) -> str:
    """A question as a section page shows it: the words alone.

    Its citation numbers belong to the questions page's own reference list (the section page has
    its own, numbered differently), so the section links to the topic there instead; glossary
    links would sit inside the tick box's label.
    """
    return _GLOSSARY_LINK_HTML.sub(r"\1", _CITATION_HTML.sub("", question_html)).strip()


def topics_for_section(kind: str) -> list[Topic]:
    """The topics the published questions page offers on the ``kind`` section's page."""
    page = SupportPage.objects.published().filter(slug=QUESTIONS_PAGE_SLUG).only("slug", "body_html").first()
    if page is None:
        return []
    return [
        replace(topic, questions=tuple(_as_picked(question) for question in topic.questions))
        for topic in topics_in(page.body_html, page.get_absolute_url())
        if kind in topic.sections
    ]


def marker_problems(text: str) -> list[tuple[int, str]]:
    """``(line, message)`` for question marks the site cannot use: an unknown section, or a topic with no list."""
    problems = []
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        heading = _HEADING_MD.match(line)
        attributes = _ATTRIBUTES_MD.search(heading["text"]) if heading else None
        if attributes is None:
            continue
        classes = [word[1:] for word in attributes["attributes"].split() if word.startswith(".")]
        for name in classes:
            kind = name.removeprefix(SECTION_CLASS_PREFIX)
            if name.startswith(SECTION_CLASS_PREFIX) and kind not in SectionKind.values:
                problems.append(
                    (number, f"unknown section '{kind}' in '.{name}': use one of {', '.join(SectionKind.values)}")
                )
        if any(name.startswith(SECTION_CLASS_PREFIX) for name in classes) and TOPIC_CLASS not in classes:
            problems.append((number, f"'.{SECTION_CLASS_PREFIX}...' marks a question topic: add '.{TOPIC_CLASS}' too"))
        if TOPIC_CLASS in classes and (len(heading[1]) != 2 or not _list_follows(lines[number:])):
            problems.append(
                (number, f"a '.{TOPIC_CLASS}' topic is a '##' heading with its questions as a list right under it")
            )
    return problems


def _list_follows(lines: list[str]) -> bool:
    following = next((line for line in lines if line.strip()), "")
    return bool(_LIST_ITEM_MD.match(following))


@require_safe
@reader_page
def my_questions(request: HttpRequest) -> HttpResponse:
    """``/my-questions/``: the same page for everyone; the reader's list is filled in by their browser."""
    context = {"questions_url": reverse("articles:support_page", kwargs={"slug": QUESTIONS_PAGE_SLUG})}
    return render(request, "articles/my_questions.html", context)
