"""The working-pattern part of the admin's user form: its flat fields as the nested payload
of `auth.UserSchema`, a user's pattern as the fields' values, and errors by group."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from fieldops.auth import PLANNED_ROLES, User
from fieldops.stores import Store

GROUPS = ("home", "working_hours", "regions", "max_visits_per_day", "days_off", "trips")
# The form's inputs of the pattern (flat: the payload nests some of them).
PATTERN_INPUTS = (
    "pattern", "home_store_id", "home_latitude", "home_longitude", "work_weekdays", "work_start",
    "work_end", "regions", "max_visits_per_day", "days_off", "trips",
)  # fmt: skip
_SPLIT = re.compile(r"[\s,;]+")


def pattern_payload(
    form: MultiDict[str, str], stores: list[Store]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The pattern fields of the form as the API's payload (nothing for other roles, or
    when the form has no pattern fields: its hidden `pattern` input marks them), and
    what the form alone can tell is wrong (a trip's store code that no store has)."""
    if form.get("role") not in {role.value for role in PLANNED_ROLES} or "pattern" not in form:
        return {}, {}  # another role, or a form without the pattern's fields
    by_code = {store.code.upper(): store.id for store in stores}
    lines = [line.strip() for line in form.get("trips", "").splitlines() if line.strip()]
    trips = [_trip(line, by_code) for line in lines]
    unknown = [
        f"Line {n}: no store has the code {trip['code']}."
        for n, trip in enumerate(trips, 1)
        if trip["base"] is None
    ]
    payload: dict[str, Any] = {
        "working_hours": {
            "weekdays": [int(d) for d in form.getlist("work_weekdays") if d.isdigit()],
            "start": form.get("work_start", ""),
            "end": form.get("work_end", ""),
        },
        "regions": form.getlist("regions"),
        "days_off": [d for d in _SPLIT.split(form.get("days_off", "")) if d],
        "trips": [{k: v for k, v in trip.items() if k != "code"} for trip in trips],
        "home": _home(form),
    }
    if form.get("max_visits_per_day", "").strip():
        payload["max_visits_per_day"] = form["max_visits_per_day"].strip()
    return payload, {"trips": unknown} if unknown else {}


def _home(form: MultiDict[str, str]) -> dict[str, Any] | None:
    if form.get("home_store_id"):
        return {"store_id": form["home_store_id"]}
    latitude, longitude = (form.get(f"home_{n}", "").strip() for n in ("latitude", "longitude"))
    if not latitude and not longitude:
        return None
    return {"latitude": latitude or None, "longitude": longitude or None}


def _trip(line: str, by_code: Mapping[str, int]) -> dict[str, Any]:
    """A line "2026-03-17 S0012 Fly to Denver": the date, the base store's code, a note."""
    day, _, rest = line.partition(" ")
    code, _, note = rest.strip().partition(" ")
    base = {"store_id": by_code[code.upper()]} if code.upper() in by_code else None
    return {"date": day, "base": base, "note": note.strip() or None, "code": code or "(none)"}


def pattern_values(user: User | None, stores: list[Store]) -> dict[str, Any]:
    """The form's values for a user's pattern (the defaults for a new user)."""
    user = user or User()
    hours = user.working_hours
    codes = {store.id: store.code for store in stores}
    trips = [
        " ".join(p for p in (t.day.isoformat(), codes.get(t.base_store_id, ""), t.note) if p)
        for t in user.trips
    ]
    return {
        "home_store_id": str(user.home_store_id or ""),
        "home_latitude": _text(user.home_latitude),
        "home_longitude": _text(user.home_longitude),
        "work_weekdays": [str(d) for d in hours["weekdays"]],
        "work_start": hours["start"].strftime("%H:%M"),
        "work_end": hours["end"].strftime("%H:%M"),
        "regions": user.covered_regions,
        "max_visits_per_day": str(user.visits_a_day),
        "days_off": ", ".join(d.isoformat() for d in user.days_off),
        "trips": "\n".join(trips),
    }


def _text(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def grouped(errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Errors of nested pattern fields ("working_hours.end", "trips.0.date") shown under
    their group's field (their words already say which part); others as they are."""
    found: dict[str, list[str]] = {}
    for key, messages in errors.items():
        group = key.partition(".")[0]
        found.setdefault(group if group in GROUPS else key, []).extend(messages)
    return found
