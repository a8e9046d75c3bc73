"""The cache backends: Redis (one redis-py client per connection pool, an outage guard) and the file
cache (counters atomic across processes, keeping their expiry)."""

import os
import time

import pytest
import redis
from django.core.cache import caches

from metsinfo.lib.cache import FileBasedCache, Outage, RedisCache
from tests.helpers import redis_settings, within

#: The Redis database this test run owns (make test's TEST_REDIS_URL); none on the SQLite pass.
REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_cache():
    if not REDIS_URL:
        pytest.skip("this pass has no Redis of its own (REDIS_URL unset)")
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": f"backend-test-{os.getpid()}"})
    yield backend
    backend.clear()


def test_clearing_a_prefixed_cache_leaves_every_other_key_alone(redis_cache):
    neighbour = RedisCache(REDIS_URL, {"KEY_PREFIX": f"neighbour-{os.getpid()}"})
    unprefixed = redis.Redis.from_url(REDIS_URL)
    odd = RedisCache(REDIS_URL, {"KEY_PREFIX": f"odd*[{os.getpid()}]?"})
    try:
        redis_cache.set_many({f"mine-{n}": n for n in range(2500)})  # more than one SCAN batch
        neighbour.set("theirs", 1)
        odd.set("glob", 1)
        unprefixed.set(f"bare-key-{os.getpid()}", 1)
        assert redis_cache.clear()
        assert redis_cache.get_many([f"mine-{n}" for n in range(2500)]) == {}
        assert neighbour.get("theirs") == 1
        assert odd.get("glob") == 1
        assert unprefixed.get(f"bare-key-{os.getpid()}") == b"1"
        assert odd.clear() and odd.get("glob") is None and neighbour.get("theirs") == 1
    finally:
        neighbour.clear()
        unprefixed.delete(f"bare-key-{os.getpid()}")
        unprefixed.close()


def test_one_client_serves_every_call(redis_cache):
    client = redis_cache._cache.get_client()
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache._cache.get_client("some key") is client


def test_it_behaves_as_a_cache(redis_cache):
    redis_cache.set("a", {"page": "<p>hello</p>"}, 30)
    assert redis_cache.get("a") == {"page": "<p>hello</p>"}
    assert redis_cache.get_many(["a", "missing"]) == {"a": {"page": "<p>hello</p>"}}
    assert redis_cache.add("a", "other") is False
    redis_cache.set("counter", 1, 30)
    assert redis_cache.incr("counter") == 2
    redis_cache.delete("a")
    assert redis_cache.get("a") is None


def test_incr_keeps_the_expiry(redis_cache):
    """Django counts with INCR, which keeps the key's TTL: the rate limit's window outlasts the default."""
    assert redis_cache.add("count", 1, timeout=605)
    assert redis_cache.incr("count") == 2
    assert redis_cache.decr("count") == 1
    ttl = redis_cache._cache.get_client().pttl(redis_cache.make_key("count"))
    assert redis_cache.default_timeout * 1000 < ttl <= 605_000


def test_settings_use_it_when_redis_url_is_set():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("this pass runs with the file cache")
    assert isinstance(caches["default"], RedisCache)


class TestRedisThatStopsAnswering:
    def test_a_call_gives_up_after_the_timeout(self, silent_redis, monkeypatch):
        config = redis_settings(silent_redis.url, monkeypatch)
        backend = RedisCache(config["LOCATION"], config)
        with pytest.raises(redis.TimeoutError):
            within(10, lambda: backend.get("page"))

    def test_after_a_failure_calls_fail_at_once_until_the_pause_ends(self, silent_redis, monkeypatch):
        monkeypatch.setattr(Outage, "PAUSE", 0.5)
        config = redis_settings(silent_redis.url, monkeypatch)
        backend = RedisCache(config["LOCATION"], config)
        with pytest.raises(redis.TimeoutError):
            backend.get("page")
        asked = len(silent_redis.connections)
        for call in (lambda: backend.get("page"), lambda: backend.set("page", 1), lambda: backend.incr("page")):
            with pytest.raises(redis.ConnectionError, match="not asked again yet"):
                within(0.2, call)
        assert len(silent_redis.connections) == asked, "nothing more reached the server during the pause"
        time.sleep(0.6)
        with pytest.raises(redis.TimeoutError):  # after the pause, Redis is asked again
            backend.get("page")
        assert len(silent_redis.connections) > asked

    def test_a_working_redis_is_used_again_after_the_pause(self, redis_cache, monkeypatch):
        monkeypatch.setattr(Outage, "PAUSE", 0.2)
        redis_cache.set("probe", 1, 30)
        redis_cache._cache.outage.begin()
        with pytest.raises(redis.ConnectionError):
            redis_cache.get("probe")
        time.sleep(0.3)
        assert redis_cache.get("probe") == 1


class TestFileCacheCounters:
    """The file cache's ``add`` and ``incr``, as the rate limit uses them, on a clock the test moves."""

    START = 1_800_000_000.0

    @pytest.fixture
    def file_cache(self, tmp_path):
        backend = FileBasedCache(str(tmp_path / "cache"), {})
        assert backend.default_timeout == 300, "Django's default, which the site's CACHES keeps"
        return backend

    @pytest.fixture
    def clock(self, monkeypatch):
        """Set ``clock.now``; ``time.time()`` answers it (the file cache's expiry reads it)."""
        clock = type("Clock", (), {"now": self.START})()
        monkeypatch.setattr(time, "time", lambda: clock.now)
        return clock

    def test_incr_keeps_the_expiry_set_by_add(self, file_cache, clock):
        assert file_cache.add("count", 1, timeout=605)
        clock.now = self.START + 8
        assert file_cache.incr("count") == 2
        clock.now = self.START + 320  # past the default timeout, counted from the incr
        assert file_cache.get("count") == 2
        assert file_cache.incr("count") == 3
        assert file_cache.decr("count") == 2
        clock.now = self.START + 605
        assert file_cache.get("count") == 2
        clock.now = self.START + 605.5  # past the expiry add set: gone
        assert file_cache.get("count") is None
        with pytest.raises(ValueError):
            file_cache.incr("count")

    def test_incr_keeps_a_counter_without_expiry(self, file_cache, clock):
        file_cache.set("count", 1, timeout=None)
        assert file_cache.incr("count", 4) == 5
        clock.now = self.START + 10 * 365 * 24 * 3600
        assert file_cache.get("count") == 5

    def test_incr_of_a_missing_key_is_an_error(self, file_cache, clock):
        with pytest.raises(ValueError):
            file_cache.incr("missing")
        assert file_cache.get("missing") is None
