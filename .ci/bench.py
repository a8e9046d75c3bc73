"""`make bench`: the site with production settings, through nginx and alone, loaded by wrk on 127.0.0.1.

Runs twice (SQLite with the file cache, then PostgreSQL with Redis). Each run loads the seed
content plus 500 approved comments and starts gunicorn (``gunicorn.conf.py``) with nginx in front
of it, on the shipped configuration (deploy/nginx/metsinfo.conf through deploy/proxy.py, as
``make serve``). It then drives each target with wrk for a fixed time at 32 connections, in
interleaved rounds, and prints two tables:

- through nginx: the article from nginx's cache (checked to be a HIT before each measurement)
  against the article's exact bytes saved as a static file under the collected static root and
  served by the same nginx, the most this machine can serve (goal: at least 0.8 of it); and both
  as browsers ask (gzip): the cached page as the application compressed it once, when nginx
  stored it, against the static file's .gz that collectstatic made once;
- gunicorn alone: the article and the other pages against the static CSS file that WhiteNoise
  serves from the same gunicorn (goal: the article at least 0.9 of it), and the comment POST.

Each row shows req/s, p50 and p99 latency, the worst round's p99, errors and its ratio to its
table's reference. Then the article's compressed weight, how nginx answered the article (its
cache statuses, from its access log), and the workers' memory. Everything it starts, it stops (by
PID); it never runs longer than its fixed durations.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loadtest import CONNECTIONS, DURATION, Target, children_memory_mb, fetch, print_table, summarise, wrk
from serving import ROOT, gunicorn, manage, production_env

sys.path.insert(0, str(ROOT))
from deploy.proxy import NGINX, Nginx

PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8100"))  # gunicorn
NGINX_PORT = PORT + 1
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
ARTICLE = "/articles/breast-cancer-bone-metastasis/"
#: Where the article's bytes are saved under the static root, for nginx to serve as a file.
STATIC_COPY = "bench/article.html"
#: The same bytes behind as many padding bytes as nginx's cache file puts before the body.
PADDED_COPY = "bench/article-at-cache-offset.html"
GOALS = {"through nginx": 0.8, "gunicorn alone": 0.9}
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
        STATIC_ROOT=f"{tmp}/static",
        # As make serve runs it: nginx is the one proxy, its X-Forwarded-For is believed.
        TRUSTED_PROXIES="127.0.0.1",
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


def print_settings(env: dict) -> None:
    printed = subprocess.run(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", "--print-config"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    setting = {
        name: re.search(rf"^{name}\s+= (.*)$", printed, re.M).group(1)
        for name in ("workers", "worker_class", "threads", "keepalive", "preload_app")
    }
    cpu = re.search(r"^model name\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M)
    nginx = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=True).stderr.strip()
    print(
        f"machine: {os.cpu_count()} cores ({cpu.group(1) if cpu else 'unknown CPU'}); {nginx}, worker_processes auto; "
        "gunicorn: " + ", ".join(f"{k} {v}" for k, v in setting.items())
    )


@contextmanager
def proxy(tmp: Path, env: dict) -> Iterator[Nginx]:
    """nginx on NGINX_PORT with the shipped configuration in front of the benchmark's gunicorn."""
    nginx = Nginx(
        port=NGINX_PORT,
        upstream=f"127.0.0.1:{PORT}",
        prefix=tmp / "nginx",
        static_root=Path(env["STATIC_ROOT"]),
        admin_path=env.get("DJANGO_ADMIN_PATH", "admin/"),
        access_log=str(tmp / "nginx-access.log"),
    )
    with open(tmp / "nginx-error.log", "w") as errors:
        nginx.start(stderr=errors)
        try:
            yield nginx
        finally:
            nginx.stop()


def bench(name: str, config: dict) -> None:
    tmp = tempfile.mkdtemp(prefix="metsinfo-bench-")
    env = settings_env(config, tmp)
    print(f"\n## {name}\n\nPreparing (migrate, load content, 500 comments, collectstatic)...", flush=True)
    try:
        prepare(env)
        print_settings(env)
        with gunicorn(env) as server, proxy(Path(tmp), env) as nginx:
            measure(name, Path(tmp), server, nginx)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def ensure_hit(target: Target) -> None:
    """Until nginx answers ``target`` from its cache, exactly as wrk will ask (refilled if expired)."""
    for _ in range(100):
        status, headers, _ = fetch(target.port, target.path, target.headers)
        if status == 200 and headers["X-Cache-Status"] == "HIT":
            return
        time.sleep(0.05)
    raise SystemExit(f"nginx does not serve {target.path} from its cache: {status}, {headers['X-Cache-Status']}")


