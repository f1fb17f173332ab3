"""GET /api/coverage without recomputing every store: each store's coverage over its
default period (COVERAGE_DEFAULT_DAYS days from its own local today) kept in
`coverage_cache`, one row per store, shared by every worker through the database.

A row serves a request while its `first` is the store's local today, its `days` the
default, and `expires_at` is still ahead: the store's next local midnight (when its period
moves on), or sooner when its visit cadence changes by time alone (a counted visit leaving
the rolling year, a planned visit starting). Other periods (`from`, `days`) are computed
live; so are the stores whose row is missing or stale, and their rows are written then.

A change marks the rows it touches stale in its own transaction (`forget`), so the first
request after its commit recomputes them: every flush that adds, changes or deletes a
visit, a store, its posted hours, dated exceptions or learned hours marks that store's row
(`forget_flushed`); a support shift, a shift's exception or an engineer's `active` or
`role` marks every row (which stores a shift covers is decided when coverage is computed);
the learned-hours job, which writes with bulk statements, marks its stores through its
signal (`forget_learned`). Each mark also bumps the row's `generation`: a request fills
the rows it computed only where the generation is still the one it read before computing,
so a result computed from data read before a change never outlives that change.

The rows are written on a connection of their own, in a short transaction whose first
statement is the write (a GET's read transaction on SQLite cannot start writing once
another writer has committed); a failed write is only logged, the answer is the same.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from fieldops.auth import User
from fieldops.clock import local_date, zone
from fieldops.core.pagination import paginate_list
from fieldops.coverage.cadence import VisitCadence
from fieldops.coverage.engine import Coverage
from fieldops.coverage.models import CoverageCache
from fieldops.coverage.services import (
    SORTING,
    StoreCoverage,
    active_stores,
    active_stores_query,
    as_item,
    coverage_of,
    totals,
)
from fieldops.database import chunks, dialect_insert, own_transaction
from fieldops.extensions import db
from fieldops.hours import RealHours
from fieldops.shifts import ShiftException, SupportShift
from fieldops.stores import HoursException, PostedHours, Store
from fieldops.visits import Visit

log = logging.getLogger(__name__)

CACHE = CoverageCache.__table__
FIGURES = (
    "fill",
    "expires_at",
    "first",
    "days",
    "real_customer_minutes",
    "real_covered_minutes",
    "posted_customer_minutes",
    "posted_covered_minutes",
    "real_gaps",
    "posted_gaps",
    "completed_12m",
    "cadence",
    "due_on",
    "last_visit",
    "next_planned",
)
# Read for every store of a page's scope; the gaps as text, decoded for the page's stores.
READ = (
    CACHE.c.store_id,
    *(CACHE.c[name] for name in FIGURES if not name.endswith("_gaps")),
    sa.cast(CACHE.c.real_gaps, sa.Text).label("real_gaps"),
    sa.cast(CACHE.c.posted_gaps, sa.Text).label("posted_gaps"),
)

# The columns of a store that a page shows, sorts by and sums with.
SHOWN = (Store.id, Store.code, Store.name, Store.region, Store.timezone)
Gaps = dict[int, tuple[str, str]]  # store id -> its cached real and posted gaps (JSON)


def expires_at(row: StoreCoverage) -> datetime:
    """When a row computed from the store's today stops being true by time alone: the
    store's next local midnight, or its cadence's next change if that comes first."""
    midnight = datetime.combine(row.first + timedelta(days=1), time(0), zone(row.store.timezone))
    changes = row.visits.changes_at
    end = midnight.astimezone(UTC)
    return min(end, changes) if changes else end


def _values(row: StoreCoverage, generation: int) -> dict[str, Any]:
    v = row.visits
    return {
        "store_id": row.store.id,
        "generation": generation,
        "fill": secrets.randbits(62),
        "expires_at": expires_at(row),
        "first": row.first,
        "days": row.days,
        "real_customer_minutes": row.real.customer_minutes,
        "real_covered_minutes": row.real.covered_minutes,
        "posted_customer_minutes": row.posted.customer_minutes,
        "posted_covered_minutes": row.posted.covered_minutes,
        "real_gaps": [list(gap) for gap in row.real.uncovered],
        "posted_gaps": [list(gap) for gap in row.posted.uncovered],
        "completed_12m": v.completed_12m,
        "cadence": v.cadence,
        "due_on": v.due_on,
        "last_visit": v.last_visit,
        "next_planned": v.next_planned,
    }


def _from_cache(store: Any, found: sa.Row[Any]) -> StoreCoverage:
    """A store's row as its cache row holds it, without its gaps (`with_gaps` adds them):
    enough to sort and sum every store, as `coverage_of` would have. `store` is the
    store's `SHOWN` columns: what `as_item`, `SORTING` and `totals` read of it."""
    tz = store.timezone
    return StoreCoverage(
        store=store,
        first=found.first,
        days=found.days,
        real=Coverage(tz, found.real_customer_minutes, found.real_covered_minutes, [], []),
        posted=Coverage(tz, found.posted_customer_minutes, found.posted_covered_minutes, [], []),
        visits=VisitCadence(
            completed_12m=found.completed_12m,
            cadence=found.cadence,
            last_visit=found.last_visit,
            next_planned=found.next_planned,
            due_on=found.due_on,
        ),
    )


