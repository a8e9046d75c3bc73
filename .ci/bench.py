"""`make bench`: the site under gunicorn with production settings, loaded by wrk on 127.0.0.1.

Runs twice (SQLite with the file cache, then PostgreSQL with Redis). Each run loads the seed
content plus 500 approved comments, warms the pages, then drives each target with wrk for a
fixed time at 32 connections and prints requests per second, p50 and p99 latency, errors and the
ratio to the static CSS file served by the same gunicorn (WhiteNoise): the reference a Django
page can hardly beat. Also prints the article's compressed weight and the workers' peak memory.
Everything it starts, it stops (by PID); it never runs longer than its fixed durations.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from serving import ROOT, gunicorn, manage, production_env

PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8100"))
BASE = f"http://127.0.0.1:{PORT}"
DURATION = os.environ.get("BENCH_SECONDS", "10")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ARTICLE = "/articles/breast-cancer-bone-metastasis/"
CONFIGS = {
    "SQLite + file cache": {"DATABASE_URL": "sqlite:///{tmp}/bench.sqlite3", "CACHE_DIR": "{tmp}/cache"},
    "PostgreSQL + Redis": {
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/metsinfo_bench",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
    },
}
POST_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  local body = "display_name=Bench&role=other&consent=on&website=&email="
    .. "&csrfmiddlewaretoken={token}&timestamp={timestamp}"
    .. "&body=A+benchmark+comment+number+" .. counter .. "+from+thread+" .. tostring(math.random(1e9))
  return wrk.format("POST", "{path}", {{
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken={cookie}",
  }}, body)
end
"""


def settings_env(config: dict, tmp: str) -> dict:
    return production_env(
        PORT,
        **{key: value.format(tmp=tmp) for key, value in config.items()},
        COMMENTS_RATE_LIMIT="1000000/60",
        COMMENTS_MIN_SUBMIT_SECONDS="0",
    )


def prepare(env: dict) -> None:
    if "postgres" in env["DATABASE_URL"]:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "metsinfo_bench"], check=True)
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "metsinfo_bench"], check=True)
        subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=True, capture_output=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_content")
    manage(env, "collectstatic", "--noinput")
    code = (
        "from metsinfo.articles.models import Article; from metsinfo.comments.models import Comment; "
        "a = Article.objects.get(slug='breast-cancer-bone-metastasis'); "
        "[Comment(article=a, display_name=f'Reader {n}', body=f'Comment {n}: thank you for this clear page.', "
        "status='approved').save() for n in range(500)]"
    )
    manage(env, "shell", "-c", code)


