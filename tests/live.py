"""Real servers for tests: gunicorn with production settings on 127.0.0.1, and a small HTTP client.

``LiveSite`` prepares its own database (a new PostgreSQL database beside the test one, or a
SQLite file) and its own cache (a spare Redis database, or a cache folder), loads the content,
and starts as many gunicorn instances as asked, each on a free port. Everything it starts, it
stops by PID; everything it creates, it removes.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_url(name: str) -> str | None:
    """A database URL beside the test run's PostgreSQL database, or None on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    return urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))


def _forget_redis_keys(url: str, prefix: str) -> None:
    """Delete the keys under ``prefix`` (the site's CACHE_KEY_PREFIX), and nothing else there."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


class LiveSite:
    """One database and cache, served by ``instances`` gunicorn processes."""

    def __init__(self, tmp: Path, *, instances: int = 1, workers: int = 2, env: dict[str, str] | None = None):
        self.tmp = tmp
        self.db_name = f"metsinfo_live_{os.getpid()}"
        self.database_url = _postgres_url(self.db_name) or f"sqlite:///{tmp}/live.sqlite3"
        # The test run's own Redis database (make test's TEST_REDIS_URL), under a prefix of this
        # site's: the test process and every site it starts share the database, never a key.
        self.redis_url = os.environ.get("REDIS_URL") or None
        self.cache_prefix = f"live-{os.getpid()}-{tmp.name}"
        self.kind = "PostgreSQL + Redis" if self.redis_url and "postgres" in self.database_url else "SQLite + files"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "DJANGO_"))}
        self.env.update(
            DJANGO_SETTINGS_MODULE="metsinfo.settings.prod",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="false",
            SITE_URL="http://127.0.0.1",
            DATABASE_URL=self.database_url,
            CACHE_DIR=str(tmp / "cache"),
            STATIC_ROOT=str(tmp / "static"),
            COMMENTS_MIN_SUBMIT_SECONDS="0",
            GUNICORN_ACCESS_LOG="",
            WEB_CONCURRENCY=str(workers),
            PYTHONDONTWRITEBYTECODE="1",
        )
        if self.redis_url:
            self.env.update(REDIS_URL=self.redis_url, CACHE_KEY_PREFIX=self.cache_prefix)
        self.env.update(env or {})
        self.instances = instances
        self.servers: list[subprocess.Popen] = []
        self.ports: list[int] = []

    # Setting up and tearing down -------------------------------------------------------------

    def manage(self, *args: str, **env: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            env={**self.env, **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def _admin_connection(self):
        import psycopg

        return psycopg.connect(_postgres_url("postgres"), autocommit=True)

    def create(self) -> None:
        if "postgres" in self.database_url:
            with self._admin_connection() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{self.db_name}"')
        if self.redis_url:
            _forget_redis_keys(self.redis_url, self.cache_prefix)
        self.manage("migrate", "--noinput")
        self.manage("load_content", "--content-dir", str(settings.CONTENT_DIR))
        self.manage("collectstatic", "--noinput")

    def start(self) -> None:
        for _ in range(self.instances):
            port = free_port()
            server = subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
                env={**self.env, "PORT": str(port)},
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=open(self.tmp / f"gunicorn-{port}.log", "w"),  # noqa: SIM115 (the server owns it)
            )
            self.servers.append(server)
            self.ports.append(port)
        for port in self.ports:
            self.wait_until_up(port)

    def wait_until_up(self, port: int, timeout: float = 30) -> float:
        """Seconds until /healthz answered 200."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.1)
        log = (self.tmp / f"gunicorn-{port}.log").read_text()[-3000:]
        raise RuntimeError(f"gunicorn on port {port} did not come up in {timeout} s:\n{log}")

    def stop(self) -> None:
        for server in self.servers:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
        for server in self.servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        self.servers.clear()

    def destroy(self) -> None:
        self.stop()
        if "postgres" in self.database_url:
            with self._admin_connection() as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
        if self.redis_url:
            _forget_redis_keys(self.redis_url, self.cache_prefix)
        shutil.rmtree(self.tmp / "cache", ignore_errors=True)

    def url(self, instance: int, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[instance]}{path}"


# A browser-like client --------------------------------------------------------------------------


class _Forms(HTMLParser):
    """Every form's action and its successful controls' values, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "id": a.get("id", ""), "fields": []})
        elif not self.forms:
            return
        elif tag == "input" and "name" in a:
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") in ("submit", "button", "image", "file"):
                return
            self.forms[-1]["fields"].append([a["name"], a.get("value", "on" if a.get("type") == "checkbox" else "")])
        elif tag == "textarea" and "name" in a:
            self._textarea = a["name"]
            self.forms[-1]["fields"].append([a["name"], ""])
        elif tag == "select" and "name" in a:
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.forms[-1]["fields"].append([self._select, a.get("value", "")])

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.forms[-1]["fields"][-1][1] += data


def forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:  # a textarea's first newline belongs to the markup, not the value
        form["fields"] = [[n, v[1:] if v.startswith("\n") else v] for n, v in form["fields"]]
    return parser.forms


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str


@dataclass
class Browser:
    """Keeps cookies the way a browser on the site's own HTTPS address would (Secure ones too)."""

    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, url: str, data: list | dict | None = None, timeout: float = 20) -> Response:
        if isinstance(data, list):
            data = [tuple(pair) for pair in data]
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        assert url.startswith("http://127.0.0.1:"), "live tests talk to local servers only"
        request = urllib.request.Request(url, data=body, method="POST" if body is not None else "GET")  # noqa: S310
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=timeout) as raw:
                response = Response(raw.status, dict(raw.headers), raw.read().decode())
                set_cookies = raw.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            response = Response(error.code, dict(error.headers), error.read().decode(errors="replace"))
            set_cookies = error.headers.get_all("Set-Cookie") or []
        for header in set_cookies:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url: str) -> Response:
        return self.request(url)

    def submit(self, url: str, form_match: str, changes: dict[str, str] | None = None) -> Response:
        """GET ``url``, fill the first form whose action contains ``form_match``, POST it."""
        page = self.get(url)
        form = next(f for f in forms(page.text) if form_match in f["action"] or form_match == f["id"])
        fields = [[n, v] for n, v in form["fields"] if n not in (changes or {})]
        fields += [[n, v] for n, v in (changes or {}).items()]
        action = urllib.parse.urljoin(url, form["action"] or url)
        return self.request(action.split("#")[0], fields)

    def log_in(self, base: str, username: str, password: str) -> None:
        response = self.submit(
            f"{base}/{settings.ADMIN_PATH}login/", "login", {"username": username, "password": password}
        )
        if response.status != 302:
            raise AssertionError(f"login failed: {response.status} {re.sub(r'<[^>]+>', ' ', response.text)[:400]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class TcpProxy:
    """A TCP forwarder to stand between the site and its database, so a test can cut it off."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        """Refuse new connections and cut the open ones, as a database that went away."""
        with self._lock:
            if self._listener is not None:
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept()
                self._listener.close()
                self._listener = None
            for sock in self._connections:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._connections += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
