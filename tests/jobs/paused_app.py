"""The app of the real scheduler processes in test_paused_leader.py (`flask --app … scheduler`).

Its scheduler runs two jobs: the heartbeat, and `paused_probe`, whose work is one audit row
naming the process (what a stale leader must not commit), then two seconds of "work": the
window in which the test stops the process. The lease lasts 3 s, so a takeover takes
seconds, not minutes.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from config import TestingConfig
from fieldops import create_app
from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.jobs import registry

PROBE = "paused_probe"
LEASE_SECONDS = 3
WORK_SECONDS = 2.0


class ProbeConfig(TestingConfig):  # the database: FIELDOPS_TEST_DATABASE_URL
    SCHEDULER_LEASE_SECONDS = LEASE_SECONDS


def probe(now: datetime) -> dict[str, Any]:
    db.session.add(
        AuditEvent(at=now, action=PROBE, target_type="job", details={"pid": os.getpid()})
    )
    db.session.flush()
    time.sleep(WORK_SECONDS)  # a real process at work: the test stops it here
    return {"pid": os.getpid()}


def create() -> Flask:
    heartbeat = registry.JOBS[registry.HEARTBEAT]
    registry.JOBS.clear()
    registry.JOBS[heartbeat.id] = heartbeat
    registry.JOBS[PROBE] = registry.JobSpec(
        id=PROBE,
        description="Write one row, then work for two seconds",
        func=probe,
        trigger=lambda config: IntervalTrigger(seconds=2, timezone=UTC),
        misfire_grace_time=60,
        coalesce=True,
        max_instances=1,
    )
    return create_app(ProbeConfig)
