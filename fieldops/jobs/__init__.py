"""Background jobs: the scheduler, its lease, the runner and the registered tasks.

The front door: other packages import these names from `fieldops.jobs`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.jobs.lease import current, new_holder
from fieldops.jobs.models import RunStatus
from fieldops.jobs.runner import recent_runs, record_run
from fieldops.jobs.scheduler import SchedulerProcess
from fieldops.jobs.tasks import recompute_hours

__all__ = [
    "RunStatus",
    "SchedulerProcess",
    "current",
    "new_holder",
    "recent_runs",
    "recompute_hours",
    "record_run",
]
