"""Reading visits: the list and its filters, a store's recent visits, an engineer's day and
coming week (each scoped to what the reader may see)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from fieldops.auth import Role, User
from fieldops.clock import local_date
from fieldops.core.pagination import Page, Sorting, paginate
from fieldops.core.prepared import Prepared
from fieldops.extensions import db
from fieldops.stores import SEES_ALL_STORES, Store, visible
from fieldops.visits.models import Visit, VisitStatus

SORTING = Sorting(
    {
        "planned_start": Visit.planned_start,
        "local_date": Visit.local_date,
        "status": Visit.status,
        "store_id": Visit.store_id,
    },
    "planned_start",
    Visit.id,
)


def by_cio() -> sa.ColumnElement[bool]:
    """Visits whose engineer is the CIO: they count toward the stores' leadership cadence
    only, never the engineers' (fieldops/coverage/cadence.py)."""
    return Visit.engineer_id.in_(sa.select(User.id).where(User.role == Role.CIO))


# The filters of a visit list, each a condition on a value (or a bound parameter).
CONDITIONS: dict[str, Callable[[Any], sa.ColumnElement[bool]]] = {
    "engineer_id": lambda value: Visit.engineer_id == value,
    "day": lambda value: Visit.local_date == value,
    "date_from": lambda value: Visit.local_date >= value,
    "date_to": lambda value: Visit.local_date <= value,
    "store_id": lambda value: Visit.store_id == value,
    "status": lambda value: Visit.status == value,
}


def _visits() -> sa.Select[Any]:
    return sa.select(Visit).options(joinedload(Visit.store), joinedload(Visit.engineer))


_VISITS, _STORES, _USERS = Visit.__table__, Store.__table__, User.__table__
# The attribute each column of a visit is read as, in the table's order.
_VISIT_KEYS = tuple(sa.inspect(Visit).get_property_by_column(c).key for c in _VISITS.c)
# What the API shows of a visit's store and engineer (StoreBriefSchema, UserBriefSchema).
_STORE_BRIEF = ("id", "code", "name", "timezone", "address", "latitude", "longitude")
_ENGINEER_BRIEF = ("id", "name", "email")


def _visit_rows() -> sa.Select[Any]:
    """The visits' columns, then their stores' and engineers' brief columns (`_records`)."""
    return (
        sa.select(
            *_VISITS.c,
            *(_STORES.c[name] for name in _STORE_BRIEF),
            *(_USERS.c[name] for name in _ENGINEER_BRIEF),
        )
        .join_from(_VISITS, _STORES, _VISITS.c.store_id == _STORES.c.id)
        .join(_USERS, _VISITS.c.engineer_id == _USERS.c.id)
    )


# The page statements made once (`paginate` hands them over with their values), prepared.
_prepared: dict[sa.Select[Any], Prepared] = {}


def _records(stmt: sa.Select[Any], params: Mapping[str, Any] | None = None) -> list[Any]:
    """The rows of a `_visit_rows` statement, each a visit as VisitSchema reads it (its
    columns as attributes, `store` and `engineer`), read without the ORM. A statement
    made once (every Today request runs one) goes straight to the driver."""
    if params is None:
        rows: Sequence[Sequence[Any]] = db.session.connection().execute(stmt).all()
    else:
        if stmt not in _prepared:
            _prepared[stmt] = Prepared(stmt)
        rows = _prepared[stmt].rows(params)
    store_at = len(_VISIT_KEYS)
    engineer_at = store_at + len(_STORE_BRIEF)
    visits = []
    for row in rows:
        visit = _namespace(_VISIT_KEYS, row[:store_at])
        visit.store = _namespace(_STORE_BRIEF, row[store_at:engineer_at])
        visit.engineer = _namespace(_ENGINEER_BRIEF, row[engineer_at:])
        visits.append(visit)
    return visits


def _namespace(keys: tuple[str, ...], values: Sequence[Any]) -> SimpleNamespace:
    return SimpleNamespace(**dict(zip(keys, values, strict=True)))


