"""docs/benchmarks.md: the figures of one run, the machine, the data set, the targets."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from bench import report_coverage, report_hours
from bench.client import Sample
from bench.generate import Meta
from bench.ingest import IngestResult
from bench.recompute import RecomputeResult

# p95 targets in milliseconds, at the generated size, on SQLite.
TARGETS_MS = {"today": 50.0, "stores": 50.0, "overview": 300.0}
LABELS = {
    "healthz": "`GET /healthz`",
    "today": "Today: `GET /api/visits?engineer=me&date=…` (Bearer)",
    "stores": "Store list: `GET /api/stores?page=N&per_page=50` (Bearer)",
    "overview": "CIO dashboard, all stores: `GET /overview` (Bearer, CIO)",
    "overview_region": "CIO dashboard, one region: `GET /overview?region=…` (Bearer, CIO)",
}


@dataclass
class Settings:
    workers: int
    concurrency: int
    seconds: float
    rounds: int
    load_before: str = ""
    load_after: str = ""


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


def machine() -> list[str]:
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return [
        f"- CPUs (`nproc`): {nproc or os.cpu_count()} ({cpu_model()})",
        f"- {platform.system()} {platform.release()}; Python {platform.python_version()}; "
        f"SQLite {sqlite3.sqlite_version}; gunicorn {version('gunicorn')}; "
        f"SQLAlchemy {version('SQLAlchemy')}",
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


def missed(samples: dict[str, Sample]) -> dict[str, bool]:
    """The p95 targets, by endpoint: True where missed."""
    return {name: not _met(samples[name], limit) for name, limit in TARGETS_MS.items()}


def targets_table(samples: dict[str, Sample]) -> list[str]:
    lines = ["| target | measured | met |", "| --- | ---: | --- |"]
    for name, limit in TARGETS_MS.items():
        met = "yes" if _met(samples[name], limit) else "**no**"
        lines.append(
            f"| {LABELS[name].split(':')[0]} p95 < {limit:.0f} ms "
            f"| {samples[name].percentile(95):.1f} ms | {met} |"
        )
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


def write(
    path: Path,
    meta: Meta,
    samples: dict[str, Sample],
    settings: Settings,
    notes: list[str],
    hours: tuple[IngestResult, RecomputeResult],
    coverage: report_coverage.CoverageFigures,
) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (`bench/run.py`) on {now}; the next run rewrites this file.",
        "",
        "## Machine",
        "",
        *machine(),
        f"- Server: `gunicorn -w {settings.workers}` (sync workers), `FIELDOPS_ENV=development`, "
        "SQLite in WAL mode, on the same machine as the client.",
        f"- Client: {settings.concurrency} threads with `http.client`; each endpoint measured "
        f"for {settings.seconds:.0f} s in all, in {settings.rounds} interleaved rounds after a "
        "warm-up. Latency is measured at the client, from sending to the last byte.",
        f"- Load average (1 min) before the run: {settings.load_before}; after: "
        f"{settings.load_after}.",
        "",
        "## Data set",
        "",
        *dataset_lines(meta),
        "",
        *report_hours.dataset_lines(meta),
        "",
        *report_coverage.dataset_lines(meta.database, coverage),
        "",
        "## Results",
        "",
        *results_table(samples),
        "",
        "## Real hours: ingestion of signals over HTTP",
        "",
        *report_hours.ingest_lines(hours[0]),
        "",
        "## Real hours: recompute",
        "",
        *report_hours.recompute_lines(hours[1]),
        "",
        "## Coverage computed live",
        "",
        *report_coverage.live_lines(coverage.live),
        "",
        "## CIO dashboard from snapshots",
        "",
        *report_coverage.dashboard_lines(coverage.dashboard),
        "",
        "## Targets (SQLite, this data set)",
        "",
        *targets_table(samples),
        *report_hours.target_rows(*hours),
        *report_coverage.target_rows(coverage.live),
        "",
    ]
    if notes:
        lines += ["## Notes", "", *notes, ""]
    path.write_text("\n".join(lines))


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
