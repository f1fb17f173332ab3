"""Support coverage of real customer hours: the engine, the nightly snapshots and alerts,
and the one visit cadence rule.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.coverage.alerts import alerts_page, get_alert, owners, update_alert
from fieldops.coverage.cache import forget, forget_flushed, forget_learned
from fieldops.coverage.cadence import VisitCadence, leadership_cadence, visit_cadence
from fieldops.coverage.engine import Gap, StoreHours
from fieldops.coverage.intervals import Interval, union
from fieldops.coverage.models import (
    Alert,
    AlertEvent,
    AlertKind,
    CoverageCache,
    CoverageSnapshot,
    without_store,
)
from fieldops.coverage.schemas import AlertListArgsSchema, AlertUpdateSchema
from fieldops.coverage.services import (
    CustomerHours,
    HoursBook,
    StoreCoverage,
    active_stores,
    coverage_of,
    covering_shifts,
    customer_hours,
    on_shift,
)
from fieldops.coverage.snapshots import (
    refresh_snapshots,
    run_date,
    save_snapshots,
    take_snapshot,
)
from fieldops.coverage.suggestions import suggest
from fieldops.coverage.week import WeekStrip, duration, week_strip
