"""gunicorn configuration for metsinfo (read by `make run` and in production).

Every value can be overridden from the environment, so one file serves a laptop and a server.
The worker numbers are the conventional starting point for a small, CPU-bound, cache-friendly
Django site on a 2-core machine; issue 6 (speed and scale) replaces them with measured ones.
"""

import multiprocessing
import os

wsgi_app = "metsinfo.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
worker_class = "sync"
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = 5000
max_requests_jitter = 500
# Logs to stdout/stderr, for the process manager to collect.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log (benchmarks)
errorlog = "-"
# No control socket under ~/.gunicorn: nothing here uses it, and it must not leak between runs.
control_socket_disable = True
