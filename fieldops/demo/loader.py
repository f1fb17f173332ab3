"""`flask fieldops demo`: a deterministic data set shaped like a US dealership group.

82 dealerships over seven US time zones, 39 IT engineers, a manager per store, a CIO and
an admin; a year of visits, observations and issues, and the coming weeks planned; the
CIO's own year of visits to the dealerships (twice a year each, their leadership cadence). Every
date is relative to `now`, every choice drawn from one seeded generator, and rows go in
with bulk INSERTs (a few thousand rows: the whole load takes a couple of seconds).

The demo logins (admin@, cio@, engineer@, manager@example.com) and every other demo user
share the password `demo-password`; the CLI refuses to load them in production.
"""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import Any

import click
import sqlalchemy as sa
from flask import current_app

from fieldops.audit import record
from fieldops.auth import User, hash_password
from fieldops.clock import local_date
from fieldops.demo.evidence import load_evidence
from fieldops.demo.issues import plan_issues
from fieldops.demo.observations import manager_close_outs, visit_observations
from fieldops.demo.people import DEMO_PASSWORD, People, manager_rows, plan_people, user_rows
from fieldops.demo.places import (
    DEMO_ENGINEER_HOME,
    DEMO_ENGINEER_TIMEZONE,
    DEMO_ENGINEER_TRIP,
)
from fieldops.demo.shifts import (
    ShiftPlan,
    engineer_rows,
    plan_shifts,
    shift_rows,
)
from fieldops.demo.shifts import exception_rows as shift_exception_rows
from fieldops.demo.shifts import store_rows as shift_store_rows
from fieldops.demo.snapshots import WEEKS, backfill
from fieldops.demo.stores import (
    StorePlan,
    exception_rows,
    hours_rows,
    plan_stores,
    store_rows,
)
from fieldops.demo.topup import top_up
from fieldops.demo.visits import (
    PlannedVisit,
    VisitPlanner,
    overdue_codes,
    plan_cio,
    plan_demo_engineer,
    plan_future,
    plan_past,
)
from fieldops.extensions import db
from fieldops.issues import Issue, IssueComment, IssueEvent, cache_missing
from fieldops.notifications import IssueFollower
from fieldops.observations import Observation
from fieldops.shifts import ShiftException, SupportShift, shift_engineers, shift_stores
from fieldops.stores import HoursException, PostedHours, Store, store_managers
from fieldops.visits import Visit, VisitStatus

__all__ = ["DEMO_PASSWORD", "is_empty", "load", "top_up"]


def is_empty() -> bool:
    """True while the database has no users (a fresh installation)."""
    return db.session.scalar(sa.select(User.id).limit(1)) is None


def _table(target: Any) -> sa.Table:
    """The model's table: a Core INSERT keeps the `version` we give (the ORM would reset it)."""
    return getattr(target, "__table__", target)


def insert_returning_ids(model: type[Any], rows: list[dict]) -> list[int]:
    """Bulk INSERT of `rows`; their new ids in the order of `rows`."""
    if not rows:
        return []
    table = _table(model)
    stmt = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(db.session.scalars(stmt, rows))


def insert_rows(target: Any, rows: list[dict]) -> None:
    if rows:
        db.session.execute(sa.insert(_table(target)), rows)


def _insert_planned(plans: list[Any], model: type[Any], rows: list[dict]) -> None:
    """Insert one row per plan and give each plan its new id."""
    for plan, new_id in zip(plans, insert_returning_ids(model, rows), strict=True):
        plan.id = new_id


def _load_stores(rng: random.Random, now: datetime, today: date) -> list[StorePlan]:
    stores = plan_stores(rng, today)
    _insert_planned(stores, Store, store_rows(stores, now))
    insert_rows(PostedHours, hours_rows(stores))
    insert_rows(HoursException, exception_rows(stores))
    return stores


def _load_people(rng: random.Random, now: datetime, stores: list[StorePlan]) -> People:
    people = plan_people(rng, stores)
    # scrypt is slow on purpose: hash once, share the hash (every demo user has the password).
    password_hash = hash_password(DEMO_PASSWORD)
    _insert_planned(people.everyone, User, user_rows(people, password_hash, rng, now))
    insert_rows(store_managers, manager_rows(people))
    return people


