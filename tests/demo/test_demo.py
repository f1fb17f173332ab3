"""The demo data set: what it promises, the top-up, and its refusal in production."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from itertools import pairwise

import click
import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import joinedload, selectinload

from config import ProductionConfig
from fieldops.auth.models import Role, User
from fieldops.auth.services import authenticate
from fieldops.clock import local_date, zone
from fieldops.core.fields import validate_phone
from fieldops.coverage import leadership_cadence, visit_cadence
from fieldops.coverage.models import Alert, AlertKind, CoverageSnapshot
from fieldops.demo import loader
from fieldops.demo.evidence import load_evidence
from fieldops.demo.people import CIO_EMAIL, DEMO_EMAILS, DEMO_PASSWORD, ENGINEER_EMAIL
from fieldops.demo.places import DEMO_ENGINEER_TIMEZONE
from fieldops.demo.stores import fourth_thursday_of_november
from fieldops.demo.topup import TOP_UP_DAYS
from fieldops.extensions import db
from fieldops.hours.drifts import largest_drifts
from fieldops.hours.models import HoursBasis, RealHours
from fieldops.issues.models import Issue, IssueCategory, IssueEvent, IssueStatus, Severity
from fieldops.issues.service_levels import derive_issue
from fieldops.observations.models import Observation, ObservationCategory
from fieldops.observations.schemas import FIELD_SCHEMAS
from fieldops.shifts.models import ShiftKind, SupportShift
from fieldops.stores.models import HoursException, Store, store_managers
from fieldops.visits.models import Visit, VisitStatus


def count(stmt: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))


def engineer_days(now: datetime) -> set:
    engineer = db.session.scalar(sa.select(User).where(User.email == ENGINEER_EMAIL))
    return set(
        db.session.scalars(
            sa.select(Visit.local_date).where(
                Visit.engineer_id == engineer.id, Visit.status == VisitStatus.PLANNED
            )
        )
    )


@pytest.fixture
def demo(ctx: None, now: datetime) -> dict[str, int]:
    # Evidence and the 12 weeks of coverage history: tests of their own below.
    summary = loader.load(now, seed=2026, evidence=False, history=False)
    db.session.commit()
    return summary


def test_stores_shaped_like_a_dealership_group(demo: dict[str, int], now: datetime) -> None:
    stores = db.session.scalars(sa.select(Store)).all()
    assert len(stores) == demo["stores"] == 82
    assert {s.kind.value for s in stores} == {"dealership"}
    offsets = {now.astimezone(zone(s.timezone)).utcoffset() for s in stores}
    assert len(offsets) >= 4
    assert all(s.posted_hours and s.latitude and s.longitude and s.region for s in stores)
    assert {s.cadence_per_year for s in stores} == {2, 4}
    assert {(s.leadership_cadence_per_year, s.visit_minutes) for s in stores} == {(2, 120)}
    chicago = next(s for s in stores if s.code == "D001")
    assert chicago.phone == "+1 312 555 0101"
    for store in stores:  # a number the store form would take, each its own
        validate_phone(store.phone)
    assert len({s.phone for s in stores}) == 82
    thanksgiving = db.session.scalar(
        sa.select(HoursException).where(HoursException.date == datetime(2026, 11, 26).date())
    )
    assert thanksgiving is not None and thanksgiving.closed


def test_people_and_demo_logins(demo: dict[str, int], now: datetime) -> None:
    roles = Counter(db.session.scalars(sa.select(User.role)))
    assert roles[Role.ENGINEER] == demo["engineers"] == 39
    assert roles[Role.ADMIN] == 1 and roles[Role.CIO] == 1
    managers_per_store = Counter(db.session.scalars(sa.select(store_managers.c.store_id)))
    assert len(managers_per_store) == 82 and set(managers_per_store.values()) == {1}
    for email in DEMO_EMAILS:
        assert authenticate(email, DEMO_PASSWORD, now) is not None, email
    assert authenticate("manager@example.com", "wrong-password", now) is None
    phones = dict(
        db.session.execute(
            sa.select(User.role, sa.func.count(User.phone)).group_by(User.role)
        ).all()
    )
    assert phones == {Role.ENGINEER: 39, Role.MANAGER: 82 - 1, Role.ADMIN: 0, Role.CIO: 0}


def test_visits_observations_and_issues(demo: dict[str, int], now: datetime) -> None:
    visits = db.session.scalars(sa.select(Visit).options(joinedload(Visit.store))).all()
    assert {v.status for v in visits} >= set(VisitStatus) - {VisitStatus.CHECKED_IN}
    assert min(v.planned_start for v in visits) < now - timedelta(days=300)
    assert all(v.local_date == local_date(v.planned_start, v.store.timezone) for v in visits)
    for visit in visits:
        if visit.status == VisitStatus.COMPLETED:
            assert visit.checked_in_at <= visit.checked_out_at < now
            assert visit.distance_m is not None and visit.summary and visit.departments_met
    assert any(v.status == VisitStatus.PLANNED and v.planned_start > now for v in visits)

    observations = db.session.scalars(sa.select(Observation)).all()
    assert {o.category for o in observations} == set(ObservationCategory)
    for obs in observations:
        schema = FIELD_SCHEMAS[obs.category]()
        assert schema.dump(schema.load(obs.fields)) == obs.fields
        assert obs.observed_at < now

    issues = db.session.scalars(sa.select(Issue)).all()
    assert {i.status for i in issues} == set(IssueStatus) - {IssueStatus.WAITING_ON_STORE}
    assert {i.category for i in issues} == set(IssueCategory)
    assert {i.severity for i in issues} == set(Severity)
    assert all(i.created_at < now for i in issues)
    events = Counter(db.session.scalars(sa.select(IssueEvent.field)))
    assert events["created"] == len(issues) and events["status"] and events["comment"]


def test_top_up_plans_the_coming_days_once(demo: dict[str, int], now: datetime) -> None:
    today = local_date(now, DEMO_ENGINEER_TIMEZONE)
    week = {today + timedelta(days=i) for i in range(TOP_UP_DAYS)}
    assert week <= engineer_days(now)
    assert loader.top_up(now) == 0

    later = now + timedelta(days=20)
    added = loader.top_up(later)
    db.session.commit()
    assert added > 0
    later_today = local_date(later, DEMO_ENGINEER_TIMEZONE)
    assert {later_today + timedelta(days=i) for i in range(TOP_UP_DAYS)} <= engineer_days(later)
    assert loader.top_up(later) == 0


def test_load_refuses_a_database_with_users(demo: dict[str, int], now: datetime) -> None:
    assert not loader.is_empty()
    with pytest.raises(click.ClickException):
        loader.load(now)


def test_top_up_without_demo_adds_nothing(ctx: None, now: datetime) -> None:
    assert loader.is_empty()
    assert loader.top_up(now) == 0


def test_production_refuses_the_demo(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ProductionConfig.DEMO_LOGINS_ALLOWED is False
    monkeypatch.setitem(app.config, "DEMO_LOGINS_ALLOWED", False)
    for args in (["fieldops", "demo"], ["fieldops", "demo", "--top-up"]):
        result = app.test_cli_runner().invoke(args=args)
        assert result.exit_code != 0
        assert "refused in production" in result.output
    with app.app_context():
        assert loader.is_empty()


def test_demo_evidence_teaches_real_hours(demo: dict[str, int], now: datetime) -> None:
    """A few stores' 8 weeks of evidence go through the real ingest path and are learned."""
    result = load_evidence(now, seed=2026, limit=6)
    db.session.commit()
    assert result["evidence rows"] > 10_000
    learned = db.session.execute(
        sa.select(RealHours.basis, sa.func.count()).group_by(RealHours.basis)
    ).all()
    assert dict(learned)[HoursBasis.OBSERVED] >= 6 * 5  # most weekdays of the six stores
    cio = db.session.scalar(sa.select(User).where(User.email == "cio@example.com"))
    assert largest_drifts(cio), "some demo stores' customers stay late"


