"""Rules for stores: creating and changing them, and the queries over them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from blinker import Signal
from sqlalchemy.orm import selectinload

from fieldops.audit import record
from fieldops.auth import User
from fieldops.core.errors import Invalid
from fieldops.core.idempotency import unique_key
from fieldops.core.pagination import Page, Sorting, paginate
from fieldops.extensions import db
from fieldops.stores.models import HoursException, PostedHours, Store
from fieldops.stores.scoping import visible

# Sent with the store when its time zone changes, inside the request's transaction. The
# app factory connects the features that keep local days of the store's records (visits).
zone_changed = Signal("store-zone-changed")
# Sent with the store, `store_ids` (its own) and `now` once a new store or a change to one
# (its posted hours, exceptions, region, zone, …) is flushed, inside the request's
# transaction. The app factory connects the refresh of its coverage snapshot.
store_changed = Signal("store-changed")

SORTING = Sorting(
    {"name": Store.name, "code": Store.code, "region": Store.region}, "name", Store.id
)
# The time zones a store's form offers.
US_ZONES = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Phoenix",
    "America/Los_Angeles",
    "America/Anchorage",
    "Pacific/Honolulu",
]
# The zones a person or a support desk may be in: the stores' and a few remote desks'.
PERSON_ZONES = [*US_ZONES, "UTC", "Europe/London", "Asia/Kolkata", "Asia/Manila"]


def store_query(user: User, region: str | None = None, q: str | None = None) -> sa.Select[Any]:
    stmt = sa.select(Store).options(selectinload(Store.posted_hours))
    return _narrowed(stmt, user, region, q)


def _narrowed(
    stmt: sa.Select[Any], user: User, region: str | None, q: str | None
) -> sa.Select[Any]:
    """`stmt` over stores narrowed to those `user` may see, in `region`, matching `q`."""
    stmt = visible(stmt, Store, user)
    if region:
        stmt = stmt.where(Store.region == region)
    if q:
        pattern = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            sa.or_(sa.func.lower(Store.name).like(pattern), sa.func.lower(Store.code).like(pattern))
        )
    return stmt


def stores_page(user: User, args: Mapping[str, Any]) -> Page:
    """One page of the store list, from its validated arguments (the API's and the page's)."""
    return paginate(store_query(user, args.get("region"), args.get("q")), args, SORTING)


_STORES = Store.__table__
_HOURS = PostedHours.__table__
_HOURS_OF_STORES = (
    sa.select(_HOURS.c.store_id, _HOURS.c.weekday, _HOURS.c.opens, _HOURS.c.closes)
    .where(_HOURS.c.store_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(_HOURS.c.store_id, _HOURS.c.weekday)
)


def store_summaries_page(user: User, args: Mapping[str, Any]) -> Page:
    """The API's page of the store list: the same stores as `stores_page`, each a dict of
    its columns and its `posted_hours` (dicts, by weekday), read as rows.

    Building ORM objects for a page of 50 stores and their posted hours cost about 2 ms of
    CPU, more than the rest of the request; StoreSummarySchema dumps these dicts alike
    (tests/stores/test_services.py compares the two answers field by field).
    """
    stmt = _narrowed(sa.select(*_STORES.c), user, args.get("region"), args.get("q"))
    page = paginate(stmt, args, SORTING, _dicts)
    stores = page["items"]
    for store in stores:
        store["posted_hours"] = []
    if stores:
        by_id = {store["id"]: store for store in stores}
        for hours in _dicts(_HOURS_OF_STORES, {"ids": list(by_id)}):
            by_id[hours.pop("store_id")]["posted_hours"].append(hours)
    return page


def _dicts(stmt: sa.Select[Any], params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of `stmt`, each a dict, read on the request's connection without the ORM."""
    result = db.session.connection().execute(stmt, params)
    keys = tuple(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


def stores_to_pick(user: User) -> list[Store]:
    """The stores `user` may choose from in a form (a visit, an issue, an import, a shift,
    a manager's stores), by name."""
    return list(db.session.scalars(store_query(user).order_by(Store.name, Store.id)))


def regions() -> list[str]:
    stmt = (
        sa.select(Store.region).where(Store.region.is_not(None)).distinct().order_by(Store.region)
    )
    return list(db.session.scalars(stmt))


def _check_code_free(code: str, store_id: int | None) -> None:
    clash = db.session.scalar(
        sa.select(Store.id).where(sa.func.lower(Store.code) == code.lower(), Store.id != store_id)
    )
    if clash is not None:
        raise Invalid(f"Store code {code!r} is already used.", "code")


def _apply(store: Store, data: dict[str, Any]) -> None:
    for key, value in data.items():
        # Kept in the order the relationships load them, so the answer to a write matches
        # what a later read shows.
        if key == "posted_hours":
            ordered = sorted(value, key=lambda hours: hours["weekday"])
            store.posted_hours = [PostedHours(**hours) for hours in ordered]
        elif key == "exceptions":
            ordered = sorted(value, key=lambda exc: exc["date"])
            store.exceptions = [HoursException(**exc) for exc in ordered]
        else:
            setattr(store, key, value)


def create_store(data: dict[str, Any], actor: User, now: datetime) -> Store:
    _check_code_free(data["code"], None)
    store = Store(created_at=now, updated_at=now)
    _apply(store, data)
    with unique_key("code", f"Store code {data['code']!r} is already used."):
        db.session.add(store)
    record(actor, "store.created", "store", store.id, now=now, code=store.code)
    store_changed.send(store, store_ids={store.id}, now=now)
    return store


def update_store(store: Store, data: dict[str, Any], actor: User, now: datetime) -> Store:
    """Change the given fields; lists given (posted_hours, exceptions) replace the old ones."""
    if "code" in data:
        _check_code_free(data["code"], store.id)
    if "posted_hours" in data or "exceptions" in data:
        # Delete the old rows first: their replacements reuse the same (store, day) keys.
        if "posted_hours" in data:
            store.posted_hours = []
        if "exceptions" in data:
            store.exceptions = []
        db.session.flush()
    old_zone = store.timezone
    _apply(store, data)
    store.updated_at = now
    if store.timezone != old_zone:
        zone_changed.send(store)
    db.session.flush()
    record(actor, "store.updated", "store", store.id, now=now, fields=sorted(data))
    store_changed.send(store, store_ids={store.id}, now=now)
    return store
