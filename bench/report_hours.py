"""docs/benchmarks.md, real customer hours: the evidence in the data set, ingestion over
HTTP and the recompute of real hours, with their targets."""

from __future__ import annotations

from bench.batches import BATCH, DAYS_PER_BATCH
from bench.evidence import CACHED_DAY, EXPORT_DAYS, PRESENCE_DAYS, SIGNAL_DAYS, export_mix
from bench.generate import Meta
from bench.ingest import TARGET_PER_SECOND, IngestResult
from bench.recompute import TARGET_SECONDS, RecomputeResult, sql_lines


def dataset_lines(meta: Meta) -> list[str]:
    counts, took = meta.counts, meta.seconds_by_table
    mix, days = export_mix(BATCH), ", ".join(map(str, DAYS_PER_BATCH))
    return [
        f"Evidence, dated from the build ({meta.built_at[:16]} UTC; the cache is rebuilt when "
        f"30 days old): {counts.get('signals', 0):,} signals, each store's exports of "
        f"{EXPORT_DAYS} open days in the last {SIGNAL_DAYS} ({CACHED_DAY.size} signals a day: "
        f"{CACHED_DAY.bins} door-counter bins, "
        f"{CACHED_DAY.staff + CACHED_DAY.passers + CACHED_DAY.customers} Wi-Fi sessions of staff, "
        f"passers-by and customers, {CACHED_DAY.transactions} transactions; inserted in "
        f"{took.get('signals', 0):.0f} s, the unique dedupe-key index included); "
        f"{counts.get('daily_presence', 0):,} daily presence rows ({PRESENCE_DAYS} business days "
        f"per store up to yesterday, inserted in {took.get('daily_presence', 0):.0f} s); "
        f"{counts.get('real_hours', 0):,} real hours rows learned by the app's recompute.",
        f"Ingestion batches: {BATCH:,} new signals for one store and {days} business days "
        f"in turn (a one-day export: {mix.bins} five-minute door bins, "
        f"{mix.staff + mix.passers + mix.customers:,} Wi-Fi sessions, {mix.transactions} "
        "transactions, a tenth of them without an id), on days the store has no signals yet, "
        "times in the store's offset; sent with an integration token (scope `signals`).",
    ]


def ingest_lines(result: IngestResult) -> list[str]:
    lines = [
        "| ingestion run | batches | signals accepted | seconds | signals/s | p50 ms | p95 ms "
        "| max ms | failed batches |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in result.runs:
        lines.append(
            f"| {r.name} | {r.batches} | {r.signals:,} | {r.seconds:.1f} | {r.per_second:,.0f} "
            f"| {r.percentile(50):.0f} | {r.percentile(95):.0f} | "
            f"{max(r.latencies, default=0) * 1000:.0f} | {len(r.failures)} |"
        )
    verdict = "all duplicates" if result.resend_ok else "**not all duplicates**"
    lines += [
        "",
        f"The first batch sent again: {verdict} ({result.resend_answer}) in "
        f"{result.resend_ms:.0f} ms. Two warm-up batches go first; signals/s counts accepted "
        "signals over the run's wall time. Afterwards the run's signals are deleted and the "
        "presence rows it rewrote put back, so every run starts from the same data set.",
    ]
    failures = [f for r in result.runs for f in r.failures]
    if failures:
        lines += ["", "Failed batches (first 5):", "", *(f"- {f}" for f in failures[:5])]
    return lines


def recompute_lines(result: RecomputeResult) -> list[str]:
    lines = [
        f"`recompute(now)` in-process (an app context on the database, as the nightly job "
        f"runs it), all {result.stores:,} stores: {result.samples:,} store-days in the 8-week "
        f"window read, {result.weekdays:,} weekdays written ({result.observed:,} learned from "
        "evidence); each run committed.",
        "",
        "| recompute run | seconds | commit s |",
        "| --- | ---: | ---: |",
    ]
    lines += [
        f"| {n} | {run:.2f} | {commit:.2f} |"
        for n, (run, commit) in enumerate(zip(result.runs, result.commits, strict=True), 1)
    ]
    last = result.runs[-1] if result.runs else 0.0
    writes = "; writes as timed in `cursor.execute`"
    return lines + sql_lines(result.statements, last, "run", writes)


def targets(ingest: IngestResult, recompute: RecomputeResult) -> list[tuple[str, str, str, bool]]:
    """(key, label, figure, met) of ingestion and recompute."""
    best = ingest.best
    return [
        (
            "ingest",
            f"Ingestion ≥ {TARGET_PER_SECOND:,.0f} signals/s (batches of {BATCH:,}, 10M signals "
            "stored)",
            f"{best.per_second:,.0f}/s ({best.name})",
            best.per_second >= TARGET_PER_SECOND and not best.failures and ingest.resend_ok,
        ),
        (
            "recompute",
            f"Recompute of {recompute.stores:,} stores < {TARGET_SECONDS:.0f} s",
            f"{recompute.worst:.1f} s (slowest run)",
            recompute.worst < TARGET_SECONDS and recompute.stores > 0,
        ),
    ]
