"""The CIO dashboard's figures, read from the latest coverage snapshot run.

Nothing here recomputes coverage: the nightly job (fieldops.coverage.snapshots) does
that, for every active store. The database does the sums over the latest run's rows
(totals, the regions' weekday averages, the weekly trend) and hands over only the short
lists shown (the worst stores): a few queries of a few milliseconds each with 5,000
stores, no row per store built in Python. Visit cadence: fieldops.dashboard.visits_due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa

from fieldops.auth import User
from fieldops.coverage import Alert, AlertKind, CoverageSnapshot, without_store
from fieldops.extensions import db
from fieldops.stores import SEES_ALL_STORES, Store, visible

TREND_WEEKS = 12  # the trend spans this many weeks back from the latest snapshot
HEATMAP_STORES = 50
LIST_LENGTH = 15

Snap = CoverageSnapshot


def percent(covered: int, customer: int) -> float | None:
    return round(100 * covered / customer, 2) if customer else None


def _stores(user: User, region: str | None) -> sa.Select[Any]:
    """The ids of the active stores the user may see, in the region."""
    stmt = visible(sa.select(Store.id), Store, user).where(Store.active.is_(True))
    return stmt.where(Store.region == region) if region else stmt


def active_store_count(user: User, region: str | None = None) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(_stores(user, region).subquery())
    )


def latest_run() -> date | None:
    """The date of the latest snapshot run."""
    return db.session.scalar(sa.select(sa.func.max(Snap.taken_on)))


@dataclass(frozen=True)
class Scope:
    """The latest run's snapshots of the active stores a user may see, in a region.

    Each run snapshots every active store, so a store without a row in the latest run was
    added (or made active again) since: it has no snapshot yet.
    """

    user: User
    region: str | None
    taken_on: date

    def select(self, *columns: Any) -> sa.Select[Any]:
        stmt = (
            visible(sa.select(*columns), Store, self.user)
            .select_from(Snap)
            .join(Store, Store.id == Snap.store_id)
            .where(Snap.taken_on == self.taken_on, Store.active.is_(True))
        )
        return stmt.where(Store.region == self.region) if self.region else stmt


def scope(user: User, region: str | None = None) -> Scope | None:
    """The dashboard's scope, or None before the first snapshot run."""
    taken_on = latest_run()
    return Scope(user, region, taken_on) if taken_on else None


class StoreSnapshot(NamedTuple):
    """A store's snapshot, as the dashboard lists it."""

    store_id: int
    code: str
    name: str
    region: str | None
    days: int
    real_customer: int
    real_covered: int
    posted_customer: int
    posted_covered: int
    completed_12m: int
    cadence: int
    overdue: bool
    due_on: date | None
    by_weekday: list[int]  # uncovered real-customer minutes over the period, Monday first

    @property
    def uncovered(self) -> int:
        return self.real_customer - self.real_covered

    @property
    def real_percent(self) -> float | None:
        return percent(self.real_covered, self.real_customer)

    @property
    def posted_percent(self) -> float | None:
        return percent(self.posted_covered, self.posted_customer)

    def per_week(self, minutes: float) -> float:
        """Minutes over the snapshot's period as minutes a week."""
        return minutes * 7 / self.days if self.days else 0.0

    @property
    def missing(self) -> int:
        return max(self.cadence - self.completed_12m, 0)


SNAPSHOT_COLUMNS = (
    Store.id,
    Store.code,
    Store.name,
    Store.region,
    Snap.days,
    Snap.real_customer_minutes,
    Snap.real_covered_minutes,
    Snap.posted_customer_minutes,
    Snap.posted_covered_minutes,
    Snap.completed_12m,
    Snap.cadence,
    Snap.overdue,
    Snap.due_on,
    Snap.uncovered_by_weekday,
)
UNCOVERED = Snap.real_customer_minutes - Snap.real_covered_minutes


def _snapshots(stmt: sa.Select[Any]) -> list[StoreSnapshot]:
    return [StoreSnapshot._make(row) for row in db.session.execute(stmt)]


@dataclass(frozen=True)
class Headline:
    stores: int
    real_customer: int
    real_covered: int
    posted_customer: int
    posted_covered: int
    uncovered_a_week: float  # real-customer minutes a week without support, all stores
    below_threshold: int  # stores whose real coverage is under the alert threshold
    overdue: int

    @property
    def meeting(self) -> int:
        """Stores visited as often as their cadence asks."""
        return self.stores - self.overdue

    @property
    def real_percent(self) -> float | None:
        return percent(self.real_covered, self.real_customer)

    @property
    def posted_percent(self) -> float | None:
        return percent(self.posted_covered, self.posted_customer)


def headline(where: Scope, threshold: float) -> Headline:
    """Totals over the stores, summed by the database."""
    customer, covered = Snap.real_customer_minutes, Snap.real_covered_minutes
    below = sa.and_(customer > 0, covered * 100 < customer * threshold)
    row = db.session.execute(
        where.select(
            sa.func.count(),
            sa.func.sum(customer),
            sa.func.sum(covered),
            sa.func.sum(Snap.posted_customer_minutes),
            sa.func.sum(Snap.posted_covered_minutes),
            sa.func.sum(UNCOVERED * 7.0 / Snap.days),
            sa.func.sum(sa.case((below, 1), else_=0)),
            sa.func.sum(sa.case((Snap.overdue, 1), else_=0)),
        )
    ).one()
    stores, real, real_covered, posted, posted_covered, a_week, below_n, overdue = row
    return Headline(
        stores=stores,
        real_customer=int(real or 0),
        real_covered=int(real_covered or 0),
        posted_customer=int(posted or 0),
        posted_covered=int(posted_covered or 0),
        uncovered_a_week=float(a_week or 0),
        below_threshold=int(below_n or 0),
        overdue=int(overdue or 0),
    )


