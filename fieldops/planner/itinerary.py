"""A plan as its page reads it: each engineer's working days (the engineer's local dates),
each a route of stops in order, with the visits already on the calendar between the
proposed ones (the drives were worked out around them), and the unplanned stores by name."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from fieldops.auth import User, user_zone
from fieldops.clock import local_date
from fieldops.extensions import db
from fieldops.planner.checks import BUSY
from fieldops.planner.models import PlanItem, VisitPlan
from fieldops.stores import Store
from fieldops.visits import Visit


@dataclass(frozen=True)
class Stop:
    """A proposed (or accepted) visit of the plan, or a visit already on the calendar."""

    store: Store
    start: datetime
    end: datetime
    item: PlanItem | None = None
    visit: Visit | None = None


@dataclass
class RouteDay:
    day: date
    stops: list[Stop] = field(default_factory=list)

    @property
    def drive_home(self) -> int | None:
        """Minutes home after the day's last stop, when the plan knows them (its own)."""
        last = self.stops[-1]
        return last.item.travel_minutes_home if last.item is not None else None


@dataclass
class EngineerRoute:
    engineer: User
    zone: str
    days: list[RouteDay]


def routes(plan: VisitPlan) -> list[EngineerRoute]:
    """Per engineer (by name), per day, the plan's visits and the calendar's among them."""
    items = plan.visits
    days: dict[User, dict[date, RouteDay]] = defaultdict(dict)
    for item in items:
        day = local_date(item.planned_start, user_zone(item.engineer))
        route = days[item.engineer].setdefault(day, RouteDay(day))
        route.stops.append(Stop(item.store, item.planned_start, item.planned_end, item=item))
    for visit in _calendar(items):
        day = local_date(visit.planned_start, user_zone(visit.engineer))
        route = days.get(visit.engineer, {}).get(day)
        if route is not None:  # a day of the plan
            route.stops.append(
                Stop(visit.store, visit.planned_start, visit.planned_end, visit=visit)
            )
    for by_day in days.values():
        for route in by_day.values():
            route.stops.sort(key=lambda stop: stop.start)
    return [
        EngineerRoute(engineer, user_zone(engineer), [by_day[d] for d in sorted(by_day)])
        for engineer, by_day in sorted(days.items(), key=lambda pair: (pair[0].name, pair[0].id))
    ]


def _calendar(items: list[PlanItem]) -> list[Visit]:
    """The busy visits of these engineers around these items, but the plan's own."""
    if not items:
        return []
    own = {item.visit_id for item in items if item.visit_id is not None}
    return [
        visit
        for visit in db.session.scalars(
            sa.select(Visit).where(
                Visit.engineer_id.in_({item.engineer_id for item in items}),
                Visit.status.in_(BUSY),
                Visit.planned_start > min(item.planned_start for item in items) - timedelta(days=1),
                Visit.planned_start < max(item.planned_end for item in items) + timedelta(days=1),
            )
        )
        if visit.id not in own
    ]


def unplanned(plan: VisitPlan) -> list[tuple[Store, str]]:
    """The due stores the plan could not place, by name, each with its reason."""
    ids = [entry["store_id"] for entry in plan.unplanned]
    stores = {s.id: s for s in db.session.scalars(sa.select(Store).where(Store.id.in_(ids)))}
    found = [
        (stores[e["store_id"]], e["reason"]) for e in plan.unplanned if e["store_id"] in stores
    ]
    return sorted(found, key=lambda pair: pair[0].name)
