"""Rules for support shifts: creating, changing and deactivating them, and finding them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa
from blinker import Signal
from sqlalchemy.orm import selectinload

from fieldops.audit import record
from fieldops.auth import Role, User
from fieldops.core.errors import Conflict, Invalid, NotFound
from fieldops.core.fields import partial_schema
from fieldops.core.pagination import Page, Sorting, paginate
from fieldops.extensions import db
from fieldops.shifts.models import ShiftException, SupportShift, shift_stores
from fieldops.shifts.schemas import ShiftSchema
from fieldops.stores import Store, regions

SORTING = Sorting(
    {
        "name": SupportShift.name,
        "timezone": SupportShift.timezone,
        "region": SupportShift.region,
        "created_at": SupportShift.created_at,
    },
    "name",
    SupportShift.id,
)
DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Sent with the shift, `store_ids` (the stores it covered before the change and covers
# after it) and `now` once a change is flushed, inside the request's transaction. The app
# factory connects the refresh of those stores' coverage snapshots.
shift_changed = Signal("shift-changed")


def shift_query(
    region: str | None = None, store_id: int | None = None, active: bool | None = None
) -> sa.Select[Any]:
    """Shifts, filtered; `store_id` keeps those covering the store (listed, or by region)."""
    stmt = sa.select(SupportShift).options(
        selectinload(SupportShift.stores),
        selectinload(SupportShift.engineers),
        selectinload(SupportShift.exceptions),
    )
    if region:
        stmt = stmt.where(SupportShift.region == region)
    if store_id is not None:
        listed = sa.select(shift_stores.c.shift_id).where(shift_stores.c.store_id == store_id)
        store_region = sa.select(Store.region).where(Store.id == store_id).scalar_subquery()
        stmt = stmt.where(sa.or_(SupportShift.id.in_(listed), SupportShift.region == store_region))
    if active is not None:
        stmt = stmt.where(SupportShift.active == active)
    return stmt


def shifts_page(args: Mapping[str, Any]) -> Page:
    """One page of the shift list, from its validated arguments (the API's and the page's)."""
    stmt = shift_query(args.get("region"), args.get("store_id"), args.get("active"))
    return paginate(stmt, args, SORTING)


def shift_regions() -> list[str]:
    """Regions of stores, and of shifts (a shift may be set up before its stores)."""
    of_shifts = db.session.scalars(
        sa.select(SupportShift.region).where(SupportShift.region.is_not(None)).distinct()
    )
    return sorted({*regions(), *of_shifts})


def get_shift(shift_id: int) -> SupportShift:
    shift = db.session.get(SupportShift, shift_id)
    if shift is None:
        raise NotFound(f"No shift with id {shift_id}.")
    return shift


def engineers() -> list[User]:
    """Who may staff a shift: active engineers, by name."""
    stmt = (
        sa.select(User)
        .where(User.role == Role.ENGINEER, User.active.is_(True))
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(stmt))


def _stores(ids: list[int]) -> list[Store]:
    stores = list(db.session.scalars(sa.select(Store).where(Store.id.in_(ids))))
    missing = sorted(set(ids) - {s.id for s in stores})
    if missing:
        raise Invalid(f"No store with id {', '.join(map(str, missing))}.", "store_ids")
    return sorted(stores, key=lambda s: (s.name, s.id))


def _engineers(ids: list[int]) -> list[User]:
    users = list(
        db.session.scalars(
            sa.select(User).where(
                User.id.in_(ids), User.role == Role.ENGINEER, User.active.is_(True)
            )
        )
    )
    missing = sorted(set(ids) - {u.id for u in users})
    if missing:
        raise Invalid(f"No active engineer with id {', '.join(map(str, missing))}.", "engineer_ids")
    return sorted(users, key=lambda u: (u.name, u.id))


def _check_version(shift: SupportShift, version: int | None) -> None:
    if version is not None and version != shift.version:
        raise Conflict(
            f"The shift changed since you read it (version {version}, now {shift.version}).",
            shift,
            "version",
        )


def _apply(shift: SupportShift, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key == "version":
            continue  # the version read: checked, never set (the mapper counts it)
        if key == "store_ids":
            shift.stores = _stores(value)
        elif key == "engineer_ids":
            shift.engineers = _engineers(value)
        elif key == "weekdays":
            shift.weekdays = sorted(value)
        elif key == "exceptions":
            ordered = sorted(value, key=lambda exc: (exc["date"], not exc["off"]))
            shift.exceptions = [ShiftException(**exc) for exc in ordered]
        else:
            setattr(shift, key, value)


def covered_store_ids(shift: SupportShift) -> set[int]:
    """The stores a shift covers: those it lists, else every store of its region."""
    if shift.stores:
        return {store.id for store in shift.stores}
    if shift.region is None:
        return set()
    return set(db.session.scalars(sa.select(Store.id).where(Store.region == shift.region)))


def create_shift(data: dict[str, Any], actor: User, now: datetime) -> SupportShift:
    shift = SupportShift(created_at=now, updated_at=now)
    _apply(shift, data)
    db.session.add(shift)
    db.session.flush()
    record(actor, "shift.created", "shift", shift.id, now=now, name=shift.name)
    shift_changed.send(shift, store_ids=covered_store_ids(shift), now=now)
    return shift


def update_shift(
    shift: SupportShift, data: dict[str, Any], actor: User, now: datetime
) -> SupportShift:
    """Change the given fields; lists given replace the old ones.

    A shift covers a region or a list of stores: giving one drops the other. A stale
    `version` (someone changed the shift since it was read) answers 409.
    """
    _check_version(shift, data.get("version"))
    changes = dict(data)
    if changes.get("region") is not None:
        changes["store_ids"] = []
    elif changes.get("store_ids"):
        changes["region"] = None
    region = changes.get("region", shift.region)
    stores = changes.get("store_ids", shift.stores)
    if region is None and not stores:
        raise Invalid(
            "Cover a region or at least one store (store_ids).",
            "store_ids" if "store_ids" in data else "region",
        )
    before = covered_store_ids(shift)
    _apply(shift, changes)
    shift.updated_at = now
    db.session.flush()
    record(
        actor, "shift.updated", "shift", shift.id, now=now, fields=sorted(set(data) - {"version"})
    )
    shift_changed.send(shift, store_ids=before | covered_store_ids(shift), now=now)
    return shift


def deactivate_shift(shift: SupportShift, actor: User, now: datetime) -> SupportShift:
    """Stop a shift counting as coverage; it stays on record (and PATCH active=true undoes it)."""
    if shift.active:
        shift.active = False
        shift.updated_at = now
        db.session.flush()
        record(actor, "shift.deactivated", "shift", shift.id, now=now, name=shift.name)
        shift_changed.send(shift, store_ids=covered_store_ids(shift), now=now)
    return shift


# --- how a shift reads on a page ---


def describe_days(weekdays: list[int]) -> str:
    """[0, 1, 2, 3, 4] -> "Mon–Fri"; [0, 2, 4] -> "Mon, Wed, Fri"; [5, 6, 0] -> "Sat–Mon"."""
    days = sorted(set(weekdays))
    if len(days) == 7:
        return "Every day"
    if not days:
        return ""
    # Start after a gap, so a run through Sunday into Monday stays one run.
    first = next(i for i, day in enumerate(days) if (day - 1) % 7 not in days)
    days = days[first:] + days[:first]
    runs: list[list[int]] = [[days[0]]]
    for day in days[1:]:
        if day == (runs[-1][-1] + 1) % 7:
            runs[-1].append(day)
        else:
            runs.append([day])
    # The week starts on Monday: the run holding it goes first ("Sun–Wed, Fri").
    monday = next((i for i, run in enumerate(runs) if 0 in run), 0)
    runs = runs[monday:] + runs[:monday]
    parts = []
    for run in runs:
        names = [DAY_ABBREVIATIONS[day] for day in run]
        parts.append(f"{names[0]}–{names[-1]}" if len(run) > 2 else ", ".join(names))
    return ", ".join(parts)


def describe_window(start: time, end: time) -> str:
    """08:00-18:00 -> "08:00–18:00"; 22:00-06:00 -> "22:00–06:00 (+1 day)"."""
    text = f"{start:%H:%M}–{end:%H:%M}"
    if end == start:
        return f"{text} (24 h)"
    return f"{text} (+1 day)" if end < start else text


def apply_change(change: Mapping[str, Any], actor: User, now: datetime) -> SupportShift:
    """Make a change written as a shifts API request (`{"method", "path", "body"}`, as a
    coverage suggestion's `apply` carries it) through the API's schema and rules: a POST to
    /api/shifts creates, a PATCH to /api/shifts/<id> changes (its `version` checked).
    A body the API would refuse raises marshmallow's ValidationError."""
    body = dict(change["body"])
    if change["method"] == "POST" and change["path"] == "/api/shifts":
        return create_shift(ShiftSchema().load(body), actor, now)
    prefix, _, shift_id = change["path"].rpartition("/")
    if change["method"] != "PATCH" or prefix != "/api/shifts" or not shift_id.isdigit():
        raise Invalid(f"Not a shifts API change: {change['method']} {change['path']}.")
    data = partial_schema(ShiftSchema).load(body)
    return update_shift(get_shift(int(shift_id)), data, actor, now)