def _fill(rows: list[StoreCoverage], generations: dict[int, int]) -> None:
    """Write the rows computed live, each only where its generation is still the one read
    before computing it (0: there was no row)."""
    if not rows:
        return
    with own_transaction(), db.engine.connect() as conn:
        stmt = dialect_insert(CACHE, conn)
        stmt = stmt.on_conflict_do_update(
            index_elements=[CACHE.c.store_id],
            set_={name: stmt.excluded[name] for name in FIGURES},
            where=CACHE.c.generation == stmt.excluded.generation,
        )
        values = [_values(row, generations.get(row.store.id, 0)) for row in rows]
        try:
            conn.execute(stmt, values)
            conn.commit()
        except sa.exc.DBAPIError:  # another writer won, or the stores are not committed
            conn.rollback()
            log.warning("coverage cache: could not keep %d stores", len(rows), exc_info=True)


def _generations(store_ids: list[int]) -> dict[int, int]:
    """The generation of each store's row, if it has one."""
    found: dict[int, int] = {}
    for ids in chunks(store_ids):
        stmt = sa.select(CACHE.c.store_id, CACHE.c.generation).where(CACHE.c.store_id.in_(ids))
        found.update(db.session.execute(stmt).all())
    return found


# Per worker: the rows built from cache rows, by store, with the cache row's `fill`. A
# fill is drawn at random each time a row is written, so the same fill means the same
# figures: a worker builds a store's row once per computation, not once per request.
_built: dict[int, tuple[int, StoreCoverage, tuple[str, str]]] = {}


def _build(stores: dict[int, Any], fills: dict[int, int]) -> None:
    """Build the rows of these stores from their cache rows, if these still hold the fills
    just read (a row refilled meanwhile is left out: it is built on a later request)."""
    for ids in chunks(sorted(stores)):
        for found in db.session.execute(sa.select(*READ).where(CACHE.c.store_id.in_(ids))):
            if found.fill == fills[found.store_id]:
                row = _from_cache(stores[found.store_id], found)
                _built[found.store_id] = (found.fill, row, (found.real_gaps, found.posted_gaps))


def _live_fills(scope: sa.Select[Any], stores: list[Any], now: datetime) -> dict[int, int]:
    """The fill of each store's cache row that serves at `now`: not stale nor expired, of
    the default days, and from the store's local today."""
    stmt = sa.select(CACHE.c.store_id, CACHE.c.fill, CACHE.c.first).where(
        CACHE.c.store_id.in_(scope.order_by(None).with_only_columns(Store.id)),
        CACHE.c.expires_at > now,
        CACHE.c.days == current_app.config["COVERAGE_DEFAULT_DAYS"],
    )
    found = {store_id: (fill, first) for store_id, fill, first in db.session.execute(stmt)}
    todays: dict[str, date] = {}  # stores share a handful of zones
    live = {}
    for store in stores:
        if store.id in found:
            fill, first = found[store.id]
            tz = store.timezone
            if first == (todays.get(tz) or todays.setdefault(tz, local_date(now, tz))):
                live[store.id] = fill
    return live


def _models(store_ids: list[int]) -> list[Store]:
    """These stores as models, in the order given."""
    found: dict[int, Store] = {}
    for ids in chunks(store_ids):
        found.update(
            (s.id, s) for s in db.session.scalars(sa.select(Store).where(Store.id.in_(ids)))
        )
    return [found[store_id] for store_id in store_ids]


