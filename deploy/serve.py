"""``make serve``: the site as production runs it on one machine, in the foreground.

nginx (deploy/nginx/metsinfo.conf) listens on ``PORT`` (8000) and caches reader pages in front of
gunicorn on 127.0.0.1:``PORT + 1`` (``GUNICORN_PORT`` to change), with production settings over
plain HTTP. The secret key is made once into ``var/secret_key`` (git-ignored) and reused, so
sessions and signed links survive a restart. Ctrl-C stops nginx, then gunicorn: only the two
processes this script started, by PID.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.proxy import Nginx  # noqa: E402 (after the path above)


def secret_key(path: Path) -> str:
    """The key in ``path``, made there (readable by this user only) the first time."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50) + "\n")
    return path.read_text().strip()


def site_environment(port: int, app_port: int, var: Path) -> dict[str, str]:
    """This process's environment with production settings for one machine behind nginx."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SECRET_KEY", secret_key(var / "secret_key"))
    env.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    env.setdefault("GUNICORN_ACCESS_LOG", "")  # nginx logs every request (without addresses)
    env.update(
        DJANGO_SETTINGS_MODULE="metsinfo.settings.prod",
        # Plain HTTP on this machine; behind TLS, leave the redirect on (the default).
        DJANGO_SECURE_SSL_REDIRECT="false",
        # nginx is the one proxy: believe its X-Forwarded-For for rate limits and lockouts.
        TRUSTED_PROXIES="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{app_port}",
    )
    return env


def wait_for(url: str, process: subprocess.Popen, polls: int = 600) -> None:
    """Until ``url`` answers at all (any status: /healthz says 503 while the database is away)."""
    for _ in range(polls):
        if process.poll() is not None:
            raise SystemExit(f"{process.args[0]} exited with status {process.returncode} while starting")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own local address)
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    port = int(os.environ.get("PORT", "8000"))
    app_port = int(os.environ.get("GUNICORN_PORT", str(port + 1)))
    var = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    env = site_environment(port, app_port, var)
    nginx = Nginx(
        port=port,
        upstream=f"127.0.0.1:{app_port}",
        prefix=var / "nginx",
        static_root=Path(env.get("STATIC_ROOT", ROOT / "staticfiles")),
        admin_path=env.get("DJANGO_ADMIN_PATH", "admin/"),
    )

    # Ctrl-C (SIGINT) and SIGTERM alike end the wait below; both servers run in sessions of their
    # own, so the terminal's Ctrl-C reaches this script only, which stops the proxy first.
    # (SIGINT explicitly too: a shell starting this in the background would have it ignored.)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    gunicorn = subprocess.Popen(  # noqa: S603 (our own command)
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        env=env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{app_port}/healthz", gunicorn)
        nginx.start()
        print(
            f"metsinfo on http://127.0.0.1:{port}/ : nginx (pages cached in {nginx.cache_dir}) in front of "
            f"gunicorn on 127.0.0.1:{app_port}, production settings. Ctrl-C stops both.",
            flush=True,
        )
        while nginx.process.poll() is None and gunicorn.poll() is None:
            time.sleep(0.5)
        gone = "gunicorn" if gunicorn.poll() is not None else "nginx"
        print(f"{gone} stopped on its own; stopping the other.", file=sys.stderr)
        raise SystemExit(1)
    except KeyboardInterrupt:
        print("Stopping nginx and gunicorn.", file=sys.stderr)
    except RuntimeError as problem:  # nginx would not start: its own message is just above
        raise SystemExit(str(problem)) from None
    finally:
        nginx.stop()
        stop(gunicorn)


if __name__ == "__main__":
    main()
