"""The "Uploads" section of docs/benchmarks.md, rewritten on its own by bench/uploads.py."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import load_average, replace_section

if TYPE_CHECKING:
    from bench.uploads import Comments, Run

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TITLE = "## Uploads: large images"
GROWTH_TARGET_MB = 400  # a 40 MP upload, over the worker at rest
WAIT_TARGET_MS = 100  # a write racing it
# Measured on 2026-12-03 with the code before the pixel cap (commit 1a02c42), the same
# bench, while other work loaded the machine (load average 8 to 14 on 2 CPUs).
BEFORE = [
    "Before the pixel cap and the image work outside the transaction (2026-12-03, commit "
    "1a02c42, same bench, load average 8 to 14): on SQLite the 60 MP PNG was accepted in "
    "5.9 to 17 s and grew a worker by 916 MB, a racing comment waited 472 ms and the next "
    "was refused (500, database is locked after the 15 s busy timeout); the 40 MP PNG grew "
    "a worker by 612 MB and comments waited 3.8 s (p50) to 7.6 s; the 40 MP JPEG 576 MB, "
    "comments up to 6.2 s. Twelve at once: 60 MP 2 × 201, 9 × 500, 1 broken; 40 MP PNG "
    "1 × 201, 9 × 500, 2 broken; 40 MP JPEG 7 × 201, 5 × 500; comments waited up to 46 s; "
    '80 "database is locked" in the log. On PostgreSQL the 60 MP PNG took 30 s and 918 MB, '
    "the 40 MP PNG 616 MB, the JPEG 579 MB; comments were not locked out (p50 143 to "
    "203 ms, max 1.3 s, the CPUs being busy); twelve 60 MP PNGs at once all broke (gunicorn "
    "killed every worker at its 30 s timeout), twelve 40 MP PNGs 10 broken and 2 × 500.",
]


def _comments(comments: Comments) -> str:
    """The cells of the comments that raced uploads: count, p50, max (refused ones
    included), the answers other than 201."""
    failed = _answers(comments.failed) or "none"
    if not comments.ms:
        return f"0 | – | – | {failed}"
    ms = comments.ms
    return f"{len(ms)} | {statistics.median(ms):.0f} | {max(ms):.0f} | {failed}"


def _answers(counts: dict[int, int]) -> str:
    return ", ".join(f"{n} × {status}" for status, n in sorted(counts.items()))


def section(runs: list[Run]) -> list[str]:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    workers = runs[0].workers
    lines = [
        TITLE,
        "",
        f"Written by `python -m bench.uploads` on {now} (load average {load_average()} after "
        f"the run). `gunicorn -w {workers}` (sync workers, as docs/deploy.md), "
        "`FIELDOPS_ENV=production`, a fresh database with one engineer, one issue, one "
        "observation. An engineer posts comments on the issue one after the other (each on "
        'a new connection, 50 ms apart) for as long as the uploads last; "alone": ten '
        "comments before, with nothing else running. Memory: the growth "
        "of the worker's peak (VmHWM, reset before the upload) over its size at rest after "
        f"warm-up uploads. Targets: a 40 MP upload grows a worker by under "
        f"{GROWTH_TARGET_MB} MB; a racing write waits under {WAIT_TARGET_MS} ms.",
        "",
        "| database | image | bytes | answer | upload s | worker growth MB | comment alone p50 ms |"
        " racing comments | comment p50 ms | comment max ms | comments refused |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in runs:
        for case in run.cases:
            lines.append(
                f"| {run.database} | {case.image.label} | {len(case.image.data()):,} | "
                f"{case.status} | {case.seconds:.2f} | {case.growth_mb:.0f} | "
                f"{statistics.median(case.alone):.0f} | {_comments(case.comments)} |"
            )
    lines += [
        "",
        "The same images sent at once (each upload on its own connection):",
        "",
        "| database | image | uploads | answers | seconds for all | peak worker growth MB |"
        " racing comments | comment p50 ms | comment max ms | comments refused |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in runs:
        for case in run.cases:
            lines.append(
                f"| {run.database} | {case.image.label} | {sum(case.concurrent.values())} | "
                f"{_answers(case.concurrent)} | {case.concurrent_seconds:.1f} | "
                f"{case.concurrent_growth_mb:.0f} | {_comments(case.concurrent_comments)} |"
            )
    idle = [mb for run in runs for case in run.cases for mb in case.idle_mb]
    errors = "; ".join(
        f"{run.database}: {sum(c.locked for c in run.cases)} "
        f'"database is locked", {sum(c.killed for c in run.cases)} workers killed'
        for run in runs
    )
    lines += [
        "",
        f"A server per image; its workers at rest after warm-up: {min(idle):.0f} to "
        f"{max(idle):.0f} MB. Answer 0: the connection broke (gunicorn killed the worker "
        f"after its 30 s timeout). Server log: {errors}.",
        "",
        *BEFORE,
        "",
    ]
    return lines


def write_section(path: Path, runs: list[Run]) -> None:
    replace_section(path, TITLE, section(runs))