def save_static_copy(static_root: Path) -> str:
    """The article's bytes as nginx serves them, saved as a static file with its .gz; its address.

    The .gz is what collectstatic writes beside every text file (WhiteNoise: gzip level 9), and
    nginx's gzip_static sends it to readers who accept gzip: a static file is compressed once.
    """
    ensure_hit(Target(NGINX_PORT, ARTICLE, cached=True))
    _, page_headers, page = fetch(NGINX_PORT, ARTICLE)
    copy = static_root / STATIC_COPY
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(page)
    compressed = gzip.compress(page, compresslevel=9, mtime=0)
    copy.with_name(copy.name + ".gz").write_bytes(compressed)
    path = "/static/" + STATIC_COPY
    status, file_headers, body = fetch(NGINX_PORT, path)
    gz_status, _, gz_body = fetch(NGINX_PORT, path, {"Accept-Encoding": "gzip"})
    if (status, gz_status) != (200, 200) or body != page or gz_body != compressed:
        raise SystemExit(f"nginx does not serve the article's copy as it was saved: {status}, {gz_status}")

    def header_bytes(headers) -> int:
        return sum(len(f"{name}: {value}\r\n") for name, value in headers.items())

    _, _, on_the_fly = fetch(NGINX_PORT, ARTICLE, {"Accept-Encoding": "gzip"})
    print(
        f"article through nginx: {len(page)} B body ({len(on_the_fly)} B as nginx gzips it), "
        f"{header_bytes(page_headers)} B of headers; its static copy {path}: the same body "
        f"({len(compressed)} B .gz), {header_bytes(file_headers)} B of headers"
    )
    return path


def save_padded_copy(static_root: Path, cache_dir: Path, page: bytes) -> tuple[str, int]:
    """The article's bytes at the offset where nginx's cache file holds them; address and offset.

    nginx's cache file starts with its own header, the key and the response's headers (about
    1.4 KB here), so every HIT is a sendfile() from a file offset that is not a multiple of the
    4 KiB page. A Range request for the body of this padded copy makes nginx's static module send
    the very same bytes from the very same offset: its row shows what that offset alone costs.
    """
    offsets = [
        path.stat().st_size - len(page)
        for path in cache_dir.rglob("*")
        if path.is_file() and path.stat().st_size > len(page) and path.read_bytes().endswith(page)
    ]
    if not offsets:
        raise SystemExit(f"no file in nginx's cache {cache_dir} holds the article's bytes")
    copy = static_root / PADDED_COPY
    copy.write_bytes(b" " * offsets[0] + page)
    return "/static/" + PADDED_COPY, offsets[0]


def comment_script(tmp: Path) -> Path:
    """wrk's script posting comments with a token and timestamp from the comment form's endpoint."""
    _, headers, body = fetch(PORT, "/comments/token/")
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    values = json.loads(body)
    script = tmp / "post.lua"
    path = ARTICLE + "comments/"
    script.write_text(POST_SCRIPT.format(token=values["csrf"], timestamp=values["timestamp"], cookie=cookie, path=path))
    return script


def targets(css_path: str, static_copy: str, padded: tuple[str, int], script: Path) -> dict[str, dict[str, Target]]:
    # wrk asks for everything uncompressed unless told otherwise; the gzip rows ask as browsers do.
    browser = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    static_gzip = "the same static file, as browsers ask (its .gz, made once)"
    return {
        "through nginx": {
            "article's bytes as a static file (reference)": Target(NGINX_PORT, static_copy),
            "article (from nginx's cache)": Target(NGINX_PORT, ARTICLE, cached=True),
            f"the static file's bytes sent from byte {padded[1]}, as the cache sends them": Target(
                NGINX_PORT, padded[0], {"Range": f"bytes={padded[1]}-"}
            ),
            static_gzip: Target(NGINX_PORT, static_copy, browser),
            "article, as browsers ask (gzip)": Target(NGINX_PORT, ARTICLE, browser, reference=static_gzip, cached=True),
        },
        "gunicorn alone": {
            "static CSS from WhiteNoise (reference)": Target(PORT, css_path),
            "article (500 comments, 20 shown)": Target(PORT, ARTICLE),
            "home": Target(PORT, "/"),
            "section": Target(PORT, ARTICLE + "treatments/"),
            "glossary": Target(PORT, "/glossary/"),
            "static CSS, as browsers ask (Brotli)": Target(PORT, css_path, browser),
            "article, as browsers ask (gzip)": Target(PORT, ARTICLE, browser),
            "comment POST": Target(PORT, ARTICLE + "comments/", script=script),
        },
    }


def run_round(groups: dict[str, dict[str, Target]]) -> dict[str, dict[str, dict]]:
    """Every target once, in order; each row's ratio to its reference measured in the same round."""
    measured = {}
    for group, rows in groups.items():
        measured[group] = {}
        for label, target in rows.items():
            if target.cached:
                ensure_hit(target)
            measured[group][label] = wrk(target)
        first = next(iter(rows))
        for label, result in measured[group].items():
            result["ratio"] = result["rps"] / measured[group][rows[label].reference or first]["rps"]
    return measured


