"""Real customer hours learned from evidence: signals and close-outs in, daily presence,
the estimate per weekday, drifts from posted hours.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.hours.chart import hours_chart
from fieldops.hours.closeout_checks import closeout_questions, said, todays_closeout
from fieldops.hours.csv_import import import_signals
from fieldops.hours.drifts import largest_drifts
from fieldops.hours.ingest import ingest_signals, record_closeout
from fieldops.hours.learning import recompute, recompute_pending
from fieldops.hours.models import HoursBasis, RealHours
from fieldops.hours.retention import prune_signals
from fieldops.hours.schemas import CloseoutSchema
from fieldops.hours.services import hours_for
