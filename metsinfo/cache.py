"""The cache backends: Django's, each mended where it falls short for this site.

Redis: without building a new redis-py client for every call.

Django's ``RedisCacheClient.get_client`` makes a ``redis.Redis`` per cache operation, and
redis-py 8 fills some 170 response callbacks in each one: about 200 us per call on the
benchmark machine, more than the round trip to Redis itself, on every page-cache hit. A
``redis.Redis`` is safe to share between threads (its connections come from the pool), so
this keeps one per connection pool. Everything else is Django's.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.cache.backends import filebased
from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with a client reused per pool."""

    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


class FileBasedCache(filebased.FileBasedCache):
    """Django's file cache with ``add`` and ``incr`` made atomic across processes.

    Django's versions check, then write (``add``) or read, add one and write back (``incr``), so
    two gunicorn workers at the same moment could both add, or both count the same number, and a
    rate limit would let extra requests through. Here each holds an exclusive lock on one file
    in the cache folder, shared by every worker of the machine. Redis does both atomically.
    """

    @contextmanager
    def _locked(self) -> Iterator[None]:
        Path(self._dir).mkdir(parents=True, exist_ok=True)
        with open(Path(self._dir) / "counters.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def add(self, *args: Any, **kwargs: Any) -> bool:
        with self._locked():
            return super().add(*args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> int:
        with self._locked():
            return super().incr(*args, **kwargs)
