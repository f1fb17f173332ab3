"""Background jobs: the scheduler, its lease, the runner and the registered tasks.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.jobs.lease import current, new_holder
from fieldops.jobs.models import RunStatus
from fieldops.jobs.runner import recent_runs, record_run
from fieldops.jobs.scheduler import SchedulerProcess
from fieldops.jobs.tasks import recompute_hours