def test_support_shifts_cover_the_group(demo: dict[str, int], now: datetime) -> None:
    shifts = db.session.scalars(
        sa.select(SupportShift).options(
            selectinload(SupportShift.engineers),
            selectinload(SupportShift.stores),
            selectinload(SupportShift.exceptions),
        )
    ).all()
    assert len(shifts) == demo["support shifts"] >= 6 * 3
    assert {s.kind for s in shifts} == set(ShiftKind)
    assert all(s.engineers for s in shifts)
    assert all(e.role == Role.ENGINEER for s in shifts for e in s.engineers)
    regions = {s.region for s in shifts if s.region}
    assert regions == set(db.session.scalars(sa.select(Store.region).distinct()))
    listed = [s for s in shifts if s.stores]  # the late desk names its stores
    assert listed and all(s.region is None for s in listed)
    mountain = {s.timezone for s in shifts if s.region == "Mountain"}
    assert mountain == {"America/Phoenix"}  # desks in another zone than Denver's stores
    exceptions = [e for s in shifts for e in s.exceptions]
    thanksgiving = fourth_thursday_of_november(now.year)
    assert any(e.off and e.date == thanksgiving for e in exceptions)
    assert any(e.off and e.date < now.date() for e in exceptions)  # a desk was unstaffed
    assert any(not e.off and e.start_time and e.end_time for e in exceptions)  # an extra


