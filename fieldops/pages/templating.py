"""Jinja filters and globals: store-local times, the role's navigation, permission checks."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask import Flask
from flask_login import current_user

from fieldops.auth import Action, Role, can
from fieldops.clock import WEEKDAY_NAMES, zone
from fieldops.visits import may_name_visit, sees_check_in_position

NAV: dict[Role, list[tuple[str, str]]] = {
    Role.ENGINEER: [
        ("visit_pages.today", "Today"),
        ("issues.index", "Issues"),
        ("stores.index", "Stores"),
    ],
    Role.MANAGER: [("store_pages.my_store", "My store"), ("issues.index", "Issues")],
    Role.CIO: [
        ("overview.index", "Overview"),
        ("stores.index", "Stores"),
        ("issues.index", "Issues"),
        ("visits.index", "Visits"),
    ],
    Role.ADMIN: [
        ("overview.index", "Overview"),
        ("visits.index", "Visits"),
        ("stores.index", "Stores"),
        ("issues.index", "Issues"),
        ("users.index", "Users"),
        ("shifts.index", "Shifts"),
        ("users.tokens", "Tokens"),
        ("hours.import_csv", "Import"),
        ("users.audit", "Audit log"),
    ],
}


def local_time(value: datetime | None, tz_name: str, fmt: str = "%H:%M") -> str:
    """A UTC instant shown as wall-clock time in the zone `tz_name`."""
    if value is None:
        return ""
    return value.astimezone(zone(tz_name)).strftime(fmt)


def local_datetime(value: datetime | None, tz_name: str) -> str:
    return local_time(value, tz_name, "%a %d %b %Y, %H:%M")


def tz_abbrev(value: datetime, tz_name: str) -> str:
    return value.astimezone(zone(tz_name)).strftime("%Z")


def hhmm(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


SPECIAL_LABELS = {"wifi": "Wi-Fi", "cio": "CIO"}


def label(value: Any) -> str:
    """An enum or snake_case value as words: in_progress -> In progress, wifi -> Wi-Fi."""
    text = str(getattr(value, "value", value) or "")
    return SPECIAL_LABELS.get(text, text.replace("_", " ").capitalize())


def store_choices(stores: list[Any]) -> list[tuple[int, str]]:
    return [(store.id, store.name) for store in stores]


def nav_items() -> list[tuple[str, str]]:
    return NAV.get(current_user.role, []) if current_user.is_authenticated else []


def init_templating(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_time=local_time,
        local_datetime=local_datetime,
        hhmm=hhmm,
        label=label,
        tz_abbrev=tz_abbrev,
    )
    app.jinja_env.globals.update(
        nav_items=nav_items,
        store_choices=store_choices,
        can=can,
        may_name_visit=may_name_visit,
        sees_check_in_position=sees_check_in_position,
        Action=Action,
        Role=Role,
        WEEKDAY_NAMES=WEEKDAY_NAMES,
    )
