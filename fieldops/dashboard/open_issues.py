"""Open issues on the CIO dashboard, by category and by severity."""

from __future__ import annotations

import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.issues import OPEN_STATUSES, Issue, IssueCategory, Severity
from fieldops.stores import Store


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
