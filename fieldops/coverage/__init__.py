"""Support coverage of real customer hours: the engine, the nightly snapshots and alerts,
and the one visit cadence rule.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.coverage.engine import Gap
from fieldops.coverage.models import Alert, AlertKind, CoverageSnapshot
from fieldops.coverage.services import (
    StoreCoverage,
    active_stores,
    coverage_of,
    covering_shifts,
    visit_cadence,
)
from fieldops.coverage.snapshots import run_date, save_snapshots, take_snapshot
from fieldops.coverage.week import WeekStrip, duration, week_strip