def cache_statuses(log: Path) -> Counter:
    """How nginx answered the article (X-Cache-Status), counted from its access log."""
    line = re.compile(rf'"GET {re.escape(ARTICLE)} [^"]*" \d+ \d+ [\d.]+ cache=(\S+)'.encode())
    with log.open("rb") as lines:
        return Counter(m.group(1).decode() for m in map(line.search, lines) if m)


def measure(name: str, tmp: Path, server: subprocess.Popen, nginx: Nginx) -> None:
    """Drive every target with wrk and print the tables, the page weight and the workers' memory."""
    _, _, page = fetch(PORT, ARTICLE)
    css_path = re.search(rb'href="(/static/css/[^"]+)"', page).group(1).decode()
    static_copy = save_static_copy(nginx.static_root)
    padded = save_padded_copy(nginx.static_root, nginx.cache_dir, fetch(NGINX_PORT, ARTICLE)[2])
    groups = targets(css_path, static_copy, padded, comment_script(tmp))
    for rows in groups.values():
        for target in rows.values():
            if not target.script:
                fetch(target.port, target.path, target.headers)  # warm the caches
    # Rounds interleave the targets, so a noisy moment on a shared machine hits them all
    # alike. Each figure is the median of the rounds (the ratio: of same-round ratios); the
    # worst round's p99 is shown too, and errors are summed.
    rounds = []
    for number in range(1, ROUNDS + 1):
        print(f"round {number} of {ROUNDS}...", flush=True)
        rounds.append(run_round(groups))
        if number == 1:
            # Workers are not recycled (gunicorn.conf.py): their memory once each has served
            # every target, against after the last round, shows whether it grows with requests.
            warm = children_memory_mb(server.pid, "VmRSS")
            warm_requests = sum(r["requests"] for r in rounds[0]["gunicorn alone"].values())
    results = {group: summarise([r[group] for r in rounds]) for group in groups}
    for group, rows in results.items():
        print_table(f"{name}, {group}: target", rows)

    print()
    article = {"through nginx": "article (from nginx's cache)", "gunicorn alone": "article (500 comments, 20 shown)"}
    for group, goal in GOALS.items():
        ratio = results[group][article[group]]["ratio"]
        verdict = "met" if ratio >= goal else "NOT met"
        print(f"Goal, {group}: article / reference {ratio:.2f}, goal at least {goal}: {verdict}")
    statuses = cache_statuses(tmp / "nginx-access.log")
    print(
        f"nginx answered the article {sum(statuses.values())} times: "
        + ", ".join(f"{status} {count}" for status, count in statuses.most_common())
    )
    html_gz = len(fetch(PORT, ARTICLE, {"Accept-Encoding": "gzip"})[2])
    css_gz = len(fetch(PORT, css_path, {"Accept-Encoding": "gzip"})[2])
    css_br = len(fetch(PORT, css_path, {"Accept-Encoding": "br"})[2])
    workers_peak = max(children_memory_mb(server.pid).values())
    nginx_peak = max(children_memory_mb(nginx.process.pid).values())
    print(
        f"Article page compressed: HTML {html_gz} B gzip + CSS {css_gz} B gzip ({css_br} B brotli)"
        f" = {html_gz + css_gz} B; gunicorn workers' peak memory: {workers_peak:.1f} MB;"
        f" nginx processes' peak memory: {nginx_peak:.1f} MB"
    )
    served = sum(r["requests"] for run_ in rounds for r in run_["gunicorn alone"].values())
    after = children_memory_mb(server.pid, "VmRSS")
    growth = [after[pid] - warm[pid] for pid in after if pid in warm]
    print(
        f"Workers' memory after round 1 ({warm_requests} requests to gunicorn) {max(warm.values()):.1f} MB, "
        f"after round {ROUNDS} ({served} requests) {max(after.values()):.1f} MB; "
        f"largest growth of one worker between them {max(growth, default=0):.1f} MB "
        f"({len(after) - len(growth)} of {len(after)} workers were restarted)"
    )


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run 'make wrk' (Debian's wrk package).")
    if not Path(NGINX).exists():
        raise SystemExit(f"{NGINX} is missing: run 'make nginx' (Debian's nginx package).")
    print(
        f"metsinfo benchmark: wrk, {CONNECTIONS} connections, {DURATION} s per target, {ROUNDS} interleaved rounds "
        f"(medians shown; errors summed); gunicorn on 127.0.0.1:{PORT}, nginx in front on 127.0.0.1:{NGINX_PORT}"
    )
    only = os.environ.get("BENCH_ONLY", "").lower()  # e.g. "sqlite" or "postgres", for quick trials
    for name, config in CONFIGS.items():
        if only in name.lower():
            bench(name, config)


if __name__ == "__main__":
    main()
