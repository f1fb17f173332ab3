"""Counts of the requests the fuzzer sent, by operation and role, and of the batch bodies."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

# Batch operations whose bodies must really be generated (not all refused by the generator).
BATCHES = {"POST /api/sync": "operations", "POST /api/stores/{store_id}/signals": "signals"}


@dataclass
class Tally:
    requests: Counter[tuple[str, str]] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    batches: Counter[tuple[str, str]] = field(default_factory=Counter)

    def count(
        self, role: str, operation: str, method: str, body: Any, status: int, answer: Any
    ) -> None:
        """One request sent for `operation` ("POST /api/sync"), with `method` (the coverage
        phase also tries methods the path does not have); `answer` is the JSON answer."""
        self.requests[(role, operation)] += 1
        self.statuses[status] += 1
        key = BATCHES.get(operation)
        items = body.get(key) if key and isinstance(body, dict) else None
        if method != operation.split()[0] or not (isinstance(items, list) and items):
            return
        self.batches[(operation, "bodies with rows")] += 1
        self.batches[(operation, f"answered {status}")] += 1
        if status == 200 and isinstance(answer, dict):
            if "accepted" in answer:  # signals: {"accepted": n, "duplicates": n, ...}
                self.batches[(operation, "rows accepted")] += answer["accepted"]
            for result in answer.get("results", []):  # sync: a result per operation
                self.batches[(operation, f"operations {result['status']}")] += 1

    def report(self) -> list[str]:
        if not self.requests:
            return []
        operations = {op for _, op in self.requests}
        lines = [
            f"fuzz: {sum(self.requests.values())} requests over {len(operations)} operations "
            f"as {len({role for role, _ in self.requests})} roles",
            "fuzz: answers by status: "
            + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())),
        ]
        lines += [f"fuzz: {op}: {what}: {n}" for (op, what), n in sorted(self.batches.items())]
        return lines


TALLY = Tally()
