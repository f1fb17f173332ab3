"""`make lighthouse`: Lighthouse 12 on the sign-in page and the engineer's Today page.

    python -m bench.lighthouse [--runs 3] [--output docs/lighthouse.md]

Loads the demo into a fresh SQLite database, serves it with gunicorn, signs in as the
demo engineer, and runs Lighthouse (npm `lighthouse`, pinned in bench/lighthouse-npm and
installed there by `make lighthouse`) with Debian's chromium, `--runs` times per page, in
Lighthouse's default mobile form factor (a phone screen, simulated slow 4G, CPU slowed
4x). The median score of each category is held against its target; the table goes to
docs/lighthouse.md; the exit status is 1 when a median misses its target.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.server import HOST, free_port, serve
from fieldops.demo.people import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "bench" / "lighthouse-npm" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path(os.environ.get("FIELDOPS_CHROMIUM", "/usr/bin/chromium"))
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
OUTPUT = ROOT / "docs" / "lighthouse.md"
LOG = ROOT / "bench" / ".cache" / "lighthouse-gunicorn.log"  # kept after the run
TARGETS = {"performance": 90, "accessibility": 95, "best-practices": 95}
PAGES = {"Sign-in page": "/login", "Engineer's Today page": "/today"}
ENGINEER = "engineer@example.com"


@dataclass
class PageResult:
    """The scores (0-100) of every run of one page, per category, and what fell short."""

    name: str
    path: str
    scores: dict[str, list[int]] = field(default_factory=dict)
    shortfalls: dict[str, str] = field(default_factory=dict)

    def median(self, category: str) -> int:
        return round(statistics.median(self.scores[category]))

    def missed(self) -> list[str]:
        return [c for c, target in TARGETS.items() if self.median(c) < target]


def load_demo(database: Path, instance: Path) -> dict[str, str]:
    """A migrated database with the demo in it; the environment that serves it."""
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{database}",
        "FIELDOPS_INSTANCE_DIR": str(instance),
        "FIELDOPS_ENV": "development",
        "FLASK_APP": "wsgi",
    }
    flask = str(Path(sys.executable).parent / "flask")
    for command in (["db", "upgrade"], ["fieldops", "demo"]):
        subprocess.run([flask, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def session_cookie(base: str, email: str, password: str) -> str:
    """Sign in through the form, as a browser would; the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if match is None:
        raise SystemExit("the sign-in page has no CSRF token field")
    form = {"csrf_token": match.group(1), "email": email, "password": password}
    answer = opener.open(f"{base}/login", urllib.parse.urlencode(form).encode())
    if urllib.parse.urlparse(answer.geturl()).path == "/login":
        raise SystemExit(f"could not sign in as {email}")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def lighthouse(url: str, headers: dict[str, str], report: Path) -> dict:
    """One Lighthouse run; its JSON report."""
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--chrome-path={CHROMIUM}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--form-factor=mobile",
        f"--only-categories={','.join(TARGETS)}",
    ]
    if headers:
        command.append(f"--extra-headers={json.dumps(headers)}")
    subprocess.run(command, check=True)
    return json.loads(report.read_text())


def shortfalls(report: dict) -> dict[str, str]:
    """Audits that count towards a category's score and did not pass, with what they say."""
    found = {}
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref.get("weight") and audit["score"] is not None and audit["score"] < 1:
                found[audit["id"]] = f"{audit['title']} {audit.get('displayValue', '')}".strip()
    return found


def measure(base: str, cookie: str, runs: int, work: Path) -> list[PageResult]:
    results = []
    for name, path in PAGES.items():
        result = PageResult(name, path, {c: [] for c in TARGETS})
        headers = {"Cookie": cookie} if path != "/login" else {}
        for run in range(1, runs + 1):
            report = lighthouse(base + path, headers, work / f"{path.strip('/')}-{run}.json")
            if urllib.parse.urlparse(report["finalDisplayedUrl"]).path != path:
                raise SystemExit(f"{path} ended on {report['finalDisplayedUrl']}")
            for category in TARGETS:
                result.scores[category].append(round(report["categories"][category]["score"] * 100))
            result.shortfalls |= shortfalls(report)
            print(
                f"{name}, run {run}: " + ", ".join(f"{c} {s[-1]}" for c, s in result.scores.items())
            )
        results.append(result)
    return results


def version_of(tool: Path) -> str:
    return subprocess.run(
        [str(tool), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()


def write(output: Path, results: list[PageResult], runs: int) -> None:
    header = ["Page", *(f"{c} (target ≥ {t})" for c, t in TARGETS.items()), "Result"]
    lines = [
        "# Lighthouse",
        "",
        "Written by `make lighthouse` (bench/lighthouse.py): do not edit by hand.",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with Lighthouse {version_of(LIGHTHOUSE)} "
        f"and {version_of(CHROMIUM)} (headless), on the demo data served by gunicorn from SQLite. "
        f"Each page was run {runs} times in Lighthouse's default mobile form factor "
        "(a phone screen, simulated slow 4G, CPU slowed 4x); the table shows the median "
        "score of each category and, in brackets, every run's. The Today page is that of "
        f"the demo engineer ({ENGINEER}), signed in through the form.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for r in results:
        cells = [f"{r.median(c)} ({', '.join(map(str, r.scores[c]))})" for c in TARGETS]
        verdict = "missed: " + ", ".join(r.missed()) if r.missed() else "meets all targets"
        lines.append(f"| {r.name} (`{r.path}`) | " + " | ".join(cells) + f" | {verdict} |")
    lines += ["", "## Scored audits that did not fully pass in some run", ""]
    for r in results:
        lines.append(f"- {r.name}: " + ("; ".join(sorted(r.shortfalls.values())) or "none"))
    output.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per page (the median counts)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    for tool in (LIGHTHOUSE, CHROMIUM):
        if not tool.exists():
            raise SystemExit(f"{tool} is missing: run `make lighthouse` (it installs both)")
    LOG.parent.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fieldops-lighthouse-") as tmp:
        work = Path(tmp)
        print("Loading the demo…")
        env = load_demo(work / "demo.db", work)
        port = free_port()
        with serve(env, port, workers=2, log=LOG):
            base = f"http://{HOST}:{port}"
            results = measure(base, session_cookie(base, ENGINEER, DEMO_PASSWORD), args.runs, work)
    write(args.output, results, args.runs)
    print(args.output.read_text())
    if any(r.missed() for r in results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
