"""Real customer hours learned from evidence: signals and close-outs in, daily presence,
the estimate per weekday, drifts from posted hours.

The front door: other packages import these names from `fieldops.hours`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.hours.chart import hours_chart
from fieldops.hours.csv_import import import_signals
from fieldops.hours.drifts import largest_drifts
from fieldops.hours.ingest import ingest_signals, record_closeout
from fieldops.hours.learning import recompute, recompute_pending
from fieldops.hours.models import HoursBasis, RealHours
from fieldops.hours.schemas import CloseoutSchema
from fieldops.hours.services import hours_for

__all__ = [
    "CloseoutSchema",
    "HoursBasis",
    "RealHours",
    "hours_chart",
    "hours_for",
    "import_signals",
    "ingest_signals",
    "largest_drifts",
    "recompute",
    "recompute_pending",
    "record_closeout",
]
