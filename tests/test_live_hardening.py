"""Review links on the real servers: simultaneous approvals, and the token kept out of every log.

One site (gunicorn with production settings, 4 sync workers, behind the shipped nginx
configuration), on SQLite or, with DATABASE_URL set, PostgreSQL. Both logs are files the test reads.
"""

from __future__ import annotations

import json
import re
import threading

import pytest
from django.conf import settings

from tests.live import Browser, forms
from tests.proxy import ProxiedSite, fetch, nginx_in_front, start_nginx

CLICKS = 8
REVIEWER = "Dr Live Example"
ARTICLE = "breast-cancer-bone-metastasis"
MAKE_LINK = (
    "from metsinfo.articles.models import Article; from metsinfo.editorial.review import make_link_token; "
    f"print(make_link_token(Article.objects.get(slug={ARTICLE!r}), {REVIEWER!r}))"
)
MAKE_STALE_LINK = (
    "from django.core import signing; from metsinfo.articles.models import Article; "
    "from metsinfo.editorial.review import SALT; "
    f"print(signing.dumps({{'a': Article.objects.get(slug={ARTICLE!r}).pk, 'r': 'Dr Stale', 'v': '0' * 64}}, "
    "salt=SALT, compress=True))"
)
COUNT_APPROVALS = (
    "from metsinfo.articles.models import Article, ReviewApproval; "
    f"a = Article.objects.get(slug={ARTICLE!r}); "
    "print(ReviewApproval.objects.filter(article=a).count(), a.history.filter(reviewer=a.reviewer).count())"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("review-live")
    site = ProxiedSite(
        tmp,
        workers=4,
        env={"GUNICORN_ACCESS_LOG": str(tmp / "gunicorn-access.log"), "DJANGO_ADMIN_PATH": settings.ADMIN_PATH},
    )
    proxy = nginx_in_front(site.upstream, tmp, settings.ADMIN_PATH)
    try:
        site.create()
        site.start()
        start_nginx(proxy, tmp)
        site.proxy = proxy
        yield site
    finally:
        proxy.stop()
        site.destroy()


def _approve_form(page: str) -> list:
    form = next(f for f in forms(page) if any(name == "csrfmiddlewaretoken" for name, _ in f["fields"]))
    return [*form["fields"], ["approve", "1"]]


def test_simultaneous_approvals_all_end_on_the_approved_page(site):
    token = site.manage("shell", "--no-imports", "-c", MAKE_LINK).split()[-1]
    link = site.url(0, f"/review/{token}/")
    browsers = [Browser() for _ in range(CLICKS)]
    pages = [browser.get(link) for browser in browsers]
    assert {page.status for page in pages} == {200}
    filled = [_approve_form(page.text) for page in pages]
    start = threading.Barrier(CLICKS)
    answers: list = [None] * CLICKS

    def click(n: int) -> None:
        start.wait()
        answers[n] = browsers[n].request(link, filled[n])

    threads = [threading.Thread(target=click, args=(n,)) for n in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(answer.status for answer in answers)
    assert set(statuses) <= {200, 302}, statuses
    for browser, answer in zip(browsers, answers, strict=True):
        shown = browser.get(link) if answer.status == 302 else answer
        assert shown.status == 200
        assert f"Approved by {REVIEWER} on" in re.sub(r"<[^>]+>", "", shown.text)
    counts = site.manage("shell", "--no-imports", "-c", COUNT_APPROVALS).split()[-2:]
    assert counts == ["1", "1"], "one approval row and one history entry"


# Cross-Origin-Resource-Policy ---------------------------------------------------------------------

PAGES = ["/", f"/articles/{ARTICLE}/", "/glossary/", "/no-such-page/", "/healthz", "/robots.txt"]


def test_every_response_says_same_origin_from_gunicorn_and_from_nginx(site):
    hashed = json.loads((site.tmp / "static" / "staticfiles.json").read_text())["paths"]["css/site.css"]
    for path in [*PAGES, f"/static/{hashed}", f"/{settings.ADMIN_PATH}login/"]:
        for url in (site.url(0, path), site.proxy.url(path)):
            for _ in range(2):  # the second answer may come from a cache
                reply = fetch(url)
                assert reply.headers.get("Cross-Origin-Resource-Policy") == "same-origin", (url, reply.status)


# Secrets kept out of the logs ---------------------------------------------------------------------

RESET_TOKEN = "cz6m2u-0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def test_review_and_reset_tokens_never_reach_a_log(site):
    token = site.manage("shell", "--no-imports", "-c", MAKE_LINK.replace(REVIEWER, "Dr Log Example")).split()[-1]
    # Signed like any link, for a version of the text that is not the current one: the page
    # answers 409, which Django's request logger reports with the path ("Conflict: /review/...").
    stale = site.manage("shell", "--no-imports", "-c", MAKE_STALE_LINK).split()[-1]
    css = json.loads((site.tmp / "static" / "staticfiles.json").read_text())["paths"]["css/site.css"]
    for base in (site.url(0, ""), site.proxy.url("")):
        link = f"{base}/review/{token}/"
        assert fetch(link).status == 200
        # A browser fetches the page's style sheet with the page's address as Referer.
        assert fetch(f"{base}/static/{css}", headers={"Referer": link}).status == 200
        assert fetch(f"{base}/review/{stale}/").status == 409
        reset = f"{base}/{settings.ADMIN_PATH}reset/MQ/{RESET_TOKEN}/"
        assert fetch(reset, headers={"Referer": link}).status in (200, 302, 404)
    logs = {
        "gunicorn access log": site.tmp / "gunicorn-access.log",
        "gunicorn error log (Django's logging)": site.tmp / f"gunicorn-{site.ports[0]}.log",
        "nginx access log": site.tmp / "nginx-access.log",
    }
    texts = {name: path.read_text() for name, path in logs.items()}
    for name, text in texts.items():
        for secret in (token, stale):
            assert secret not in text, name
            assert secret.split(":")[0] not in text, f"{name}: not even the signed payload"
        assert RESET_TOKEN not in text, name
    assert "/review/[redacted]" in texts["gunicorn access log"]
    assert "/review/[redacted]" in texts["nginx access log"]
    assert "Conflict: /review/[redacted]" in texts["gunicorn error log (Django's logging)"]
