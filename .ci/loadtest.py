"""What `make bench` measures with: requests sent as wrk sends them, wrk itself, process memory.

``fetch`` sends a GET with nothing but ``Host`` and the headers given (no ``Accept-Encoding``
unless asked, as wrk), so a check made with it sees the same cache entry wrk will be served.
``wrk`` runs one target for the fixed time and reads its figures; ``summarise`` turns
interleaved rounds into medians; ``children_memory_mb`` reads a master's children's memory.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

DURATION = os.environ.get("BENCH_SECONDS", "10")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "32")


@dataclass(frozen=True)
class Target:
    """One row of a table: what wrk requests, and the row its ratio is taken to (default: the first)."""

    port: int
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    script: Path | None = None
    reference: str = ""
    #: Served by nginx from its cache: checked to be a HIT right before each measurement.
    cached: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage, bytes]:
    """GET ``path`` from 127.0.0.1:``port`` with only ``Host`` and ``headers``; status, headers, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


def wrk(target: Target) -> dict:
    """wrk on ``target`` for the fixed time at the fixed connections: req/s, p50, p99, errors."""
    args = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", "--timeout", "5s"]
    if target.script:
        args += ["-s", str(target.script)]
    for name, value in target.headers.items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run([*args, target.url], check=True, capture_output=True, text=True, timeout=120).stdout

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


def summarise(rounds: list[dict[str, dict]]) -> dict[str, dict]:
    """Per row, the median of the rounds (the ratio: of same-round ratios), the worst p99, all errors."""
    results = {}
    for label in rounds[0]:
        figures = [r[label] for r in rounds]
        results[label] = {name: statistics.median(f[name] for f in figures) for name in ("rps", "p50", "p99", "ratio")}
        results[label]["worst p99"] = max(f["p99"] for f in figures)
        results[label]["errors"] = sum(f["errors"] for f in figures)
    return results


def print_table(title: str, results: dict[str, dict]) -> None:
    print(f"\n| {title} | req/s | p50 ms | p99 ms | worst p99 ms | errors | ratio to reference |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, result in results.items():
        print(
            f"| {label} | {result['rps']:.0f} | {result['p50']:.2f} | {result['p99']:.2f} | "
            f"{result['worst p99']:.2f} | {result['errors']} | {result['ratio']:.2f} |"
        )


def children_memory_mb(master: int, field: str = "VmHWM") -> dict[int, float]:
    """Each child process's memory by PID: peak resident (VmHWM) or current (VmRSS), in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    memory = {}
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:  # gone meanwhile (nginx's cache loader leaves after a minute)
            continue
        memory[int(pid)] = int(re.search(rf"{field}:\s+(\d+) kB", status).group(1)) / 1024
    return memory
