"""wants(): a channel turned off for a kind stays silent; push keeps quiet outside the
person's own support shifts (when they asked for it), except for critical notifications."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from fieldops.extensions import db
from fieldops.notifications import Channel, wants
from fieldops.notifications.preferences import save_preferences
from fieldops.shifts import ShiftException, SupportShift

# Mon-Fri 18:00-02:00 in Chicago: an evening shift that ends after midnight.
FRIDAY_2300_CHICAGO = datetime(2026, 3, 7, 5, 0, tzinfo=UTC)  # Fri 6 Mar 23:00 CST
SATURDAY_0130_CHICAGO = datetime(2026, 3, 7, 7, 30, tzinfo=UTC)  # Sat 01:30 CST, still Friday's
SATURDAY_0300_CHICAGO = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)  # after the shift
SATURDAY_2000_CHICAGO = datetime(2026, 3, 8, 2, 0, tzinfo=UTC)  # Saturday: no shift


@pytest.fixture
def people(world):
    """The people made (and committed) before the test's own session opens."""
    return world.made("engineer", "manager")


@pytest.fixture
def engineer(people, ctx):
    world = people
    user = db.session.get(type(world.engineer), world.engineer.id)
    shift = SupportShift(
        name="Evenings",
        timezone="America/Chicago",
        weekdays=[0, 1, 2, 3, 4],
        start_time=time(18),
        end_time=time(2),
        region="Midwest",
    )
    shift.engineers = [user]
    db.session.add(shift)
    db.session.flush()
    return user


def test_every_channel_is_on_until_turned_off(engineer):
    for channel in Channel:
        assert wants(engineer, channel, "assigned", False, SATURDAY_2000_CHICAGO)
    save_preferences(engineer, {"channels": {"assigned": {"email": False}}})
    assert not wants(engineer, "email", "assigned", False, FRIDAY_2300_CHICAGO)
    assert not wants(engineer, "email", "assigned", True, FRIDAY_2300_CHICAGO)  # off is off
    assert wants(engineer, "email", "issue_comment", False, FRIDAY_2300_CHICAGO)
    assert wants(engineer, "in_app", "assigned", False, FRIDAY_2300_CHICAGO)


@pytest.mark.parametrize(
    ("at", "pushed"),
    [
        (FRIDAY_2300_CHICAGO, True),
        (SATURDAY_0130_CHICAGO, True),
        (SATURDAY_0300_CHICAGO, False),
        (SATURDAY_2000_CHICAGO, False),
    ],
)
def test_quiet_hours_hold_push_outside_ones_shifts(engineer, at, pushed):
    save_preferences(engineer, {"quiet_outside_shifts": True})
    assert wants(engineer, "push", "issue_comment", False, at) is pushed
    assert wants(engineer, "push", "sla_breach", True, at)  # critical always comes
    assert wants(engineer, "email", "issue_comment", False, at)  # quiet hours are for push


def test_a_day_off_is_quiet_and_an_extra_window_is_not(engineer):
    save_preferences(engineer, {"quiet_outside_shifts": True})
    shift = engineer_shift(engineer)
    shift.exceptions = [
        ShiftException(date=date(2026, 3, 6), off=True),  # Friday off
        ShiftException(date=date(2026, 3, 7), start_time=time(19), end_time=time(21)),
    ]
    db.session.flush()
    assert not wants(engineer, "push", "assigned", False, FRIDAY_2300_CHICAGO)
    assert wants(engineer, "push", "assigned", False, SATURDAY_2000_CHICAGO)


def test_without_quiet_hours_or_without_shifts_push_always_comes(people, engineer):
    assert wants(engineer, "push", "assigned", False, SATURDAY_0300_CHICAGO)
    manager = db.session.get(type(people.manager), people.manager.id)
    save_preferences(manager, {"quiet_outside_shifts": True})
    assert wants(manager, "push", "assigned", False, SATURDAY_0300_CHICAGO)


def engineer_shift(user):
    return db.session.query(SupportShift).filter(SupportShift.engineers.contains(user)).one()
