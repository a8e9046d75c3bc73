"""Nothing a client chooses grows the caches without end, and no flood evicts a rate-limit counter.

Security review 2026-12, §2 and §4: every spelling of a comment page number (``/page/0002/``)
was a cache entry of its own, and on the file cache 400 such pages evicted the rate-limit
counters, so the sixth comment got through. Runs on the file cache (SQLite pass) and on Redis
(PostgreSQL pass, ``REDIS_URL`` set).
"""

import os
import time

import pytest
from django.core.cache import caches

from metsinfo.comments.models import Comment
from metsinfo.lib.cache import FileBasedCache
from tests.comments_helpers import ARTICLE_URL, POST_URL, form_data

pytestmark = pytest.mark.usefixtures("seeded")
READER = "198.51.100.20"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.COMMENTS_RATE_LIMIT = (5, 600)
    settings.COMMENTS_PER_PAGE = 2  # the nine seeded comments make five pages


def comment(client, n: int) -> int:
    return client.post(POST_URL, form_data(body=f"Comment number {n}."), REMOTE_ADDR=READER).status_code


def test_a_page_number_has_one_spelling(client):
    assert client.get(f"{ARTICLE_URL}comments/page/2/").status_code == 200
    for spelling in ["02", "002", "0", "00", "+2", "2.0", " 2", "1234567"]:
        assert client.get(f"{ARTICLE_URL}comments/page/{spelling}/").status_code == 404, spelling
    assert client.get(f"{ARTICLE_URL}comments/page/99/").status_code == 404, "past the last page"


def test_1000_distinct_spellings_then_the_sixth_comment_is_still_refused(client):
    assert [comment(client, n) for n in range(5)] == [302] * 5
    pages = caches["pages"]
    cached_before = len(pages._cache)
    statuses = {client.get(f"{ARTICLE_URL}comments/page/{'0' * zeros}2/").status_code for zeros in range(1, 1001)}
    assert statuses == {404}
    assert len(pages._cache) == cached_before, "no spelling was cached"
    assert comment(client, 6) == 429
    assert Comment.objects.filter(seed_key__isnull=True).count() == 5


def test_many_clients_at_once_do_not_evict_a_readers_counter(client, settings):
    settings.COMMENTS_REPORT_THRESHOLD = 10_000
    assert [comment(client, n) for n in range(5)] == [302] * 5
    reported = Comment.objects.approved().first()
    for n in range(400):  # 400 other readers, each counted in the shared cache
        address = f"203.0.{n // 250}.{n % 250 + 1}"
        assert client.post(f"/comments/{reported.pk}/report/", REMOTE_ADDR=address).status_code == 302
    assert comment(client, 6) == 429


def test_the_file_cache_drops_expired_entries_before_live_ones(tmp_path, monkeypatch):
    cache = FileBasedCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10}})
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    cache.set("live counter", 1, timeout=3600)
    for n in range(9):
        cache.set(f"old step {n}", n, timeout=1)
    clock[0] += 2
    cache.set("new counter", 1, timeout=3600)
    assert cache.get("live counter") == 1
    assert len([name for name in os.listdir(tmp_path) if name.endswith(".djcache")]) == 2


def test_the_file_cache_keeps_enough_entries_for_every_counter(settings):
    default = settings.CACHES["default"]
    if not default["BACKEND"].endswith("FileBasedCache"):
        pytest.skip("Redis keeps every key until it expires")
    assert caches["default"]._max_entries >= 10_000
