"""The cache backends: Django's, each mended where it falls short for this site.

Redis: without building a new redis-py client for every call, with announced keys, and
without waiting on a Redis that has stopped answering (``Outage``).

Django's ``RedisCacheClient.get_client`` makes a ``redis.Redis`` per cache operation, and
redis-py 8 fills some 170 response callbacks in each one: about 200 us per call on the
benchmark machine, more than the round trip to Redis itself, on every page-cache hit. A
``redis.Redis`` is safe to share between threads (its connections come from the pool), so
this keeps one per connection pool.

Announced keys are for a value read on every request and changed rarely (the page cache's
generation): ``set_and_announce`` writes it and publishes the change in one transaction, and
``get_announced`` answers from this process's copy, read again only after Redis has announced
a change. Checking for an announcement is a look at a socket (about 3 us) instead of a round
trip to Redis (about 100 us). It is Redis's own client-side caching pattern, on pub/sub, which
Redis 6 and later have (redis-py's built-in client-side cache needs Redis 7.4).
"""

from __future__ import annotations

import fcntl
import os
import pickle
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from django.core.cache.backends import filebased
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT


class AnnouncedValues:
    """One process's copies of announced keys, each kept until Redis announces that it changed.

    Copies are kept only while the subscription to the announcements is confirmed: from
    Redis's reply to SUBSCRIBE until the connection drops (every copy is then dropped, and the
    next read subscribes again). As a guard against a connection that fails
    silently, no copy is older than ``MAX_AGE`` seconds.
    """

    MAX_AGE = 1.0
    EVERY_KEY = b"*"  # announced when the whole cache is cleared

    def __init__(self, client: redis.Redis, channel: str) -> None:
        self.pid = os.getpid()
        self._client = client
        self._channel = channel
        self._pubsub: redis.client.PubSub | None = None
        self._values: dict[str, tuple[Any, float]] = {}
        self._confirmed = False
        self._lock = threading.Lock()

    def get(self, key: str, read: Callable[[], Any]) -> Any:
        """``key``'s value: this process's copy if no change was announced, else ``read()``."""
        with self._lock:
            try:
                self._drain()
            except redis.RedisError:  # the subscription broke: start a new one next time
                self._forget()
                self._pubsub, pubsub = None, self._pubsub
                if pubsub is not None:
                    pubsub.reset()
            held = self._values.get(key)
            if held is not None and time.monotonic() - held[1] < self.MAX_AGE:
                return held[0]
            confirmed = self._confirmed  # before reading: any change after this is announced
            value = read()
            if confirmed and value is not None:
                self._values[key] = (value, time.monotonic())
            return value

    def _drain(self) -> None:
        if self._pubsub is None:
            self._pubsub = self._client.pubsub()
            self._pubsub.subscribe(self._channel)
            self._pubsub.connection.register_connect_callback(self._forget)
        while (message := self._pubsub.get_message(timeout=0)) is not None:
            if message["type"] == "subscribe":
                self._confirmed = True
                self._values.clear()
            elif message["data"] == self.EVERY_KEY:
                self._values.clear()
            else:
                self._values.pop(message["data"].decode(), None)

    def _forget(self, *args: Any) -> None:
        self._confirmed = False
        self._values.clear()


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
        self._announced: AnnouncedValues | None = None
        self.outage = Outage()

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = _Redis(connection_pool=pool)
            client.outage = self.outage
        return client

    # Pipelines and the subscription do not pass through execute_command: guarded here.

    def set_and_announce(self, key: str, value: Any, channel: str) -> None:
        with self.outage, self.get_client(key, write=True).pipeline(transaction=True) as pipe:
            pipe.set(key, self._serializer.dumps(value)).publish(channel, key).execute()

    def get_announced(self, key: str, channel: str) -> Any:
        with self.outage:
            announced = self._announced
            if announced is None or announced.pid != os.getpid():  # none yet, or made before a fork
                announced = self._announced = AnnouncedValues(self.get_client(key), channel)
            return announced.get(key, lambda: self.get(key, None))

    def clear_and_announce(self, channel: str) -> bool:
        with self.outage, self.get_client(None, write=True).pipeline(transaction=True) as pipe:
            flushed, _ = pipe.flushdb().publish(channel, AnnouncedValues.EVERY_KEY).execute()
        return bool(flushed)


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with a client reused per pool, and
    announced keys (no expiry; ``None`` cannot be stored)."""

    def __init__(self, server: str, params: dict) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    @property
    def _channel(self) -> str:
        return self.make_key("announcements")

    def set_and_announce(self, key: str, value: Any, version: int | None = None) -> None:
        """Set ``key`` (no expiry) and tell every process holding a copy that it changed."""
        self._cache.set_and_announce(self.make_and_validate_key(key, version=version), value, self._channel)

    def get_announced(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """``key``'s value, from this process's copy unless a change was announced since."""
        value = self._cache.get_announced(self.make_and_validate_key(key, version=version), self._channel)
        return default if value is None else value

    def clear(self) -> bool:
        """Empty the cache, and tell every process to drop its copies of announced keys."""
        return self._cache.clear_and_announce(self._channel)


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

    def get_backend_timeout(self, timeout: Any = DEFAULT_TIMEOUT) -> float | None:
        if isinstance(timeout, _Expiry):
            return float(timeout)
        return super().get_backend_timeout(timeout)
