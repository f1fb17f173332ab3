"""Support shifts: who covers which stores, on which days and hours.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.shifts.models import (
    ShiftException,
    ShiftKind,
    SupportShift,
    shift_engineers,
    shift_stores,
)
from fieldops.shifts.services import apply_change, describe_days, describe_window