def largest_gaps(where: Scope, limit: int) -> list[StoreSnapshot]:
    """The stores with the most uncovered real-customer minutes, worst first."""
    return _snapshots(
        where.select(*SNAPSHOT_COLUMNS)
        .where(UNCOVERED > 0)
        .order_by(UNCOVERED.desc(), Store.name)
        .limit(limit)
    )


def lowest_coverage(where: Scope, limit: int) -> tuple[list[StoreSnapshot], int]:
    """The stores with any uncovered real-customer minutes, lowest real coverage first, and
    how many such stores there are in all."""
    ratio = Snap.real_covered_minutes * 1.0 / Snap.real_customer_minutes
    rows = _snapshots(
        where.select(*SNAPSHOT_COLUMNS)
        .where(UNCOVERED > 0)
        .order_by(ratio, UNCOVERED.desc(), Store.name)
        .limit(limit)
    )
    total = db.session.scalar(where.select(sa.func.count()).where(UNCOVERED > 0))
    return rows, int(total or 0)


@dataclass(frozen=True)
class RegionRow:
    region: str
    stores: int
    days: int
    by_weekday: list[float]  # average uncovered minutes per store over the period


def by_region(where: Scope) -> list[RegionRow]:
    """Per region, the average store's uncovered real-customer minutes per weekday."""
    weekdays = [sa.func.avg(Snap.uncovered_by_weekday[day].as_integer()) for day in range(7)]
    rows = db.session.execute(
        where.select(Store.region, sa.func.count(), sa.func.avg(Snap.days), *weekdays)
        .group_by(Store.region)
        .order_by(Store.region)
    )
    return [
        RegionRow(region or "No region", stores, round(days), [float(v or 0) for v in by_day])
        for region, stores, days, *by_day in rows
    ]


@dataclass(frozen=True)
class TrendPoint:
    taken_on: date
    stores: int
    real_percent: float | None
    posted_percent: float | None


def coverage_trend(
    user: User, region: str | None, until: date, weeks: int = TREND_WEEKS
) -> list[TrendPoint]:
    """Real and posted coverage of all stores, summed, on one snapshot date a week: the
    latest date in each 7-day window back from `until`, oldest first."""
    windows = [
        sa.select(Snap.taken_on)
        .where(
            Snap.taken_on.between(until - timedelta(days=7 * k + 6), until - timedelta(days=7 * k))
        )
        .order_by(Snap.taken_on.desc())
        .limit(1)
        .subquery()
        .select()
        for k in range(weeks + 1)
    ]
    dates = sorted(set(db.session.scalars(sa.union_all(*windows))))
    if not dates:
        return []
    stmt = (
        sa.select(
            Snap.taken_on,
            sa.func.count(),
            sa.func.sum(Snap.real_covered_minutes),
            sa.func.sum(Snap.real_customer_minutes),
            sa.func.sum(Snap.posted_covered_minutes),
            sa.func.sum(Snap.posted_customer_minutes),
        )
        .where(Snap.taken_on.in_(dates))
        .group_by(Snap.taken_on)
        .order_by(Snap.taken_on)
    )
    if region or user.role not in SEES_ALL_STORES:  # else every snapshot counts: no join
        stmt = stmt.where(Snap.store_id.in_(_stores(user, region)))
    return [
        TrendPoint(day, count, percent(real_cov or 0, real or 0), percent(post_cov or 0, post or 0))
        for day, count, real_cov, real, post_cov, post in db.session.execute(stmt)
    ]


@dataclass(frozen=True)
class OpenAlert:
    id: int
    kind: AlertKind
    message: str
    opened_at: datetime
    store_id: int
    code: str
    name: str
    acknowledged_at: datetime | None = None
    assignee_id: int | None = None
    assignee: str | None = None  # the assignee's name
    note: str | None = None

    @property
    def text(self) -> str:
        return without_store(self.message, self.code, self.name)


def open_alerts(
    user: User, region: str | None, limit: int
) -> tuple[list[OpenAlert], dict[str, int]]:
    """The newest open alerts, who owns them, and how many are open of each kind."""
    stmt = (
        sa.select(Alert.kind, sa.func.count())
        .where(Alert.closed_at.is_(None), Alert.store_id.in_(_stores(user, region)))
        .group_by(Alert.kind)
    )
    counts = {kind.value: 0 for kind in AlertKind} | {
        kind.value: n for kind, n in db.session.execute(stmt)
    }
    rows = db.session.execute(
        sa.select(
            Alert.id,
            Alert.kind,
            Alert.message,
            Alert.opened_at,
            Store.id,
            Store.code,
            Store.name,
            Alert.acknowledged_at,
            Alert.assignee_id,
            User.name,
            Alert.note,
        )
        .join(Store, Store.id == Alert.store_id)
        .outerjoin(User, User.id == Alert.assignee_id)
        .where(Alert.closed_at.is_(None), Alert.store_id.in_(_stores(user, region)))
        .order_by(Alert.opened_at.desc(), Alert.id.desc())
        .limit(limit)
    )
    return [OpenAlert(*row) for row in rows], counts
