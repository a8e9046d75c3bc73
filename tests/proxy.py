"""What tests/test_proxy.py puts behind nginx: the real site, and a stand-in that answers as told.

``ProxiedSite`` is a ``LiveSite`` whose one gunicorn always listens on the same port, so nginx's
upstream stays put when a test stops the application and starts it again. ``StubApp`` is a
small HTTP server in a thread that sends whatever status and headers a test asks for and records
every request that reached it, to check the configuration's own guards (cookies, bypasses,
buffering) whatever the application would send.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from deploy.proxy import Nginx
from tests.live import BIN, ROOT, LiveSite, free_port

#: X-Cache-Status values of an answer nginx gave from its stored copy (UPDATING and STALE: an
#: expired copy, served while nginx fetches a new one or while the application fails).
FROM_CACHE = {"HIT", "STALE", "UPDATING"}


class ProxiedSite(LiveSite):
    """One gunicorn on a port chosen once, restartable after ``stop``."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ports = [free_port()]

    def start(self) -> None:
        port = self.ports[0]
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            env={**self.env, "PORT": str(port)},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(self.tmp / f"gunicorn-{port}.log", "a"),  # noqa: SIM115 (the server owns it)
        )
        self.servers.append(server)
        self.wait_until_up(port)

    @property
    def upstream(self) -> str:
        return f"127.0.0.1:{self.ports[0]}"


def nginx_in_front(upstream: str, tmp: Path, admin_path: str = "admin/") -> Nginx:
    """The shipped nginx configuration in front of ``upstream``, its files and logs under ``tmp``."""
    return Nginx(
        port=free_port(),
        upstream=upstream,
        prefix=tmp / "nginx",
        static_root=tmp / "static",
        admin_path=admin_path,
        access_log=str(tmp / "nginx-access.log"),
    )


def start_nginx(proxy: Nginx, tmp: Path) -> None:
    """Start ``proxy``, its error log in ``tmp``."""
    proxy.start(stderr=open(tmp / "nginx-error.log", "w"))  # noqa: SIM115 (nginx owns it)


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Cache-Control": "public, s-maxage=3600"})


class StubApp:
    """An application that answers ``answers[path]`` (default: 200, public for an hour).

    Each body names the path, a serial number and the Cookie header it was sent, so a test can
    tell a fresh answer from a stored one and see whose answer it was. ``arrived`` lists each
    request's path as soon as its headers are in, ``seen`` each whole request once answered.
    """

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.seen: list[Seen] = []
        self.arrived: list[str] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                with stub._lock:
                    stub.arrived.append(self.path)  # the request line and headers, before any body
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path = self.path.split("?")[0]
                with stub._lock:
                    stub.seen.append(Seen(self.command, self.path, dict(self.headers), body))
                    serial = len(stub.seen)
                answer = stub.answers.get(path, Answer())
                text = f"<p>{self.path} answer {serial} for cookie [{self.headers.get('Cookie', '')}]</p>\n"
                payload = (text * 20).encode()  # long enough for nginx to compress
                self.send_response(answer.status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_HEAD = _answer  # noqa: N815 (http.server's names)

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def upstream(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def requests_for(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if seen.path == path]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: bytes

    @property
    def cache(self) -> str:
        return self.headers.get("X-Cache-Status", "")

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


def fetch(url: str, *, method: str = "GET", headers: dict[str, str] | None = None, body: bytes | None = None) -> Reply:
    """One request with exactly these headers (urllib adds Host, and Accept-Encoding: identity)."""
    assert url.startswith("http://127.0.0.1:"), "proxy tests talk to local servers only"
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=20) as raw:
            return Reply(raw.status, dict(raw.headers), raw.headers.get_all("Set-Cookie") or [], raw.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.headers.get_all("Set-Cookie") or [], error.read())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
