"""Two gunicorn instances sharing one database and one cache, as behind a load balancer.

On the PostgreSQL pass of the suite they share a new PostgreSQL database and Redis (the
supported multi-server set-up); on the SQLite pass, a SQLite file and a cache folder (several
servers on one machine). Production settings, real HTTP, real admin.
"""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
from django.conf import settings

from tests.live import Browser, LiveSite, forms

ARTICLE = "/articles/breast-cancer-bone-metastasis/"
RATE_LIMIT = 4
#: Each instance keeps reader pages in its own memory this long (READER_PAGE_PROCESS_SECONDS).
PROCESS_SECONDS = 2
PASSWORD = "a long password for the editor"


class Site(LiveSite):
    comments_posted = 0

    def post_comment(self, instance: int, body: str) -> int:
        reader = Browser()
        # As the page's script does: the form's token and timestamp come from an uncached endpoint.
        token = json.loads(reader.get(self.url(instance, "/comments/token/")).text)
        fields = {"body": body, "consent": "on", "csrfmiddlewaretoken": token["csrf"], "timestamp": token["timestamp"]}
        response = reader.submit(self.url(instance, ARTICLE), "/comments/", fields)
        self.comments_posted += 1
        return response.status


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    site = Site(
        tmp_path_factory.mktemp("scale-out"),
        instances=2,
        env={"COMMENTS_RATE_LIMIT": f"{RATE_LIMIT}/600", "READER_PAGE_PROCESS_SECONDS": str(PROCESS_SECONDS)},
    )
    try:
        site.create()
        site.manage(
            "createsuperuser", "--noinput", "--username", "editor", "--email", "editor@example.org",
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )  # fmt: skip
        site.start()
        yield site
    finally:
        site.destroy()


def editor(site: Site, instance: int) -> Browser:
    browser = Browser()
    browser.log_in(site.url(instance, ""), "editor", PASSWORD)
    return browser


def admin(site: Site, instance: int, path: str) -> str:
    return site.url(instance, f"/{settings.ADMIN_PATH}{path}")


def shows(site: Site, instance: int, path: str, text: str) -> bool:
    """Whether ``text`` appears on the page within the in-process cache time (polled, bounded by count)."""
    for _ in range(PROCESS_SECONDS * 10 + 10):
        if text in Browser().get(site.url(instance, path)).text:
            return True
        time.sleep(0.2)
    return False


def test_both_instances_serve_the_site(site):
    for instance in (0, 1):
        page = Browser().get(site.url(instance, ARTICLE))
        assert page.status == 200
        assert "Understanding Breast Cancer Bone Metastasis" in page.text


def test_a_comment_posted_on_one_and_approved_on_the_other_appears_on_both(site):
    marker = uuid.uuid4().hex
    text = f"Posted through the first server, {marker}."
    for instance in (0, 1):  # both have the page cached before anything changes
        Browser().get(site.url(instance, ARTICLE))
    assert site.post_comment(0, text) == 302
    assert all(text not in Browser().get(site.url(i, ARTICLE)).text for i in (0, 1)), "pending is not public"

    moderator = editor(site, 1)
    queue = moderator.get(admin(site, 1, f"comments/comment/?q={marker}"))
    pk = re.search(rf"/{settings.ADMIN_PATH}comments/comment/(\d+)/change/", queue.text).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', queue.text).group(1)
    approved = moderator.request(
        admin(site, 1, "comments/comment/"),
        {"action": "approve", "_selected_action": pk, "index": "0", "csrfmiddlewaretoken": token},
    )
    assert approved.status == 302

    for instance in (0, 1):
        assert shows(site, instance, ARTICLE, text), f"instance {instance}"


def test_an_edit_through_one_reaches_the_other_within_its_cache_time(site):
    section = f"{ARTICLE}research/"
    Browser().get(site.url(1, section))
    sentence = f"An editor added this sentence through the first server ({uuid.uuid4().hex[:8]})."

    desk = editor(site, 0)
    articles = desk.get(admin(site, 0, "articles/article/"))
    change = re.search(rf"/{settings.ADMIN_PATH}articles/article/\d+/change/", articles.text).group(0)
    fields = dict(next(f for f in forms(desk.get(site.url(0, change)).text) if f["id"] == "article_form")["fields"])
    index = next(re.match(r"sections-(\d+)-kind", name).group(1) for name, value in fields.items()
                 if re.fullmatch(r"sections-\d+-kind", name) and value == "research")  # fmt: skip
    body_field = f"sections-{index}-body"
    saved = desk.submit(site.url(0, change), "article_form", {body_field: fields[body_field] + f"\n\n{sentence}\n"})
    assert saved.status == 302, re.sub(r"<[^>]+>", " ", saved.text)[:600]

    assert sentence in Browser().get(site.url(0, section)).text, "at once on the server that made the change"
    assert shows(site, 1, section, sentence), f"the other server within its {PROCESS_SECONDS} s in-process cache"


def test_the_comment_rate_limit_holds_across_both_instances(site):
    statuses = []
    instance = 0
    while site.comments_posted < RATE_LIMIT:
        statuses.append(site.post_comment(instance, f"Within the limit, {uuid.uuid4()}."))
        instance = 1 - instance
    assert set(statuses) <= {302}
    assert site.post_comment(0, f"Over the limit, {uuid.uuid4()}.") == 429
    assert site.post_comment(1, f"Over the limit, {uuid.uuid4()}.") == 429
