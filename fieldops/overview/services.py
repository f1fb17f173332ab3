"""First figures for the CIO: visit coverage against cadence, issue load, the week's visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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


def open_issue_counts() -> dict[str, dict[str, int]]:
    """Open issues by category and by severity (every key present, zeros included)."""
    rows = db.session.execute(
        sa.select(Issue.category, Issue.severity, sa.func.count())
        .where(Issue.status.in_(OPEN_STATUSES))
        .group_by(Issue.category, Issue.severity)
    ).all()
    by_category = {c.value: 0 for c in IssueCategory}
    by_severity = {s.value: 0 for s in Severity}
    for category, severity, count in rows:
        by_category[category.value] += count
        by_severity[severity.value] += count
    return {"category": by_category, "severity": by_severity}


def visit_counts(now: datetime) -> dict[str, Any]:
    """Visits over the last 7 days by status, and those planned for the next 7 days."""
    today = now.date()
    past = dict(
        db.session.execute(
            sa.select(Visit.status, sa.func.count())
            .where(Visit.local_date.between(today - timedelta(days=6), today))
            .group_by(Visit.status)
        ).all()
    )
    planned_ahead = db.session.scalar(
        sa.select(sa.func.count()).where(
            Visit.status == VisitStatus.PLANNED,
            Visit.local_date.between(today + timedelta(days=1), today + timedelta(days=7)),
        )
    )
    far = db.session.scalar(
        sa.select(sa.func.count()).where(
            Visit.far_from_store.is_(True), Visit.checked_in_at > now - timedelta(days=30)
        )
    )
    return {
        "last_7_days": {s.value: past.get(s, 0) for s in VisitStatus},
        "next_7_days_planned": planned_ahead or 0,
        "far_check_ins_30_days": far or 0,
    }