def _load_visits(
    rng: random.Random, now: datetime, today: date, stores: list[StorePlan], people: People
) -> list[PlannedVisit]:
    radius = current_app.config["CHECK_IN_RADIUS_M"]
    planner = VisitPlanner(rng, now, people, people.admin.id, radius_m=radius)
    plan_past(planner, stores)
    overdue = overdue_codes(planner, stores)
    home = [s for s in stores if s.city.name in DEMO_ENGINEER_HOME]
    trip = [s for s in stores if s.city.name in DEMO_ENGINEER_TRIP]
    plan_demo_engineer(planner, home, trip, today)
    plan_future(planner, stores, overdue)
    _insert_planned(planner.visits, Visit, [v.row for v in planner.visits])
    return planner.visits


def _load_cio_visits(
    rng: random.Random, now: datetime, stores: list[StorePlan], people: People
) -> list[PlannedVisit]:
    """The CIO's own visits, drawn from a generator of their own (the engineers' visits,
    observations and issues stay as they were)."""
    radius = current_app.config["CHECK_IN_RADIUS_M"]
    planner = VisitPlanner(rng, now, people, people.admin.id, radius_m=radius)
    plan_cio(planner, stores)
    _insert_planned(planner.visits, Visit, [v.row for v in planner.visits])
    return planner.visits


def _load_shifts(
    rng: random.Random, now: datetime, today: date, stores: list[StorePlan], people: People
) -> list[ShiftPlan]:
    shifts = plan_shifts(rng, stores, people, today)
    _insert_planned(shifts, SupportShift, shift_rows(shifts, now))
    insert_rows(shift_engineers, engineer_rows(shifts))
    insert_rows(shift_stores, shift_store_rows(shifts))
    insert_rows(ShiftException, shift_exception_rows(shifts))
    return shifts


def _load_issues(
    rng: random.Random, now: datetime, stores: list[StorePlan], people: People
) -> tuple[int, int]:
    """Issues, their comments and history; (issues, comments) inserted."""
    issues = plan_issues(rng, stores, people, now)
    _insert_planned(issues, Issue, [i.row for i in issues])
    comments = [c | {"issue_id": i.id} for i in issues for c in i.comments]
    insert_rows(IssueComment, comments)
    insert_rows(IssueEvent, [e | {"issue_id": i.id} for i in issues for e in i.events])
    # the reporter and the assignee follow their issues, as the app's own changes make them
    following = {
        (i.id, person)
        for i in issues
        for person in (i.row["reporter_id"], i.row.get("assignee_id"))
        if person is not None
    }
    insert_rows(IssueFollower, [{"issue_id": i, "user_id": u} for i, u in sorted(following)])
    return len(issues), len(comments)


def load(
    now: datetime, seed: int = 2026, evidence: bool = True, history: bool = True
) -> dict[str, int]:
    """Load the demo data set into an empty database; counts of what was created.

    `evidence=False` leaves out the 8 weeks of presence evidence (most of the load time);
    `history=False` the 12 weeks of coverage snapshots before today's.
    """
    if not is_empty():
        raise click.ClickException(
            "The database already has users; the demo loads into an empty database only "
            "(use --if-empty to skip, --top-up to plan the demo engineer's coming days)."
        )
    rng = random.Random(seed)
    today = local_date(now, DEMO_ENGINEER_TIMEZONE)
    stores = _load_stores(rng, now, today)
    people = _load_people(rng, now, stores)
    visits = _load_visits(rng, now, today, stores, people)
    observations = visit_observations(rng, visits) + manager_close_outs(rng, stores, people, now)
    insert_rows(Observation, observations)
    issues, comments = _load_issues(rng, now, stores, people)
    cio_visits = _load_cio_visits(random.Random(f"cio:{seed}"), now, stores, people)
    shifts = _load_shifts(random.Random(f"shifts:{seed}"), now, today, stores, people)
    added = top_up(now)
    learned = load_evidence(now, seed) if evidence else {}
    cache_missing(now)  # the issues' service levels, on the hours just learned
    # After the hours are learned: the snapshots hold real coverage.
    coverage = backfill(now, weeks=WEEKS if history else 0)

    summary = {
        "stores": len(stores),
        "users": len(people.everyone),
        "engineers": len(people.engineers),
        "visits": len(visits) + added + len(cio_visits),
        "planned visits": sum(v.row["status"] == VisitStatus.PLANNED for v in visits) + added,
        "CIO visits": len(cio_visits),
        "observations": len(observations),
        "issues": issues,
        "comments": comments,
        "support shifts": len(shifts),
        **learned,
        **coverage,
    }
    admin = db.session.get(User, people.admin.id)
    record(admin, "demo.loaded", "demo", None, now=now, seed=seed, **summary)
    db.session.flush()
    return summary