def get(path: str, headers: dict | None = None) -> tuple[bytes, dict]:
    request = urllib.request.Request(BASE + path, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read(), dict(response.headers)


def wrk(url: str, script: Path | None = None, headers: dict | None = None) -> dict:
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "5s"]
    if script:
        args += ["-s", str(script)]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run([*args, url], check=True, capture_output=True, text=True, timeout=120).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def worker_memory_mb(master: int, field: str = "VmHWM") -> dict[int, float]:
    """Each gunicorn worker's memory by PID: peak resident (VmHWM) or current (VmRSS), in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return {
        int(pid): int(re.search(rf"{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024
        for pid in children
    }


def print_gunicorn_settings(env: dict) -> None:
    printed = subprocess.run(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--print-config"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    setting = {
        name: re.search(rf"^{name}\s+= (.*)$", printed, re.M).group(1)
        for name in ("workers", "worker_class", "threads", "keepalive", "preload_app")
    }
    print(f"machine: {os.cpu_count()} cores; gunicorn: " + ", ".join(f"{k} {v}" for k, v in setting.items()))


def bench(name: str, config: dict) -> None:
    tmp = tempfile.mkdtemp(prefix="metsinfo-bench-")
    env = settings_env(config, tmp)
    print(f"\n## {name}\n\nPreparing (migrate, load content, 500 comments, collectstatic)...", flush=True)
    prepare(env)
    print_gunicorn_settings(env)
    try:
        with gunicorn(env) as server:
            measure(name, tmp, server)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure(name: str, tmp: str, server: subprocess.Popen) -> None:
    """Drive every target with wrk and print the table, the page weight and the workers' memory."""
    page, _ = get(ARTICLE)
    css_path = re.search(rb'href="(/static/css/[^"]+)"', page).group(1).decode()
    timestamp = re.search(rb'name="timestamp" value="([^"]+)"', page).group(1).decode()
    # A fresh GET gives a CSRF cookie and a token that belongs to it.
    request = urllib.request.Request(BASE + ARTICLE)
    with urllib.request.urlopen(request, timeout=10) as response:
        cookie = re.search(r"csrftoken=([^;]+)", response.headers["Set-Cookie"]).group(1)
        body = response.read()
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    script = Path(tmp) / "post.lua"
    script.write_text(POST_SCRIPT.format(token=token, timestamp=timestamp, cookie=cookie, path=ARTICLE + "comments/"))
    # wrk asks for everything uncompressed unless told otherwise; the last two ask as browsers do.
    browser = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    targets = {
        "static CSS (reference)": (css_path, {}),
        "home": ("/", {}),
        "article": (ARTICLE, {}),
        "section": (ARTICLE + "treatments/", {}),
        "glossary": ("/glossary/", {}),
        "static CSS, as browsers ask (Brotli)": (css_path, browser),
        "article, as browsers ask (gzip)": (ARTICLE, browser),
    }
    for path, _ in targets.values():
        get(path)  # warm the page cache
    # Rounds interleave the targets, so a noisy moment on a shared machine hits them all
    # alike. Each figure is the median of the rounds (the ratio: of same-round ratios); the
    # worst round's p99 is shown too, and errors are summed.
    rounds = []
    for number in range(1, ROUNDS + 1):
        print(f"round {number} of {ROUNDS}...", flush=True)
        run_ = {label: wrk(BASE + path, headers=headers) for label, (path, headers) in targets.items()}
        run_["comment POST"] = wrk(BASE + ARTICLE + "comments/", script)
        for result in run_.values():
            result["ratio"] = result["rps"] / run_["static CSS (reference)"]["rps"]
        rounds.append(run_)
        if number == 1:
            # Workers are not recycled (gunicorn.conf.py): their memory once each has served
            # every target, against after the last round, shows whether it grows with requests.
            warm = worker_memory_mb(server.pid, "VmRSS")
            warm_requests = sum(result["requests"] for result in run_.values())
    results = {}
    for label in rounds[0]:
        figures = [r[label] for r in rounds]
        results[label] = {name: statistics.median(f[name] for f in figures) for name in ("rps", "p50", "p99", "ratio")}
        results[label]["worst p99"] = max(f["p99"] for f in figures)
        results[label]["errors"] = sum(f["errors"] for f in figures)

    html_gz = len(get(ARTICLE, {"Accept-Encoding": "gzip"})[0])
    css_gz = len(get(css_path, {"Accept-Encoding": "gzip"})[0])
    css_br = len(get(css_path, {"Accept-Encoding": "br"})[0])
    print(f"\n| {name}: target | req/s | p50 ms | p99 ms | worst p99 ms | errors | ratio to static |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, result in results.items():
        print(
            f"| {label} | {result['rps']:.0f} | {result['p50']:.2f} | {result['p99']:.2f} | "
            f"{result['worst p99']:.2f} | {result['errors']} | {result['ratio']:.2f} |"
        )
    print(
        f"\nArticle page compressed: HTML {html_gz} B gzip + CSS {css_gz} B gzip ({css_br} B brotli)"
        f" = {html_gz + css_gz} B; workers' peak memory: {max(worker_memory_mb(server.pid).values()):.1f} MB"
    )
    served = sum(result["requests"] for run_ in rounds for result in run_.values())
    after = worker_memory_mb(server.pid, "VmRSS")
    growth = [after[pid] - warm[pid] for pid in after if pid in warm]
    print(
        f"Workers' memory after round 1 ({warm_requests} requests) {max(warm.values()):.1f} MB, after round {ROUNDS} "
        f"({served} requests) {max(after.values()):.1f} MB; largest growth of one worker between them "
        f"{max(growth, default=0):.1f} MB ({len(after) - len(growth)} of {len(after)} workers were restarted)"
    )


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run 'make wrk' (Debian's wrk package).")
    print(
        f"metsinfo benchmark: wrk, {CONNECTIONS} connections, {DURATION} s per target, {ROUNDS} interleaved rounds "
        f"(medians shown; errors summed), on 127.0.0.1:{PORT}"
    )
    only = os.environ.get("BENCH_ONLY", "").lower()  # e.g. "sqlite" or "postgres", for quick trials
    for name, config in CONFIGS.items():
        if only in name.lower():
            bench(name, config)


if __name__ == "__main__":
    main()
