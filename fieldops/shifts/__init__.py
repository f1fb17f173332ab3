"""Support shifts: who covers which stores, on which days and hours.

The front door: other packages import these names from `fieldops.shifts`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.shifts.models import (
    ShiftException,
    ShiftKind,
    SupportShift,
    shift_engineers,
    shift_stores,
)

__all__ = ["ShiftException", "ShiftKind", "SupportShift", "shift_engineers", "shift_stores"]
