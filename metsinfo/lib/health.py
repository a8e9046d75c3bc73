"""``/healthz``: is this server able to serve? Checks the database and the shared cache."""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _check(name: str, probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # any failure means "not healthy"; say which part and why
        logger.warning("health check: %s failed: %s", name, exc)
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> None:
    # A real table, not just "SELECT 1": a missing or replaced SQLite file still answers that.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")


def _cache() -> None:
    cache.set("healthz", "ok", 10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("cache did not return what was stored")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and cache both answer, else 503, with a JSON report of each."""
    checks = {"database": _check("database", _database), "cache": _check("cache", _cache)}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )
