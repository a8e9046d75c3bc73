"""nginx with metsinfo's configuration, run by the current user with everything under one folder.

``Nginx`` fills in ``deploy/nginx/metsinfo.conf`` and its ``standalone.conf`` wrapper, starts
Debian's nginx in the foreground on them and stops it by PID. ``make serve`` (``deploy/serve.py``)
and ``tests/test_proxy.py`` both use it, so the tests run the configuration that ships.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import IO

TEMPLATES = Path(__file__).resolve().parent / "nginx"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
#: Temporary folders nginx writes under its prefix (named in standalone.conf), and the page cache.
FOLDERS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi", "cache")
# What may stand in a filled-in value: no spaces, quotes, braces or semicolons, which would change
# the configuration's meaning.
_SAFE_VALUE = re.compile(r"[A-Za-z0-9_./:@=+-]+")
_ADMIN_PATH = re.compile(r"(?:[A-Za-z0-9_-]+/)+")  # as metsinfo.settings.base checks it


def fill(template: str, directives: dict[str, str] | None = None, **values: str) -> str:
    """``deploy/nginx/<template>`` with each ``@NAME@`` replaced; every name must be given.

    ``values`` are checked to be single words; ``directives`` (whole lines this module writes)
    go in as they are.
    """
    text = (TEMPLATES / template).read_text()
    for name, value in values.items():
        if not _SAFE_VALUE.fullmatch(value):
            raise ValueError(f"{name}={value!r} cannot go into an nginx configuration unquoted")
        text = text.replace(f"@{name}@", value)
    for name, line in (directives or {}).items():
        text = text.replace(f"@{name}@", line)
    if missing := sorted(set(re.findall(r"@([A-Z_]+)@", text))):
        raise ValueError(f"{template}: no value for {', '.join(missing)}")
    return text


def _user_directive() -> str:
    """``user`` for a root master, so workers run as root too; nothing otherwise (nginx would warn)."""
    if os.geteuid() != 0:
        return ""
    return f"user {pwd.getpwuid(os.geteuid()).pw_name} {grp.getgrgid(os.getegid()).gr_name};"


class Nginx:
    """nginx on ``host:port`` in front of ``upstream``, with its pid, temporary files and cache in ``prefix``."""

    def __init__(
        self,
        *,
        port: int,
        upstream: str,
        prefix: Path,
        static_root: Path,
        admin_path: str = "admin/",
        host: str = "127.0.0.1",
        access_log: str = "/dev/stdout",
    ) -> None:
        if not _ADMIN_PATH.fullmatch(admin_path):
            raise ValueError(f"ADMIN_PATH={admin_path!r} must be path segments each ending in '/'")
        self.host, self.port, self.upstream = host, port, upstream
        self.prefix = prefix.resolve()
        self.static_root = static_root.resolve()
        self.admin_path = admin_path
        self.access_log = access_log
        self.process: subprocess.Popen | None = None

    @property
    def cache_dir(self) -> Path:
        return self.prefix / "cache"

    @property
    def config(self) -> Path:
        return self.prefix / "nginx.conf"

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def write_config(self) -> Path:
        """Fill in both templates under ``prefix``; the main file's path."""
        for folder in FOLDERS:
            (self.prefix / folder).mkdir(parents=True, exist_ok=True)
        site = fill(
            "metsinfo.conf",
            LISTEN=f"{self.host}:{self.port}",
            UPSTREAM=self.upstream,
            CACHE_DIR=str(self.cache_dir),
            STATIC_ROOT=str(self.static_root),
            ADMIN_PATH=self.admin_path,
            ACCESS_LOG=self.access_log,
        )
        (self.prefix / "metsinfo.conf").write_text(site)
        self.config.write_text(fill("standalone.conf", {"USER": _user_directive()}, PREFIX=str(self.prefix)))
        return self.config

    def _command(self, *extra: str) -> list[str]:
        return [NGINX, "-p", f"{self.prefix}/", "-e", "stderr", "-c", str(self.config), *extra]

    def check(self) -> None:
        """``nginx -t``: the filled-in configuration parses, or an error showing nginx's complaint."""
        result = subprocess.run(self._command("-t", "-q"), capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode:
            raise RuntimeError(f"nginx rejected {self.config}:\n{result.stderr}")

    def start(self, stderr: IO | int | None = None, polls: int = 600) -> None:
        """Start nginx and wait (``polls`` tries, 50 ms apart) until it accepts connections."""
        if not Path(NGINX).exists():
            raise RuntimeError(f"{NGINX} is missing: `make nginx` installs Debian's nginx package")
        self.write_config()
        self.check()
        with socket.socket() as probe:  # else the wait below could mistake another server for nginx
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError as error:
                raise RuntimeError(f"{self.host}:{self.port} is taken: {error.strerror}") from None
        # A session of its own: a Ctrl-C in the terminal reaches whoever started it, who stops it.
        self.process = subprocess.Popen(self._command(), stderr=stderr, start_new_session=True)  # noqa: S603
        for _ in range(polls):
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with status {self.process.returncode} at start")
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not accept connections on {self.host}:{self.port}")

    def stop(self, timeout: float = 10) -> None:
        """Graceful stop (SIGQUIT: finish the requests in hand), then SIGTERM, then SIGKILL; by PID."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        for sig in (signal.SIGQUIT, signal.SIGTERM):
            process.send_signal(sig)
            try:
                process.wait(timeout=timeout)
                return
            except subprocess.TimeoutExpired:
                continue
        process.kill()
        process.wait()
