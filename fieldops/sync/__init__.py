"""The phone's offline outbox, replayed once per client id.

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.sync.services import start_visit_once
