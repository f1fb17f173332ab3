"""Support coverage of real customer hours: the engine, the nightly snapshots and alerts,
and the one visit cadence rule.

The front door: other packages import these names from `fieldops.coverage`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.coverage.models import Alert, AlertKind, CoverageSnapshot
from fieldops.coverage.services import active_stores, coverage_of, visit_cadence
from fieldops.coverage.snapshots import run_date, save_snapshots, take_snapshot

__all__ = [
    "Alert",
    "AlertKind",
    "CoverageSnapshot",
    "active_stores",
    "coverage_of",
    "run_date",
    "save_snapshots",
    "take_snapshot",
    "visit_cadence",
]
