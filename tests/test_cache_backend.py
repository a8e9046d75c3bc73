"""The Redis cache backend: Django's, with one redis-py client per connection pool."""

import os

import pytest
from django.core.cache import caches

from metsinfo.cache import RedisCache


@pytest.fixture
def redis_cache():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12"
    backend = RedisCache(url, {"KEY_PREFIX": "backend-test"})
    try:
        backend.set("probe", 1, 5)
    except Exception as exc:
        pytest.skip(f"no Redis at {url}: {exc}")
    yield backend
    backend.clear()


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


def test_settings_use_it_when_redis_url_is_set():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("this pass runs with the file cache")
    assert isinstance(caches["default"], RedisCache)
