"""The audit log: who did what to which record, and when (`record`, `recent_events`).

The front door: other packages import these names from `fieldops.audit`, never from its
modules (checked by `lint-imports`, see docs/architecture.md).
"""

from fieldops.audit.services import recent_events, record

__all__ = ["recent_events", "record"]