def visit_query(
    user: User,
    engineer_id: int | None = None,
    day: date | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    store_id: int | None = None,
    status: VisitStatus | None = None,
    *,
    base: Callable[[], sa.Select[Any]] = _visits,
) -> sa.Select[Any]:
    """The visits `user` may read (`base()`: ORM visits, or `_visit_rows`), filtered."""
    filters = {
        "engineer_id": engineer_id,
        "day": day,
        "date_from": date_from,
        "date_to": date_to,
        "store_id": store_id,
        "status": status,
    }
    conditions = [CONDITIONS[name](value) for name, value in filters.items() if value is not None]
    return visible(base(), Visit, user).where(*conditions)


@lru_cache(maxsize=2 * 2 ** len(CONDITIONS))  # every set of filters: none is made twice
def _filtered_by(names: tuple[str, ...], base: Callable[[], sa.Select[Any]]) -> sa.Select[Any]:
    """The visits of a reader who sees every store, filtered by `names` as bound
    parameters: made once per set of filters, so a request spends no time building the
    statement or its cache key (SQLAlchemy keeps the key on the statement)."""
    return base().where(*(CONDITIONS[name](sa.bindparam(name)) for name in names))


def engineer_id_of(engineer: str | None, user: User) -> int | None:
    """The `engineer` filter of a visit list: "me", a user id, or nothing."""
    if engineer == "me":
        return user.id
    return int(engineer) if engineer else None


def visits_page(
    user: User,
    args: Mapping[str, Any],
    base: Callable[[], sa.Select[Any]] = _visits,
    fetch: Callable[..., list[Any]] | None = None,
) -> Page:
    """One page of the visit list, from its validated arguments (the API's and the page's)."""
    filters = {
        "engineer_id": engineer_id_of(args.get("engineer"), user),
        "day": args.get("date"),
        "date_from": args.get("date_from"),
        "date_to": args.get("date_to"),
        "store_id": args.get("store_id"),
        "status": args.get("status"),
    }
    if user.role not in SEES_ALL_STORES:
        return paginate(visit_query(user, **filters, base=base), args, SORTING, fetch)
    given = {name: value for name, value in filters.items() if value is not None}
    return paginate(_filtered_by(tuple(given), base), args, SORTING, fetch, params=given)


def visit_records_page(user: User, args: Mapping[str, Any]) -> Page:
    """The API's page of the visit list: the same visits as `visits_page`, each read as a
    row into an object with the visit's columns, its `store` and its `engineer`.

    Loading a visit with its store and engineer through the ORM cost more than the rest
    of an engineer's Today request; VisitSchema dumps these alike
    (tests/visits/test_services.py compares the two answers field by field).
    """
    return visits_page(user, args, _visit_rows, _records)


def recent_visits(user: User, store_id: int, limit: int = 20) -> list[Visit]:
    """A store's visits that `user` may read, latest planned start first."""
    stmt = visit_query(user, store_id=store_id).order_by(Visit.planned_start.desc())
    return list(db.session.scalars(stmt.limit(limit)))


def visits_today(engineer: User, now: datetime, days_ahead: int = 0) -> list[Visit]:
    """The engineer's visits on today's date (or `days_ahead` days later) in each store's
    own zone, in time order."""
    utc_day = now.date() + timedelta(days=days_ahead)
    candidates = db.session.scalars(
        visit_query(engineer, engineer_id=engineer.id)
        .where(Visit.local_date.between(utc_day - timedelta(days=1), utc_day + timedelta(days=1)))
        .order_by(Visit.planned_start)
    ).all()
    wanted = timedelta(days=days_ahead)
    return [v for v in candidates if v.local_date == local_date(now, v.store.timezone) + wanted]


def upcoming_visits(engineer: User, now: datetime, days: int = 7) -> list[Visit]:
    """Planned visits after today, within `days` days."""
    today = now.date()
    return list(
        db.session.scalars(
            visit_query(engineer, engineer_id=engineer.id, status=VisitStatus.PLANNED)
            .where(
                Visit.local_date.between(today + timedelta(days=1), today + timedelta(days=days))
            )
            .order_by(Visit.planned_start)
        )
    )
