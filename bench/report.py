"""docs/benchmarks.md: the figures of one run on each database, the machine, the data set,
the targets side by side.

The file is rewritten whole except for what this run did not measure: the section of a
database left out (`--databases`) stays as its last run wrote it, and so do the sections
of the benchmarks that run alone (uploads, suggestions, planner, retention:
`replace_section`). The target figures of each database are kept in bench/.cache so that
the side-by-side table can show a database measured by an earlier run, dated.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa

from bench import report_coverage, report_hours
from bench.client import Sample
from bench.databases import NAMES, Database, engine
from bench.generate import CACHE_DIR, Meta
from bench.ingest import IngestResult
from bench.recompute import RecomputeResult

# p95 targets in milliseconds, at the generated size, on either database.
TARGETS_MS = {"today": 50.0, "stores": 50.0, "overview": 300.0}
LABELS = {
    "healthz": "`GET /healthz`",
    "today": "Today: `GET /api/visits?engineer=me&date=…` (Bearer)",
    "stores": "Store list: `GET /api/stores?page=N&per_page=50` (Bearer)",
    "overview": "CIO dashboard, all stores: `GET /overview` (Bearer, CIO)",
    "overview_region": "CIO dashboard, one region: `GET /overview?region=…` (Bearer, CIO)",
}
TARGET_FIGURES = CACHE_DIR / "bench-targets.json"  # each database's latest, for the table
OWNED = {"## Machine", "## Data set", "## Targets"}  # rewritten by every run, as the title
LEGACY = {  # sections of the single-database report, before PostgreSQL was measured too
    "## Results",
    "## Real hours: ingestion of signals over HTTP",
    "## Real hours: recompute",
    "## Coverage computed live",
    "## CIO dashboard from snapshots",
    "## Targets (SQLite, this data set)",
    "## Notes",
}


@dataclass
class Settings:
    workers: int
    concurrency: int
    seconds: float
    rounds: int


class Target(NamedTuple):
    """One target of one database's run: `key` names it (bench/run.py's MISSED)."""

    key: str
    label: str
    figure: str
    met: bool


@dataclass
class DatabaseRun:
    """What one database's section shows."""

    database: Database
    samples: dict[str, Sample]
    hours: tuple[IngestResult, RecomputeResult]
    coverage: report_coverage.CoverageFigures
    load_before: str
    load_after: str = ""
    about: list[str] = field(default_factory=list)  # how the database was set up
    notes: list[str] = field(default_factory=list)
    # wrk's figures (bench/throughput.py): their table's lines and their targets' rows
    throughput: list[str] = field(default_factory=list)
    throughput_targets: list[tuple[str, str, str, bool]] = field(default_factory=list)

    @property
    def targets(self) -> list[Target]:
        rows = (
            endpoint_targets(self.samples)
            + self.throughput_targets
            + report_hours.targets(*self.hours)
            + report_coverage.targets(self.coverage.live)
        )
        return [Target(*row) for row in rows]


def load_average() -> str:
    """The 1-minute load average: other work on the machine skews the figures."""
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a"


def cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def postgres_version(url: str) -> str:
    with engine(url).connect() as conn:
        return conn.scalar(sa.text("SHOW server_version")).split()[0]


def machine(settings: Settings) -> list[str]:
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return [
        f"- CPUs (`nproc`): {nproc or os.cpu_count()} ({cpu_model()})",
        f"- {platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}; gunicorn {version('gunicorn')}; "
        f"SQLAlchemy {version('SQLAlchemy')}; psycopg {version('psycopg')}",
        f"- Server: `gunicorn -w {settings.workers}` (sync workers), `FIELDOPS_ENV=development` "
        "(no Redis: rate limits in memory), on the same machine as the client and the database.",
        f"- Client: {settings.concurrency} threads with `http.client`; each endpoint measured "
        f"for {settings.seconds:.0f} s in all, in {settings.rounds} interleaved rounds after a "
        "warm-up. Latency is measured at the client, from sending to the last byte.",
        "- gunicorn's sync workers close the connection after each response, so every request "
        "includes a local TCP connect; /healthz carries the same cost, which the ratios cancel.",
        "- The client runs on the same CPUs as the server; on a 2-CPU machine it takes a share "
        "of them, which lowers throughput figures (most for the fastest endpoint, /healthz).",
        "- Runs on a shared machine vary (by a third between runs here): the load averages of "
        "each database's run tell how busy it was; the ratios to /healthz travel better than "
        "absolute figures.",
    ]


