"""Figures for the CIO dashboard that do not come from coverage snapshots: open issues, and
visit cadence counted live (shown before the first snapshot exists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.issues.models import Issue, IssueCategory, Severity
from fieldops.issues.services import OPEN_STATUSES
from fieldops.stores.models import Store
from fieldops.visits.models import Visit, VisitStatus

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class StoreCoverage:
    store: Store
    completed: int
    last_visit: datetime | None

    @property
    def missing(self) -> int:
        return max(self.store.cadence_per_year - self.completed, 0)


def visit_coverage(now: datetime, region: str | None = None) -> list[StoreCoverage]:
    """Completed visits in the rolling 365 days per active store, against its cadence."""
    counts = (
        sa.select(
            Visit.store_id,
            sa.func.count().label("completed"),
            sa.func.max(Visit.checked_out_at).label("last_visit"),
        )
        .where(Visit.status == VisitStatus.COMPLETED, Visit.checked_out_at > now - YEAR)
        .group_by(Visit.store_id)
        .subquery()
    )
    stmt = (
        sa.select(Store, sa.func.coalesce(counts.c.completed, 0), counts.c.last_visit)
        .outerjoin(counts, counts.c.store_id == Store.id)
        .where(Store.active.is_(True))
        .order_by(Store.name)
    )
    if region:
        stmt = stmt.where(Store.region == region)
    return [
        StoreCoverage(store, completed, last) for store, completed, last in db.session.execute(stmt)
    ]


def open_issue_counts(region: str | None = None) -> dict[str, dict[str, int]]:
    """Open issues by category and by severity (every key present, zeros included)."""
    stmt = (
        sa.select(Issue.category, Issue.severity, sa.func.count())
        .where(Issue.status.in_(OPEN_STATUSES))
        .group_by(Issue.category, Issue.severity)
    )
    if region:
        stmt = stmt.where(Issue.store_id.in_(sa.select(Store.id).where(Store.region == region)))
    rows = db.session.execute(stmt).all()
    by_category = {c.value: 0 for c in IssueCategory}
    by_severity = {s.value: 0 for s in Severity}
    for category, severity, count in rows:
        by_category[category.value] += count
        by_severity[severity.value] += count
    return {"category": by_category, "severity": by_severity}
