"""The store page asks before a close-out replaces the day's first one, or when its time is
far outside the posted hours (Mon-Sat 09:00-20:00 in Chicago); the API keeps replacing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.hours.models import Closeout

WEDNESDAY_2340 = datetime(2026, 3, 5, 5, 40, tzinfo=UTC)  # 23:40 in Chicago


@pytest.fixture
def manager_page(signed_in, build, time_machine):
    time_machine.move_to(WEDNESDAY_2340, tick=False)
    store = build.store(name="Westside Honda")
    browser = signed_in(build.user("manager", stores=[store]))
    page = f"/stores/{store.id}"

    def send(**form: str):
        return browser.submit(page, form, action=f"{page}/closeout")

    return store, send


def stored(app) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Closeout).order_by(Closeout.business_date))
        return [f"{c.business_date} {c.last_customer_at:%H:%M}" for c in rows]


def test_a_time_in_the_posted_hours_is_sent_without_a_question(app, manager_page):
    _store, send = manager_page
    assert send(last_customer_at="20:30").status_code == 302
    assert stored(app) == ["2026-03-04 20:30"]


def test_a_second_close_out_asks_before_replacing_the_first(app, manager_page):
    _store, send = manager_page
    assert send(last_customer_at="20:30").status_code == 302
    asked = send(last_customer_at="21:10")
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert "already says the last customer left at 20:30. Replace it?" in page
    assert stored(app) == ["2026-03-04 20:30"]
    assert send(last_customer_at="21:10", confirm="yes").status_code == 302
    assert stored(app) == ["2026-03-04 21:10"]


@pytest.mark.parametrize(
    ("time", "question"),
    [
        ("23:30", "23:30 is more than 3 hours after the posted close (20:00)"),
        ("08:15", "08:15 is before the posted opening (09:00)"),
    ],
)
def test_a_time_far_outside_the_posted_hours_is_asked_about(app, manager_page, time, question):
    _store, send = manager_page
    asked = send(last_customer_at=time)
    assert asked.status_code == 200 and question in asked.get_data(as_text=True)
    assert stored(app) == []
    assert send(last_customer_at=time, confirm="yes").status_code == 302
    assert stored(app) == [f"2026-03-04 {time}"]


def test_the_page_gives_the_browser_what_it_asks_with(manager_page, signed_in, build):
    store, send = manager_page
    send(last_customer_at="20:30")
    manager = build.user("manager", stores=[store])
    page = signed_in(manager).get(f"/stores/{store.id}").get_data(as_text=True)
    assert 'data-closeout-earlier="the last customer left at 20:30"' in page
    assert 'data-posted-opens="09:00" data-posted-closes="20:00"' in page
    assert 'data-zone="America/Chicago" data-cutoff="04:00"' in page