def _ratio(value: float, base: float) -> str:
    if not base:
        return "n/a"
    ratio = value / base
    return f"{ratio:.2f}×" if ratio < 0.1 else f"{ratio:.1f}×"


def results_table(samples: dict[str, Sample]) -> list[str]:
    base = samples["healthz"]
    lines = [
        "| endpoint | requests | errors | p50 ms | p95 ms | p99 ms | req/s "
        "| p50 vs healthz | p95 vs healthz | req/s vs healthz |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in samples.items():
        p50, p95, p99 = s.percentile(50), s.percentile(95), s.percentile(99)
        lines.append(
            f"| {LABELS[name]} | {s.requests} | {s.errors} | {p50:.1f} | {p95:.1f} | {p99:.1f} "
            f"| {s.throughput:.0f} | {_ratio(p50, base.percentile(50))} "
            f"| {_ratio(p95, base.percentile(95))} | {_ratio(s.throughput, base.throughput)} |"
        )
    return lines


def _met(sample: Sample, limit: float) -> bool:
    return sample.percentile(95) < limit and not sample.errors


def endpoint_targets(samples: dict[str, Sample]) -> list[tuple[str, str, str, bool]]:
    """The p95 targets over HTTP: (key, label, figure, met)."""
    return [
        (
            name,
            f"{LABELS[name].split(':')[0]} p95 < {limit:.0f} ms",
            f"{samples[name].percentile(95):.1f} ms",
            _met(samples[name], limit),
        )
        for name, limit in TARGETS_MS.items()
    ]


def remember_targets(runs: list[DatabaseRun]) -> dict[str, dict]:
    """This run's target figures saved beside the earlier runs' of other databases; all."""
    try:
        kept = json.loads(TARGET_FIGURES.read_text())
    except (OSError, ValueError):
        kept = {}
    at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    for run in runs:
        kept[run.database.key] = {
            "at": at,
            "load": f"{run.load_before} → {run.load_after}",
            "targets": [list(t) for t in run.targets],
        }
    TARGET_FIGURES.parent.mkdir(exist_ok=True)
    TARGET_FIGURES.write_text(json.dumps(kept, indent=2))
    return kept


def side_by_side(kept: dict[str, dict], this_run: set[str]) -> list[str]:
    """| target | SQLite | met | PostgreSQL | met |, from each database's latest figures."""
    keys = [key for key in NAMES if key in kept]
    labels: dict[str, str] = {}
    cells: dict[str, dict[str, str]] = {}
    for key in keys:
        for name, label, figure, met in map(Target._make, kept[key]["targets"]):
            labels.setdefault(name, label)
            cells.setdefault(name, {})[key] = f"{figure} | {'met' if met else '**missed**'}"
    lines = [
        "| target | " + " | ".join(f"{NAMES[k]} | met" for k in keys) + " |",
        "| --- |" + " ---: | --- |" * len(keys),
    ]
    for name, label in labels.items():
        lines.append(f"| {label} | " + " | ".join(cells[name].get(k, "– | –") for k in keys) + " |")
    lines.append("")
    for key in keys:
        when = "this run" if key in this_run else f"an earlier run, {kept[key]['at']}"
        lines.append(f"- {NAMES[key]}: {when}; load average (1 min) {kept[key]['load']}.")
    return lines


def dataset_lines(meta: Meta) -> list[str]:
    size = Path(meta.database).stat().st_size / 1e9
    counts = ", ".join(f"{table.replace('_', ' ')}: {n:,}" for table, n in meta.counts.items())
    return [
        f"SQLite file `bench/.cache/{Path(meta.database).name}` ({size:.2f} GB, generator "
        f"version {meta.version}, built in {meta.seconds:.0f} s by `bench/generate.py`): {counts}.",
        f"Visits cover two years of working days up to {meta.today} (three per engineer a "
        "day) and two weeks planned after it. The Today requests rotate over the benchmark "
        f"engineer's {len(meta.visit_dates)} latest days with visits; the store list rotates "
        "over every page.",
    ]


def database_section(run: DatabaseRun) -> list[str]:
    """`## SQLite` or `## PostgreSQL`: every figure of that database's run."""
    ingest, recompute = run.hours
    lines = [
        f"## {run.database.name}",
        "",
        *run.about,
        f"- Load average (1 min) before this database's run: {run.load_before}; after: "
        f"{run.load_after}.",
        "",
        "### Coverage snapshots",
        "",
        *report_coverage.dataset_lines(run.database.url, run.coverage),
        "",
        "### Results",
        "",
        *results_table(run.samples),
        "",
        *(["### Throughput and latency (wrk)", "", *run.throughput, ""] if run.throughput else []),
        "### Real hours: ingestion of signals over HTTP",
        "",
        *report_hours.ingest_lines(ingest),
        "",
        "### Real hours: recompute",
        "",
        *report_hours.recompute_lines(recompute),
        "",
        "### Coverage computed live",
        "",
        *report_coverage.live_lines(run.coverage.live),
        "",
        "### CIO dashboard from snapshots",
        "",
        *report_coverage.dashboard_lines(run.coverage.dashboard),
        "",
    ]
    if run.notes:
        lines += ["### Notes", "", *run.notes, ""]
    return lines


def sections(text: str) -> dict[str, list[str]]:
    """The `## ` sections of a report, by title, in order (the title's line first)."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = found[line] = []
        if current is not None:
            current.append(line)
    return found


def write(path: Path, meta: Meta, settings: Settings, runs: list[DatabaseRun]) -> None:
    """Rewrite the report: the head, the databases measured (the others' sections kept as
    they were), then the sections of the benchmarks that run alone."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    old = sections(path.read_text()) if path.exists() else {}
    kept = remember_targets(runs)
    measured = {run.database.key: run for run in runs}
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`bench/run.py`) on {now}, on "
        f"{' and '.join(run.database.name for run in runs)}; the next run rewrites this file "
        "(a database it leaves out keeps its sections, dated below).",
        "",
        "## Targets",
        "",
        *side_by_side(kept, set(measured)),
        "",
        "## Machine",
        "",
        *machine(settings),
        "",
        "## Data set",
        "",
        *dataset_lines(meta),
        "",
        *report_hours.dataset_lines(meta),
        "",
    ]
    for key, name in NAMES.items():
        title = f"## {name}"
        if key in measured:
            lines += database_section(measured[key])
        elif title in old:
            lines += old[title]
    databases = {f"## {name}" for name in NAMES.values()}
    for title, section in old.items():
        if title not in OWNED | LEGACY | databases:
            lines += section
    path.write_text("\n".join(lines).rstrip("\n") + "\n")


def replace_section(path: Path, title: str, new: list[str]) -> None:
    """Put a section (its lines, `title` first) in place of an earlier one with that title,
    else before the notes, else at the end: benchmarks that run alone rewrite only theirs."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    lines = text.splitlines()
    if title in lines:
        start = lines.index(title)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
    elif "## Notes" in lines:
        start = end = lines.index("## Notes")
    else:
        start = end = len(lines)
    path.write_text("\n".join(lines[:start] + new + lines[end:]).rstrip("\n") + "\n")
