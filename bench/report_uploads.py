"""The "Uploads" section of docs/benchmarks.md, rewritten on its own by bench/uploads.py."""

from __future__ import annotations

import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import load_average

if TYPE_CHECKING:
    from bench.uploads import Comments, Run

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TITLE = "## Uploads: large images"
GROWTH_TARGET_MB = 400  # a 40 MP upload, over the worker at rest
WAIT_TARGET_MS = 100  # a write racing it


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
    idle = "; ".join(
        f"{run.database}: " + ", ".join(f"{mb:.0f}" for mb in run.idle_mb) for run in runs
    )
    errors = "; ".join(
        f'{run.database}: {run.locked} "database is locked", {run.killed} workers killed'
        for run in runs
    )
    lines += [
        "",
        f"Workers at rest after warm-up (MB): {idle}. Answer 0: the connection broke (gunicorn "
        f"killed the worker after its 30 s timeout). Server log: {errors}.",
        "",
    ]
    return lines


def write_section(path: Path, runs: list[Run]) -> None:
    """Put the section in place of an earlier one, else before the notes, else at the end."""
    text = path.read_text() if path.exists() else "# Benchmarks\n\n"
    lines = text.splitlines()
    new = section(runs)
    if TITLE in lines:
        start = lines.index(TITLE)
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
    elif "## Notes" in lines:
        start = end = lines.index("## Notes")
    else:
        start = end = len(lines)
    path.write_text("\n".join(lines[:start] + new + lines[end:]).rstrip("\n") + "\n")
