"""Calendar feeds: a secret address per user, read by calendar apps without signing in;
each visit an RFC 5545 event in the store's local time (checked by parsing with
`icalendar`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from fieldops.audit.models import AuditEvent
from fieldops.extensions import db
from fieldops.visits import VisitStatus

CHICAGO = ZoneInfo("America/Chicago")


def feed_path(client) -> str:
    url = client.get("/api/me").get_json()["calendar_url"]
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    return urlsplit(url).path


def read_feed(app, path: str) -> Calendar:
    r = app.test_client().get(path)  # no session: a calendar app
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(r.data)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def feeds(now, build):
    store = build.store(name="Lakeside Honda", address="12 Lake St, Chicago, IL")
    other_store = build.store(name="Hill Ford", timezone="America/Denver")
    engineer, colleague = build.user("engineer"), build.user("engineer")
    manager = build.user("manager", stores=[store])
    visits = {
        "tomorrow": build.visit(store, engineer, now + timedelta(days=1), purpose="Wi-Fi survey"),
        # after the US clocks go forward on 8 March: Chicago is UTC-5 then
        "after_dst": build.visit(store, engineer, datetime(2026, 3, 10, 14, 30, tzinfo=UTC)),
        "cancelled": build.visit(
            other_store, engineer, now + timedelta(days=3), status=VisitStatus.CANCELLED
        ),
        "past": build.visit(store, engineer, now - timedelta(days=29)),
        "too_old": build.visit(store, engineer, now - timedelta(days=31)),
        "too_far": build.visit(store, engineer, now + timedelta(days=91)),
        "colleague": build.visit(store, colleague, now + timedelta(days=2)),
        "elsewhere": build.visit(other_store, colleague, now + timedelta(days=2)),
    }
    return store, engineer, manager, visits


def test_an_engineer_s_feed_holds_their_visits_in_the_store_s_local_time(app, login, feeds):
    store, engineer, _manager, visits = feeds
    found = events(read_feed(app, feed_path(login(engineer))))
    wanted = ("tomorrow", "after_dst", "cancelled", "past")
    assert set(found) == {f"visit-{visits[k].id}@fieldops" for k in wanted}

    event = found[f"visit-{visits['tomorrow'].id}@fieldops"]
    start = event.decoded("DTSTART")
    assert (
        start.tzinfo.key == "America/Chicago"
        and event["DTSTART"].params["TZID"] == "America/Chicago"
    )
    assert start == visits["tomorrow"].planned_start.astimezone(CHICAGO)
    assert (start.hour, start.minute) == (9, 0)  # 15:00 UTC in winter
    assert event.decoded("DTEND") - start == timedelta(hours=2)
    assert str(event["SUMMARY"]) == "Visit: Lakeside Honda"
    assert str(event["LOCATION"]) == "Lakeside Honda, 12 Lake St, Chicago, IL"
    assert (event["GEO"].latitude, event["GEO"].longitude) == (store.latitude, store.longitude)
    assert str(event["URL"]) == f"http://localhost/visits/{visits['tomorrow'].id}"
    assert "Wi-Fi survey" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"

    after = found[f"visit-{visits['after_dst'].id}@fieldops"].decoded("DTSTART")
    assert (after.hour, after.minute, after.utcoffset()) == (9, 30, timedelta(hours=-5))
    cancelled = found[f"visit-{visits['cancelled'].id}@fieldops"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["DTSTART"].params["TZID"] == "America/Denver"


def test_the_feed_carries_a_vtimezone_for_each_zone_it_uses(app, login, feeds):
    _store, engineer, _manager, _visits = feeds
    calendar = read_feed(app, feed_path(login(engineer)))
    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    assert set(zones) == {"America/Chicago", "America/Denver"}
    chicago = zones["America/Chicago"]
    assert {c.name for c in chicago.subcomponents} >= {"STANDARD", "DAYLIGHT"}


def test_a_manager_s_feed_holds_their_stores_visits(app, login, feeds):
    _store, _engineer, manager, visits = feeds
    found = events(read_feed(app, feed_path(login(manager))))
    wanted = ("tomorrow", "after_dst", "past", "colleague")
    assert set(found) == {f"visit-{visits[k].id}@fieldops" for k in wanted}


def test_a_uid_stays_and_a_moved_visit_counts_its_sequence_up(app, login, feeds):
    _store, engineer, _manager, visits = feeds
    path = feed_path(login(engineer))
    uid = f"visit-{visits['tomorrow'].id}@fieldops"
    first = events(read_feed(app, path))[uid]
    with app.app_context():
        visit = db.session.get(type(visits["tomorrow"]), visits["tomorrow"].id)
        visit.planned_start += timedelta(hours=1)
        visit.planned_end += timedelta(hours=1)
        visit.version += 1
        db.session.commit()
    moved = events(read_feed(app, path))[uid]
    assert moved.decoded("DTSTART") - first.decoded("DTSTART") == timedelta(hours=1)
    assert moved.decoded("SEQUENCE") == first.decoded("SEQUENCE") + 1


def test_replacing_the_address_retires_the_old_one(app, login, feeds):
    _store, engineer, _manager, _visits = feeds
    client = login(engineer)
    old = feed_path(client)
    r = client.post("/api/me/calendar")
    assert r.status_code == 200
    new = urlsplit(r.get_json()["calendar_url"]).path
    assert new != old and feed_path(client) == new
    assert app.test_client().get(old).status_code == 404
    read_feed(app, new)
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "auth.calendar_replaced" in actions


@pytest.mark.parametrize(
    "change",
    [
        lambda path: path.replace(".ics", "0.ics"),  # a longer code
        lambda path: path[:-5] + ("0" if path[-5] != "0" else "1") + ".ics",  # one digit off
        lambda path: "/calendar/1-1-" + "0" * 40 + ".ics",
        lambda path: "/calendar/nonsense.ics",
    ],
)
def test_a_wrong_address_answers_404(app, login, feeds, change):
    _store, engineer, _manager, _visits = feeds
    assert app.test_client().get(change(feed_path(login(engineer)))).status_code == 404


def test_a_deactivated_user_s_feed_answers_404(app, login, feeds, as_admin):
    _store, engineer, _manager, _visits = feeds
    path = feed_path(login(engineer))
    r = as_admin.patch(f"/api/users/{engineer.id}", json={"active": False})
    assert r.status_code == 200, r.get_json()
    assert app.test_client().get(path).status_code == 404


def test_the_account_page_shows_the_address_and_replaces_it(app, signed_in, feeds):
    _store, engineer, _manager, _visits = feeds
    browser = signed_in(engineer)
    page = browser.get("/account").get_data(as_text=True)
    assert 'id="calendar-url"' in page and "/calendar/" in page
    before = page.split('id="calendar-url" type="text" readonly value="')[1].split('"')[0]
    r = browser.submit("/account", {}, action="/account/calendar")
    assert r.status_code == 302 and r.headers["Location"] == "/account#calendar"
    after = browser.get("/account").get_data(as_text=True)
    assert "Calendar address replaced" in after and before not in after
    assert app.test_client().get(urlsplit(before).path).status_code == 404
