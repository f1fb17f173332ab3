"""The audit log: who did what to which record, and when (`record`, `recent_events`).

Other packages import from here, never from its modules (docs/architecture.md).
"""

from fieldops.audit.services import recent_events, record