def cached_coverage(
    user: User, region: str | None, now: datetime
) -> tuple[list[StoreCoverage], Gaps]:
    """The coverage over their default period of the active stores the user may see (in
    the region, if given), by name: from the cache where it holds a live row, computed (and
    kept) for the others. The rows taken from the cache come without gaps; their gaps, as
    stored, are the second part.

    The stores are read as plain rows of the columns a page shows (`SHOWN`), not as models,
    and each live cache row by its fill alone, then taken from `_built` (built when missing):
    loading 5,000 models, or building 5,000 rows, cost more than the rest of the request."""
    scope = active_stores_query(user, region)
    stores = db.session.execute(scope.with_only_columns(*SHOWN)).all()
    live = _live_fills(scope, stores, now)
    unbuilt = {s.id: s for s in stores if s.id in live and _built.get(s.id, (0,))[0] != live[s.id]}
    if unbuilt:
        _build(unbuilt, live)
    kept: dict[int, StoreCoverage] = {}
    gaps: Gaps = {}
    for store in stores:
        built = _built.get(store.id)
        if built is not None and built[0] == live.get(store.id):
            kept[store.id], gaps[store.id] = built[1], built[2]
    missing = [store.id for store in stores if store.id not in kept]
    if missing:
        computed = coverage_of(_models(missing), now)
        _fill(computed, _generations(missing))
        kept.update((row.store.id, row) for row in computed)
    return [kept[store.id] for store in stores], gaps


def with_gaps(rows: list[StoreCoverage], gaps: Gaps) -> list[StoreCoverage]:
    """The rows, those taken from the cache given their uncovered windows back."""

    def windows(text: str) -> list[tuple[int, int]]:
        return [(start, end) for start, end in json.loads(text)]

    return [
        replace(
            row,
            real=replace(row.real, uncovered=windows(gaps[row.store.id][0])),
            posted=replace(row.posted, uncovered=windows(gaps[row.store.id][1])),
        )
        if row.store.id in gaps
        else row
        for row in rows
    ]


def coverage_page(user: User, now: datetime, args: dict[str, Any]) -> dict[str, Any]:
    """A page of per-store coverage as the API answers it (`CoverageArgsSchema` args), with
    `totals` summed over every store in scope, not only the page's: the default period
    from the cache, any other computed live (the same figures either way)."""
    first, days = args.get("from_"), args.get("days")
    gaps: Gaps = {}
    if first is None and days in (None, current_app.config["COVERAGE_DEFAULT_DAYS"]):
        rows, gaps = cached_coverage(user, args.get("region"), now)
    else:
        rows = coverage_of(active_stores(user, args.get("region")), now, first, days)
    horizon = current_app.config["COVERAGE_DUE_SOON_DAYS"]
    page = paginate_list(rows, args, SORTING)
    page["items"] = [as_item(row, now, horizon) for row in with_gaps(page["items"], gaps)]
    return {**page, "totals": totals(rows, now, horizon)}


def forget(connection: sa.Connection, store_ids: Collection[int] | None) -> None:
    """Mark the cached rows of these stores stale (None: every store's) and bump their
    generation, in the transaction of `connection`; a store without a row gets a stale one,
    so a computation racing this change cannot store what it read before it."""
    if store_ids is not None and not store_ids:
        return
    batches: Iterable[list[int] | None] = [None] if store_ids is None else chunks(sorted(store_ids))
    for ids in batches:
        stores = sa.select(Store.id).where(sa.true() if ids is None else Store.id.in_(ids))
        stmt = dialect_insert(CACHE, connection).from_select([CACHE.c.store_id], stores)
        stmt = stmt.on_conflict_do_update(
            index_elements=[CACHE.c.store_id],
            set_={"generation": CACHE.c.generation + 1, "expires_at": None},
        )
        connection.execute(stmt)


def _moves_shifts(session: Session, obj: object) -> bool:
    """Whether a flushed object can change which stores the shifts cover, or whether a
    shift covers at all: a shift, its exception, an engineer leaving or coming back."""
    if isinstance(obj, SupportShift | ShiftException):
        return True
    if not isinstance(obj, User) or obj in session.new:
        return False  # a new user works no shift until a shift lists them (a shift change)
    attrs = sa.inspect(obj).attrs
    return obj in session.deleted or any(
        attrs[name].history.has_changes() for name in ("active", "role")
    )


def _store_ids(obj: object, name: str) -> set[int] | None:
    """The stores a flushed object belonged to, now and before the flush (a visit moved to
    another store); None if unknown (an object deleted without its store id loaded)."""
    state = sa.inspect(obj)
    ids = {state.dict.get(name), *state.attrs[name].history.deleted} - {None}
    return ids or None


def forget_flushed(session: Session, _context: Any) -> None:
    """After each flush, mark stale the cached rows its changes touch (module docstring)."""
    store_ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Store):
            found = _store_ids(obj, "id")
        elif isinstance(obj, Visit | PostedHours | HoursException | RealHours):
            found = _store_ids(obj, "store_id")
        elif _moves_shifts(session, obj):
            found = None
        else:
            continue
        if found is None:
            forget(session.connection(), None)
            return
        store_ids |= found
    forget(session.connection(), store_ids)


def forget_learned(sender: Any, *, store_ids: Collection[int], now: datetime) -> None:
    """The learned-hours job's signal: its stores' rows are stale."""
    forget(db.session.connection(), store_ids)
