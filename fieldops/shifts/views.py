"""Admin pages for support shifts: the list (the CIO may read it), the form, deactivation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import WEEKDAY_NAMES, utcnow
from fieldops.core.fields import partial_schema
from fieldops.core.forms import dated_lines, form_values, parse_dated_lines, submit
from fieldops.core.pagination import list_args
from fieldops.shifts import services
from fieldops.shifts.models import ShiftKind, SupportShift
from fieldops.shifts.schemas import ShiftListArgsSchema, ShiftSchema
from fieldops.stores import PERSON_ZONES, stores_to_pick

blp = Blueprint("shifts", __name__, url_prefix="/admin")

KINDS = [(ShiftKind.ONSITE.value, "On site"), (ShiftKind.REMOTE.value, "Remote")]
LISTS = ("weekdays", "store_ids", "engineer_ids")


@blp.context_processor
def shift_helpers() -> dict[str, Any]:
    return {
        "shift_days": services.describe_days,
        "shift_window": services.describe_window,
        "kind_labels": dict(KINDS),
    }


@blp.get("/shifts")
@requires(Action.VIEW_OVERVIEW)
def index() -> ResponseReturnValue:
    args, errors = list_args(ShiftListArgsSchema())
    page = services.shifts_page(args)
    return render_template(
        "shifts/index.html", page=page, args=args, errors=errors, regions=services.shift_regions()
    ), 422 if errors else 200


def exception_lines(shift: SupportShift) -> str:
    return dated_lines(
        ((e.date, None if e.off else (e.start_time, e.end_time), e.note) for e in shift.exceptions),
        "off",
    )


def shift_form_values() -> dict[str, Any]:
    """The shift form as the ShiftSchema payload.

    "covers" says which of region or stores the shift covers; the other is left out, so
    switching a shift from a region to stores (or back) drops the old one.
    """
    values = form_values(lists=LISTS)
    for key in LISTS:
        values.setdefault(key, [])
    covers = values.pop("covers", None)
    if covers == "region":
        values.pop("store_ids")
        values.setdefault("region", "")  # blank: the schema says so next to the field
    elif covers == "stores":
        values.pop("region", None)
    values["exceptions"] = parse_dated_lines(values.pop("exceptions", ""), "off", ("start", "end"))
    return values


def _shown(shift: SupportShift | None) -> dict[str, Any]:
    """What the form shows: what was posted, else the shift, else a new shift's defaults."""
    if request.method == "POST":
        form = request.form
        return {
            **{key: form.get(key, "") for key in ("name", "timezone", "start", "end", "region")},
            **{key: form.getlist(key) for key in LISTS},
            "kind": form.get("kind", ShiftKind.ONSITE.value),
            "covers": form.get("covers", "region"),
            "exceptions": form.get("exceptions", ""),
        }
    if shift is None:
        return {
            "name": "",
            "timezone": "America/Chicago",
            "start": "08:00",
            "end": "18:00",
            "region": "",
            "weekdays": ["0", "1", "2", "3", "4"],
            "store_ids": [],
            "engineer_ids": [],
            "kind": ShiftKind.ONSITE.value,
            "covers": "region",
            "exceptions": "",
        }
    return {
        "name": shift.name,
        "timezone": shift.timezone,
        "start": f"{shift.start_time:%H:%M}",
        "end": f"{shift.end_time:%H:%M}",
        "region": shift.region or "",
        "weekdays": [str(day) for day in shift.weekdays],
        "store_ids": [str(store.id) for store in shift.stores],
        "engineer_ids": [str(user.id) for user in shift.engineers],
        "kind": shift.kind.value,
        "covers": "stores" if shift.stores else "region",
        "exceptions": exception_lines(shift),
    }


def _shift_form(shift: SupportShift | None) -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":

        def save(data: dict[str, Any]) -> SupportShift:
            if shift is None:
                return services.create_shift(data, current_user, utcnow())
            return services.update_shift(shift, data, current_user, utcnow())

        saved, errors = submit(
            partial_schema(ShiftSchema, shift is not None), shift_form_values(), save
        )
        if saved is not None:
            flash(f"Shift {saved.name} saved.")
            return redirect(url_for("shifts.index"))
    shown = _shown(shift)
    stores = stores_to_pick(current_user)
    chosen = set(shown["store_ids"])
    return render_template(
        "shifts/form.html",
        shift=shift,
        f=shown,
        errors=errors,
        zones=PERSON_ZONES,
        kinds=KINDS,
        regions=services.shift_regions(),
        weekdays=list(enumerate(WEEKDAY_NAMES)),
        stores=sorted(stores, key=lambda store: str(store.id) not in chosen),  # chosen first
        engineers=services.engineers(),
    ), _status(errors)


def _status(errors: dict[str, list[str]]) -> int:
    """200, or 409 when someone saved the shift since this form was read, else 422."""
    if not errors:
        return 200
    return 409 if "version" in errors else 422


@blp.route("/shifts/new", methods=["GET", "POST"])
@requires(Action.MANAGE_SHIFTS)
def new() -> ResponseReturnValue:
    return _shift_form(None)


@blp.route("/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_SHIFTS)
def edit(shift_id: int) -> ResponseReturnValue:
    return _shift_form(services.get_shift(shift_id))


@blp.post("/shifts/<int:shift_id>/deactivate")
@requires(Action.MANAGE_SHIFTS)
def deactivate(shift_id: int) -> ResponseReturnValue:
    shift = services.deactivate_shift(services.get_shift(shift_id), current_user, utcnow())
    flash(f"Shift {shift.name} deactivated: it no longer counts as coverage.")
    return redirect(url_for("shifts.index"))


@blp.post("/shifts/<int:shift_id>/reactivate")
@requires(Action.MANAGE_SHIFTS)
def reactivate(shift_id: int) -> ResponseReturnValue:
    shift = services.get_shift(shift_id)
    services.update_shift(shift, {"active": True}, current_user, utcnow())
    flash(f"Shift {shift.name} reactivated.")
    return redirect(url_for("shifts.edit", shift_id=shift.id))
