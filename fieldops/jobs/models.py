"""Background jobs: the scheduler's lease (one active scheduler) and the record of each run."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fieldops.clock import utcnow
from fieldops.database import enum_type
from fieldops.extensions import db


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    ABANDONED = "abandoned"
    QUEUED = "queued"  # waiting for the scheduler (fieldops.jobs.queue)


class SchedulerLease(db.Model):
    """Who may run jobs now. A scheduler holds the lease while it renews it in time.

    `generation` counts the terms: it goes up by one each time the lease changes hands,
    and is the fencing token every job run checks before it commits (fieldops.jobs.lease).
    A released lease keeps its row (no holder), so the count never starts over.
    """

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(sa.String(120))  # None: released
    generation: Mapped[int] = mapped_column(default=1, server_default="1")
    acquired_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (sa.Index("ix_job_runs_job_started", "job_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[str] = mapped_column(sa.String(60))
    holder: Mapped[str] = mapped_column(sa.String(120))
    status: Mapped[RunStatus] = mapped_column(enum_type(RunStatus))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
