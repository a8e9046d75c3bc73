"""`make audit`: Lighthouse (mobile) on the main pages of the site served in production configuration.

Prepares a throwaway SQLite database with the content, starts gunicorn with production settings
on 127.0.0.1, runs Lighthouse (npm package, Debian's Chromium, mobile form factor, no network
throttling beyond Lighthouse's simulated defaults) on each page, prints the four category scores
and stops everything it started (by PID).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from serving import ROOT, gunicorn, manage, production_env

LIGHTHOUSE = ROOT / ".ci" / "audit" / "node_modules" / ".bin" / "lighthouse"
PORT = int(os.environ.get("AUDIT_PORT", "8200"))
BASE = f"http://127.0.0.1:{PORT}"
ARTICLE = "/articles/breast-cancer-bone-metastasis/"
PAGES = {
    "home": "/",
    "article": ARTICLE,
    "section": f"{ARTICLE}symptoms/",
    "glossary": "/glossary/",
    "search": "/search/?q=bone+pain",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


def main() -> None:
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is missing: run 'make audit' (it installs .ci/audit/node_modules).")
    tmp = tempfile.mkdtemp(prefix="metsinfo-audit-")
    env = production_env(
        PORT,
        DATABASE_URL=f"sqlite:///{tmp}/audit.sqlite3",
        CACHE_DIR=f"{tmp}/cache",
        STATIC_ROOT=f"{tmp}/static",
        SITE_URL=BASE,
        CHROME_PATH="/usr/bin/chromium",
    )
    for command in (["migrate", "--noinput"], ["load_content"], ["collectstatic", "--noinput"]):
        manage(env, *command)
    try:
        with gunicorn(env):
            lighthouse(env, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def lighthouse(env: dict[str, str], tmp: str) -> None:
    """Run Lighthouse on every page and print the scores; failing audits go to stderr."""
    print(f"Lighthouse {json.loads((LIGHTHOUSE.resolve().parent.parent / 'package.json').read_text())['version']}, "
          "mobile, Debian Chromium, production settings on 127.0.0.1\n")  # fmt: skip
    print("| page | performance | accessibility | best practices | SEO |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, path in PAGES.items():
        report = Path(tmp) / f"{name}.json"
        for attempt in range(3):  # Chromium now and then loses a trace (NO_NAVSTART): try again
            finished = subprocess.run(  # noqa: S603 (our own commands, no reader input)
                [str(LIGHTHOUSE), BASE + path, "--quiet", "--output=json", f"--output-path={report}",
                 f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"],
                env=env, cwd=ROOT, check=False, timeout=300,
            )  # fmt: skip
            if finished.returncode == 0:
                break
            print(f"(Lighthouse failed on {name}, attempt {attempt + 1} of 3)", file=sys.stderr)
        else:
            raise SystemExit(f"Lighthouse failed three times on {path}")
        result = json.loads(report.read_text())
        scores = [round((result["categories"][c]["score"] or 0) * 100) for c in CATEGORIES]
        print(f"| {name} | " + " | ".join(str(s) for s in scores) + " |", flush=True)
        below = [
            f"    {audit['id']}: {audit['title']}"
            for audit in result["audits"].values()
            if audit.get("score") is not None and audit["score"] < 0.9 and audit.get("scoreDisplayMode") == "binary"
        ]
        if below:
            print("\n".join(below), file=sys.stderr)


if __name__ == "__main__":
    main()
