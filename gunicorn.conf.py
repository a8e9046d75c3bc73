"""gunicorn configuration for metsinfo (read by `make run` and in production).

Every value can be overridden from the environment, so one file serves a laptop and a server.

Chosen by measurement (`make bench`: wrk, 32 connections, 2-core machine, pages from the page
cache; article req/s, its ratio to the static CSS file, article p99):

- sync, 4 workers, preload_app: SQLite 3524 req/s (0.83), p99 17.9 ms; PostgreSQL + Redis
  2552-2755 req/s, p99 21.7-32.6 ms. The default.
- sync, 4 workers, no preload: 1708 req/s (0.42), p99 35 ms, static p99 653 ms. Every worker is
  recycled after ~5,000 requests (max_requests); without preload each restart imports Django
  afresh (about a second of CPU) while its queued connections wait. With preload_app a worker
  is a fork of the loaded master and comes back in milliseconds, and workers share memory.
- sync, 2 or 3 workers: 2895-3019 req/s on SQLite; fewer workers leave the CPUs idle while one
  waits on the cache or database.
- gthread, 4 workers x 4 threads (keep-alive): 3658 req/s (0.81) on SQLite but p99 32-46 ms,
  and section and glossary fell to 0.52-0.55 on Redis: threads contend for the GIL.

Page hits are short and CPU-bound, so the right count is about 2 x cores; keep-alive only
matters with gthread (sync workers close each connection, and the load balancer reconnects).
"""

import multiprocessing
import os

wsgi_app = "metsinfo.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
# sync: one request at a time per worker, no keep-alive; gthread is the alternative measured above.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Load the app once in the master and fork workers from it: fast worker restarts, shared memory.
# (Django opens database and cache connections lazily, in each worker, so nothing is shared.)
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
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
