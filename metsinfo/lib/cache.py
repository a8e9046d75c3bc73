"""The cache backends: Django's, each mended where it falls short for this site.

Redis: without building a new redis-py client for every call, and without waiting on a Redis
that has stopped answering (``Outage``).

Django's ``RedisCacheClient.get_client`` makes a ``redis.Redis`` per cache operation, and
redis-py 8 fills some 170 response callbacks in each one: about 200 us per call on the
benchmark machine, more than the round trip to Redis itself, on every rate-limit check. A
``redis.Redis`` is safe to share between threads (its connections come from the pool), so
this keeps one per connection pool.
"""

from __future__ import annotations

import fcntl
import itertools
import pickle
import random
import re
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from django.core.cache.backends import filebased
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT


class Outage:
    """After Redis fails to connect or answer in time, calls fail at once for ``PAUSE`` seconds.

    Each failing call waits for the socket timeout (``REDIS_TIMEOUT``) first. Without a pause,
    every cache call of every request would wait for it again while Redis is away (a page makes
    two or three), and a few workers would be enough to stop the site; with it, one call per
    process every ``PAUSE`` seconds finds out whether Redis is back, and the rest go straight to
    the database.
    """

    PAUSE = 5.0

    def __init__(self) -> None:
        self.until = 0.0

    # ``with outage:`` around a call to Redis: fail at once during an outage; start one if the
    # call fails. (A class, not @contextmanager: it is on every page hit, and costs less.)

    def __enter__(self) -> None:
        if time.monotonic() < self.until:
            raise redis.ConnectionError(f"Redis failed less than {self.PAUSE:g} s ago; not asked again yet")

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None and issubclass(kind, (redis.ConnectionError, redis.TimeoutError)):
            self.begin()

    def begin(self) -> None:
        self.until = time.monotonic() + self.PAUSE


class _Redis(redis.Redis):
    """``redis.Redis`` whose commands go through an ``Outage`` (pipelines: see the client)."""

    outage: Outage

    def execute_command(self, *args: Any, **options: Any) -> Any:
        with self.outage:
            return super().execute_command(*args, **options)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}
        self.outage = Outage()

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = _Redis(connection_pool=pool)
            client.outage = self.outage
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with a client reused per pool and an outage guard."""

    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def clear(self) -> bool:
        """Delete this cache's own keys: with a ``KEY_PREFIX``, only those under it.

        Django's ``clear`` empties the whole Redis database, whoever else keeps keys there (another
        site, a test run, the benchmark). With a prefix (``CACHE_KEY_PREFIX``) the database may be
        shared, and clearing one cache leaves the others alone.
        """
        if not self.key_prefix:
            return super().clear()
        client = self._cache.get_client(write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        for keys in itertools.batched(client.scan_iter(match=pattern, count=1000), 1000):
            client.delete(*keys)
        return True


class _Expiry(float):
    """A time (``time.time()``) at which an entry expires, given to ``set`` as its timeout."""


class FileBasedCache(filebased.FileBasedCache):
    """Django's file cache with ``add`` and ``incr`` made atomic across processes, and ``incr``
    keeping the entry's expiry.

    Django's versions check, then write (``add``) or read, add one and write back (``incr``), so
    two gunicorn workers at the same moment could both add, or both count the same number, and a
    rate limit would let extra requests through. Here each holds an exclusive lock on one file
    in the cache folder, shared by every worker of the machine. Redis does both atomically.

    Django's ``incr`` (``BaseCache.incr``) also writes the new count with the default timeout
    (300 s), so a count added for a longer window would vanish early and the limit start again
    within the window. Redis's ``INCR`` keeps the expiry; so does this ``incr``.
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

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        with self._locked():
            try:
                with open(self._key_to_file(key, version), "rb") as f:
                    # An entry is its expiry, then its value, read as Django's own ``get`` reads
                    # them (the cache folder is the site's own, never written by a visitor).
                    expiry, value = pickle.load(f), pickle.loads(zlib.decompress(f.read()))  # noqa: S301
            except (FileNotFoundError, EOFError):
                expiry, value = 0, None
            if expiry is not None and expiry < time.time():
                raise ValueError(f"Key '{key}' not found")
            value += delta
            # Django's ``set`` (a temporary file, then a rename), with the expiry the entry had.
            self.set(key, value, None if expiry is None else _Expiry(expiry), version)
            return value

    def _cull(self) -> None:
        """Over ``MAX_ENTRIES``, delete expired entries first; only then a random share of live ones.

        Django's file cache culls at random, live entries and expired ones alike. An expired
        entry is only deleted when it is read again, and an old rate-limit step never is, so
        they pile up until a cull, which then takes live counters with them.
        """
        filelist = self._list_cache_files()
        if len(filelist) < self._max_entries:
            return
        live = []
        for name in filelist:
            try:
                with open(name, "rb") as entry:
                    if not self._is_expired(entry):  # deletes it when it has expired
                        live.append(name)
            except FileNotFoundError:  # another process deleted it meanwhile
                continue
        if len(live) >= self._max_entries and self._cull_frequency:
            for name in random.sample(live, len(live) // self._cull_frequency):
                self._delete(name)
        elif len(live) >= self._max_entries:
            self.clear()  # CULL_FREQUENCY 0 means clear, as in Django

    def get_backend_timeout(self, timeout: Any = DEFAULT_TIMEOUT) -> float | None:
        if isinstance(timeout, _Expiry):
            return float(timeout)
        return super().get_backend_timeout(timeout)
