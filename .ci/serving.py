"""What `make bench` and `make audit` share: production settings in the environment, and gunicorn.

``production_env`` builds the environment of a throwaway production-settings site;
``gunicorn`` starts the site's own ``gunicorn.conf.py``, waits for ``/healthz`` and, on leaving
the ``with`` block, stops the server it started (by PID: SIGTERM, then SIGKILL after 30 s).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_env(port: int, **settings: str) -> dict[str, str]:
    """This process's environment without site settings, plus production settings for 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "REDIS_URL", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="metsinfo.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        SITE_URL=f"http://127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="",
        PORT=str(port),
    )
    env.update(settings)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run ``manage.py`` with ``env``; its output, or an error that shows it."""
    result = subprocess.run(  # noqa: S603 (our own command, no reader input)
        [sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@contextmanager
def gunicorn(env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """The site under gunicorn on ``env["PORT"]``, up and answering /healthz, stopped afterwards."""
    server = subprocess.Popen(  # noqa: S603 (our own command, no reader input)
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{env['PORT']}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not come up within 30 s") from None
                time.sleep(0.2)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
