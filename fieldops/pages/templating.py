"""Jinja filters and globals: times in the zone they belong to, zone and field names, the
role's navigation, permission checks.

Every time a person reads carries its zone's abbreviation (CST, CDT, HST...): a store's
records in the store's zone, the rest in the reader's (`reader_zone`). A list that mixes
stores of several zones shows its times in the reader's zone (`list_zone`), so that a list
sorted by time reads in order (docs/architecture.md, "Times people read").
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Any

from flask import Flask
from flask_login import current_user

from fieldops.auth import Action, Role, can, user_zone
from fieldops.clock import WEEKDAY_NAMES, utcnow, zone, zone_label
from fieldops.coverage import duration
from fieldops.notifications import Channel, NotificationKind, preferences_of, unread_count
from fieldops.observations import field_label
from fieldops.stores import PERSON_ZONES
from fieldops.visits import left_open, may_name_visit, sees_check_in_position

NAV: dict[Role, list[tuple[str, str]]] = {
    Role.ENGINEER: [
        ("visit_pages.today", "Today"),
        ("issues.index", "Issues"),
        ("stores.index", "Stores"),
    ],
    Role.MANAGER: [("store_pages.my_store", "My store"), ("issues.index", "Issues")],
    Role.CIO: [
        ("overview.index", "Overview"),
        ("visit_pages.today", "My visits"),
        ("stores.index", "Stores"),
        ("issues.index", "Issues"),
        ("visits.index", "Visits"),
    ],
    Role.ADMIN: [
        ("overview.index", "Overview"),
        ("visits.index", "Visits"),
        ("planner.index", "Plans"),
        ("stores.index", "Stores"),
        ("issues.index", "Issues"),
        ("users.index", "Users"),
        ("shifts.index", "Shifts"),
        ("sla.index", "SLA"),
        ("users.tokens", "Tokens"),
        ("hours.import_csv", "Import"),
        ("users.audit", "Audit log"),
    ],
}


def local_time(value: datetime | None, tz_name: str, fmt: str = "%H:%M %Z") -> str:
    """A UTC instant shown as wall-clock time in the zone `tz_name`, with the zone's
    abbreviation of that day (14:30 CDT in July, 13:30 CST in January)."""
    if value is None:
        return ""
    return value.astimezone(zone(tz_name)).strftime(fmt)


def local_datetime(value: datetime | None, tz_name: str) -> str:
    return local_time(value, tz_name, "%a %d %b %Y, %H:%M %Z")


def tz_abbrev(value: datetime, tz_name: str) -> str:
    return value.astimezone(zone(tz_name)).strftime("%Z")


def reader_zone() -> str:
    """The zone the signed-in person reads times in (the app's default for nobody)."""
    return user_zone(current_user if current_user.is_authenticated else None)


def list_zone(zones: Iterable[str]) -> str:
    """The zone a list's times are shown in: its stores' zone when they share one, else the
    reader's, so that times sorted as instants also read in order."""
    distinct = set(zones)
    return distinct.pop() if len(distinct) == 1 else reader_zone()


def zone_choices(names: Iterable[str], current: str | None = None) -> list[tuple[str, str]]:
    """(zone, name as people say it) for a select: `names`, plus `current` if not among them."""
    offered = list(names)
    if current and current not in offered:
        offered.append(current)
    return [(name, zone_label(name)) for name in offered]


def hhmm(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


SPECIAL_LABELS = {"wifi": "Wi-Fi", "cio": "CIO", "onsite": "On site"}


def label(value: Any) -> str:
    """An enum or snake_case value as words: in_progress -> In progress, wifi -> Wi-Fi."""
    text = str(getattr(value, "value", value) or "")
    return SPECIAL_LABELS.get(text, text.replace("_", " ").capitalize())


def store_choices(stores: list[Any]) -> list[tuple[int, str]]:
    return [(store.id, store.name) for store in stores]


def nav_items() -> list[tuple[str, str]]:
    return NAV.get(current_user.role, []) if current_user.is_authenticated else []


def unread_notifications() -> int:
    """The bell's count: the signed-in person's unread notifications."""
    return unread_count(current_user) if current_user.is_authenticated else 0


def notification_preferences() -> dict[str, Any]:
    """The account page's preferences form: each kind's channels, and quiet hours."""
    return {
        **preferences_of(current_user),
        "kinds": [(kind.value, KIND_NAMES[kind]) for kind in NotificationKind],
        "channel_names": [(c.value, CHANNEL_NAMES[c]) for c in Channel],
    }


CHANNEL_NAMES = {Channel.IN_APP: "In the app", Channel.EMAIL: "Email", Channel.PUSH: "Push"}
KIND_NAMES = {
    NotificationKind.ASSIGNED: "An issue assigned to you",
    NotificationKind.ISSUE_COMMENT: "A comment on an issue you follow",
    NotificationKind.ISSUE_STATUS: "A new status of an issue you follow",
    NotificationKind.VISIT_PLANNED: "A visit planned for you",
    NotificationKind.VISIT_CHANGED: "Your visit moved, reassigned or cancelled",
    NotificationKind.VISIT_MISSED: "A visit nobody checked in to",
    NotificationKind.SLA_WARNING: "Service level: 75 % of the time spent",
    NotificationKind.SLA_BREACH: "Service level missed",
}


def init_templating(app: Flask) -> None:
    app.jinja_env.filters.update(
        local_time=local_time,
        local_datetime=local_datetime,
        hhmm=hhmm,
        label=label,
        tz_abbrev=tz_abbrev,
        zone_label=zone_label,
        field_label=field_label,
        duration=duration,
    )
    app.jinja_env.globals.update(
        nav_items=nav_items,
        unread_notifications=unread_notifications,
        notification_preferences=notification_preferences,
        reader_zone=reader_zone,
        list_zone=list_zone,
        zone_choices=zone_choices,
        store_choices=store_choices,
        can=can,
        may_name_visit=may_name_visit,
        sees_check_in_position=sees_check_in_position,
        left_open=lambda visit: left_open(visit, utcnow()),
        Action=Action,
        Role=Role,
        WEEKDAY_NAMES=WEEKDAY_NAMES,
        PERSON_ZONES=PERSON_ZONES,
    )
