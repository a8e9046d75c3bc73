"""gunicorn configuration for metsinfo (read by `make run` and in production).

Every value can be overridden from the environment, so one file serves a laptop and a server.

Chosen by measurement (`make bench`: wrk, 32 connections, 2-core machine, pages from the page
cache; article req/s, its ratio to the static CSS file, article p99):

- sync, 4 workers, preload_app, workers never recycled (the default), 2026-12-01: SQLite
  4455-4602 req/s (1.05-1.07), p99 8.7-10.1 ms, with the former hand-made WSGI page cache
  (removed since, issue 13; today's figures, with Django's cache_page, are in docs/benchmarks.md).
  Worker memory stays flat over hundreds of thousands of requests (make bench prints it).
- The same with max_requests 5000 (a worker recycled every few seconds at this load), PostgreSQL
  + Redis, one round: article p99 16.0 ms, home 148 ms, gzip article 57.9 ms, against 7.2-9.2 ms
  without. A worker that leaves tears down its whole heap and a new one starts cold while
  connections queue; gc.freeze() in the master made the spikes smaller (home 25 ms, gzip
  article 26 ms) but did not remove them.
- sync, 4 workers, no preload (2026-11-25, the page cache inside Django then): 1708 req/s
  (0.42), p99 35 ms, static p99 653 ms: each worker restart imported Django afresh (about a
  second of CPU). With preload_app a worker is a fork of the loaded master, and workers share
  memory.
- sync, 2 or 3 workers (2026-11-25): 2895-3019 req/s on SQLite against 3524 with 4; fewer
  workers leave the CPUs idle while one waits on the cache or database.
- gthread, 4 workers x 4 threads with keep-alive (2026-11-25): 3658 req/s (0.81) on SQLite but
  p99 32-46 ms, and section and glossary fell to 0.52-0.55 on Redis: threads contend for the GIL.

- Slow clients (security review 2026-12, issue 16): four connections sending a request a byte
  at a time held all four sync workers until the 30 s timeout killed them; nothing was served
  meanwhile. Since 2026-12-02 the worker is metsinfo.ops.gunicorn_worker.BufferingThreadWorker:
  gthread whose event loop receives each request whole (head and body) before a thread sees it,
  and disconnects a client that has not sent it within GUNICORN_REQUEST_SECONDS (15). With 50
  slow clients held for 20 s (tests/test_slow_clients.py, 4 workers, a busy 2-core machine) an
  uncached article page still came in a median 184-275 ms, slowest 1.2-1.4 s; with sync workers
  every reader request timed out (5 s). One thread per worker, as the sync worker had one
  request at a time: more threads only contend for the GIL (the gthread row above). `make bench`
  on the same busy machine (docs/benchmarks.md) showed no difference beyond its noise.

Page hits are short and CPU-bound, so the right count is about 2 x cores; keep-alive only
matters with gthread (sync workers close each connection, and the load balancer reconnects).
"""

import multiprocessing
import os

wsgi_app = "metsinfo.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
# gthread that reads each request whole in its event loop before a thread sees it
# (metsinfo/ops/gunicorn_worker.py): slow clients cost a buffer, never a worker. "sync" is the
# former choice, measured above, which four slow clients could stop for 30 s.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "metsinfo.ops.gunicorn_worker.BufferingThreadWorker")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# Load the app once in the master and fork workers from it: fast worker restarts, shared memory.
# (Django opens database and cache connections lazily, in each worker, so nothing is shared.)
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Workers are not recycled: memory does not grow with requests (make bench prints it), and each
# recycle stalls that worker's share of the traffic (see above). GUNICORN_MAX_REQUESTS turns it on
# should a leak ever appear; the jitter staggers the restarts.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Logs to stdout/stderr, for the process manager to collect.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # empty: no access log (benchmarks)
errorlog = "-"
# The access log never holds a review-link or password-reset token (metsinfo/lib/logredact.py).
logger_class = "metsinfo.lib.logredact.GunicornLogger"
# No control socket under ~/.gunicorn: nothing here uses it, and it must not leak between runs.
control_socket_disable = True
