"""Ingestion over HTTP: batches of 10,000 new signals POSTed to /api/stores/<id>/signals.

Bodies are built before the clock starts (bench/batches.py). After two warm-up batches,
one run sends batches one after another, a second from two clients at once; each batch
must answer 200 with accepted == 10,000, no duplicates and no rejections, or it counts
as failed. Signals per second = accepted signals / wall time of the run. Last, the first
batch is sent again: every row must come back a duplicate.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field

from bench.batches import Batch
from bench.client import post

TARGET_PER_SECOND = 20_000.0


@dataclass
class IngestRun:
    name: str
    clients: int
    batches: int = 0
    signals: int = 0  # accepted
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.signals / self.seconds if self.seconds else 0.0

    def percentile(self, q: int) -> float:
        """In milliseconds."""
        if len(self.latencies) < 2:
            return (self.latencies or [float("nan")])[0] * 1000
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


@dataclass
class IngestResult:
    runs: list[IngestRun] = field(default_factory=list)
    resend_ms: float = float("nan")
    resend_answer: str = ""
    resend_ok: bool = False

    @property
    def best(self) -> IngestRun:
        return max(self.runs, key=lambda r: r.per_second)


def send(host: str, port: int, batch: Batch, headers: dict[str, str]) -> tuple[float, dict]:
    """(seconds, the answer) of one batch; the answer holds "status" too."""
    conn = http.client.HTTPConnection(host, port, timeout=300)
    started = time.perf_counter()
    try:
        status, body = post(conn, f"/api/stores/{batch.store_id}/signals", batch.body, headers)
    finally:
        conn.close()
    seconds = time.perf_counter() - started
    try:
        answer = json.loads(body)
    except ValueError:
        answer = {"body": body[:300].decode(errors="replace")}
    return seconds, {"status": status, **answer}


def check(batch: Batch, answer: dict) -> str | None:
    """Why the answer is wrong for a batch of new rows, or None."""
    expected = {"status": 200, "accepted": batch.size, "duplicates": 0, "rejected": []}
    if all(answer.get(k) == v for k, v in expected.items()):
        return None
    rejected = answer.get("rejected") or []
    return (
        f"store {batch.store_id} {batch.days[0]}: {answer.get('status')} accepted "
        f"{answer.get('accepted')} duplicates {answer.get('duplicates')} rejected "
        f"{len(rejected)} {str(rejected[:2])[:200]} {str(answer.get('body', ''))[:200]}"
    )


def run(
    host: str, port: int, name: str, batches: list[Batch], clients: int, headers: dict[str, str]
) -> IngestRun:
    result = IngestRun(name, clients)
    lock = threading.Lock()

    def client(mine: list[Batch]) -> None:
        for batch in mine:
            seconds, answer = send(host, port, batch, headers)
            problem = check(batch, answer)
            with lock:
                result.batches += 1
                result.latencies.append(seconds)
                if problem:
                    result.failures.append(problem)
                else:
                    result.signals += answer["accepted"]

    threads = [threading.Thread(target=client, args=(batches[n::clients],)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    print(
        f"[bench.run] ingest {name}: {result.signals:,} signals in {result.seconds:.1f} s, "
        f"{result.per_second:,.0f}/s, p95 {result.percentile(95):.0f} ms, "
        f"{len(result.failures)} failed",
        file=sys.stderr,
        flush=True,
    )
    return result


def measure_ingest(
    host: str, port: int, token: str, batches: list[Batch], per_run: int
) -> IngestResult:
    """Warm-up (2 batches), `per_run` sequential, `per_run` from 2 clients, one resent."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    warm, sequential, parallel = batches[:2], batches[2 : 2 + per_run], batches[2 + per_run :]
    result = IngestResult()
    for batch in warm:
        problem = check(batch, send(host, port, batch, headers)[1])
        if problem:
            raise SystemExit(f"ingestion warm-up failed: {problem}")
    result.runs.append(run(host, port, "sequential", sequential, 1, headers))
    result.runs.append(run(host, port, "2 clients", parallel[:per_run], 2, headers))
    seconds, answer = send(host, port, warm[0], headers)
    result.resend_ms = seconds * 1000
    result.resend_ok = (answer.get("status"), answer.get("accepted"), answer.get("duplicates")) == (
        200,
        0,
        warm[0].size,
    )
    result.resend_answer = json.dumps({k: answer.get(k) for k in ("accepted", "duplicates")})
    return result
