"""A user's visits as an iCalendar feed (the `icalendar` package).

Whose visits: an engineer's, the CIO's or an admin's own; a manager's, those of their
stores. From 30 days back to 90 ahead. Each visit is one event with a stable UID, its
local time in the store's zone (TZID, with the VTIMEZONE it needs), the store's name,
address and position (GEO), and a link to the visit; a cancelled visit stays in the feed
as STATUS:CANCELLED so that calendar apps remove it, and SEQUENCE follows the visit's
version so that they take a move.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from fieldops.auth import Role, User
from fieldops.clock import zone
from fieldops.extensions import db
from fieldops.visits import Visit, VisitStatus, visit_query

DAYS_BACK, DAYS_AHEAD = 30, 90
UID_DOMAIN = "fieldops"  # UIDs stay the same whatever host serves the feed


def visits_in_feed(user: User, now: datetime) -> list[Visit]:
    """The visits the user's feed holds, earliest first."""
    own = None if user.role == Role.MANAGER else user.id
    stmt = visit_query(user, engineer_id=own).where(
        Visit.planned_start >= now - timedelta(days=DAYS_BACK),
        Visit.planned_start < now + timedelta(days=DAYS_AHEAD),
    )
    return list(db.session.scalars(stmt.order_by(Visit.planned_start, Visit.id)).unique())


def _event(visit: Visit, link: str) -> Event:
    store = visit.store
    tz = zone(store.timezone)
    event = Event()
    event.add("uid", f"visit-{visit.id}@{UID_DOMAIN}")
    event.add("dtstamp", visit.updated_at)
    event.add("last-modified", visit.updated_at)
    event.add("sequence", visit.version - 1)
    event.add("dtstart", visit.planned_start.astimezone(tz))
    event.add("dtend", visit.planned_end.astimezone(tz))
    event.add("summary", f"Visit: {store.name}")
    if store.address:
        event.add("location", f"{store.name}, {store.address}")
    else:
        event.add("location", store.name)
    if store.latitude is not None and store.longitude is not None:
        event.add("geo", (store.latitude, store.longitude))
    event.add("url", link)
    lines = [f"Engineer: {visit.engineer.name}", f"Status: {visit.status.value.replace('_', ' ')}"]
    if visit.purpose:
        lines.insert(0, visit.purpose)
    event.add("description", "\n".join([*lines, link]))
    event.add("status", "CANCELLED" if visit.status == VisitStatus.CANCELLED else "CONFIRMED")
    return event


def feed_of(user: User, now: datetime, link: Callable[[Visit], str]) -> bytes:
    """The user's calendar as iCalendar bytes; `link` gives each visit's page address."""
    calendar = Calendar()
    calendar.add("prodid", "-//FieldOps//Visits//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"FieldOps visits: {user.name}")
    for visit in visits_in_feed(user, now):
        calendar.add_component(_event(visit, link(visit)))
    # the zones' rules over the feed's span only (the whole history is slow to work out)
    first = (now - timedelta(days=DAYS_BACK + 2)).date()
    calendar.add_missing_timezones(first, (now + timedelta(days=DAYS_AHEAD + 2)).date())
    return calendar.to_ical()