def test_today_s_snapshot_and_alerts(demo: dict[str, int], now: datetime) -> None:
    snaps = db.session.scalars(sa.select(CoverageSnapshot)).all()
    assert len(snaps) == demo["coverage snapshots"] == 82
    assert {s.taken_on for s in snaps} == {now.date()}
    real = sum(s.real_covered_minutes for s in snaps) / sum(s.real_customer_minutes for s in snaps)
    assert 0.5 < real < 1  # some customer hours go without support
    assert any(sum(s.uncovered_by_weekday) for s in snaps)
    kinds = Counter(db.session.scalars(sa.select(Alert.kind).where(Alert.closed_at.is_(None))))
    assert sum(kinds.values()) == demo["open alerts"] > 0
    assert kinds[AlertKind.OVERDUE_VISIT] == sum(s.overdue for s in snaps)


def test_twelve_weeks_of_coverage_history(app: Flask, now: datetime) -> None:
    with app.app_context():
        loader.load(now, seed=2026, evidence=False)
        db.session.commit()
        dates = sorted(set(db.session.scalars(sa.select(CoverageSnapshot.taken_on))))
        assert len(dates) == 13 and dates[-1] == now.date()
        assert {(b - a).days for a, b in pairwise(dates)} == {7}
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    form = {"email": "cio@example.com", "password": DEMO_PASSWORD, "csrf_token": token}
    assert browser.post("/login", data=form).status_code == 302
    page = browser.get("/overview").get_data(as_text=True)
    assert '<svg class="heatmap"' in page and '<svg class="trend"' in page
    assert page.count('class="dot real"') == 13 and "Open alerts" in page


def test_every_demo_issue_has_its_service_levels_cached(demo: dict[str, int], now: datetime):
    issues = db.session.scalars(sa.select(Issue).order_by(Issue.id)).all()
    assert all(issue.sla is not None for issue in issues)
    states = Counter(issue.sla["resolve"]["met_at"] is None for issue in issues)
    assert states[True] and states[False]  # open ones running, resolved ones decided
    for issue in issues[:30]:
        fresh = derive_issue(issue, now)
        assert (issue.response_due_at, issue.resolve_due_at) == (
            fresh.response.due_at,
            fresh.resolve.due_at,
        )


def test_the_cio_has_a_year_of_his_own_visits(demo: dict[str, int], now: datetime) -> None:
    cio = db.session.scalar(sa.select(User).where(User.email == CIO_EMAIL))
    visits = db.session.scalars(sa.select(Visit).where(Visit.engineer_id == cio.id)).all()
    assert len(visits) == demo["CIO visits"] > 82  # about twice a year at each dealership
    done = [v for v in visits if v.status == VisitStatus.COMPLETED]
    assert all(v.checked_out_at < now for v in done)
    assert min(v.checked_out_at for v in done) < now - timedelta(days=330)
    planned = [v for v in visits if v.status == VisitStatus.PLANNED]
    assert len(planned) == 2 and all(v.planned_start > now for v in planned)
    stores = db.session.scalars(sa.select(Store)).all()
    leadership = leadership_cadence(stores, now).values()
    overdue = sum(c.overdue for c in leadership)
    due = sum(c.due_soon(now.date(), 30) for c in leadership)
    assert 0 < overdue < 41 and due > 0  # most dealerships see him as often as they should
    # his visits are not the engineers': their cadence counts none of them
    assert sum(c.completed_12m for c in visit_cadence(stores, now).values()) == count(
        sa.select(Visit).where(
            Visit.status == VisitStatus.COMPLETED,
            Visit.engineer_id != cio.id,
            sa.func.coalesce(Visit.checked_out_at, Visit.planned_end) >= now - timedelta(days=365),
        )
    )
