"""Times, zones and names as people read them (issue 11, item 8).

Every time shown carries its zone's abbreviation: a store's records in the store's zone
(CST in winter, CDT in summer), the rest in the reader's zone (their own, else the
FIELDOPS_DEFAULT_TIMEZONE setting). Zones read "Central (Chicago)", observation fields as
labelled on the form, and the audit log names people and stores.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from fieldops.audit import recent_events, record
from fieldops.auth import User, user_zone
from fieldops.clock import zone_label
from fieldops.extensions import db
from fieldops.issues import IssueComment
from fieldops.users.audit_log import audit_lines

pytestmark = pytest.mark.usefixtures("now")

SUMMER = datetime(2026, 7, 15, 17, 0, tzinfo=UTC)  # 12:00 CDT in Chicago
WINTER = datetime(2026, 1, 15, 18, 0, tzinfo=UTC)  # 12:00 CST in Chicago


def html(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


# --- zones as people say them ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("America/Chicago", "Central (Chicago)"),
        ("America/New_York", "Eastern (New York)"),
        ("America/Los_Angeles", "Pacific (Los Angeles)"),
        ("Pacific/Honolulu", "Hawaii (Honolulu)"),
        ("Europe/Berlin", "Berlin (Europe)"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires (America, Argentina)"),
        ("UTC", "UTC"),
    ],
)
def test_zones_read_as_people_say_them(name, said):
    assert zone_label(name) == said


def test_a_user_without_a_zone_reads_times_in_the_default_setting(app, build):
    plain, denver = build.user(), build.user(timezone="America/Denver")
    with app.app_context():
        assert user_zone(plain) == app.config["DEFAULT_TIMEZONE"] == "America/Chicago"
        assert user_zone(denver) == "America/Denver"
        assert user_zone(None) == "America/Chicago"  # nobody signed in


def test_zone_selects_name_zones_as_people_say_them(world, signed_in):
    admin = signed_in(world.admin)
    for url in ["/stores/new", f"/admin/users/{world.engineer.id}/edit", "/account"]:
        page = html(admin.get(url))
        assert ">Central (Chicago)</option>" in page and ">America/Chicago<" not in page, url


# --- the user's zone: API, account page, admin form ------------------------------------


def test_admin_sets_and_clears_a_users_zone_through_the_api(world, as_admin):
    url = f"/api/users/{world.engineer.id}"
    assert as_admin.get(url).get_json()["timezone"] is None  # the default
    r = as_admin.patch(url, json={"timezone": "Pacific/Honolulu"})
    assert r.status_code == 200 and r.get_json()["timezone"] == "Pacific/Honolulu"
    assert as_admin.patch(url, json={"timezone": None}).get_json()["timezone"] is None


def test_an_unknown_zone_is_refused_with_a_clear_message(world, as_admin):
    r = as_admin.patch(f"/api/users/{world.engineer.id}", json={"timezone": "Central Time"})
    assert r.status_code == 422
    assert "Unknown time zone 'Central Time'" in str(r.get_json())
    r = as_admin.post(
        "/api/users",
        json={
            "email": "new@example.test",
            "name": "New Person",
            "role": "engineer",
            "password": "a long enough passphrase",
            "timezone": "Mars/Olympus",
        },
    )
    assert r.status_code == 422 and "IANA name" in str(r.get_json())


def test_people_set_their_own_zone_through_the_api(world, as_engineer):
    r = as_engineer.patch("/api/me", json={"timezone": "America/Denver"})
    assert r.status_code == 200 and r.get_json()["timezone"] == "America/Denver"
    assert as_engineer.get("/api/me").get_json()["timezone"] == "America/Denver"
    assert as_engineer.patch("/api/me", json={"timezone": "Denver"}).status_code == 422


def test_people_set_their_own_zone_on_the_account_page(app, world, signed_in):
    b = signed_in(world.engineer)
    r = b.submit("/account", {"timezone": "Pacific/Honolulu"}, action="/account/timezone")
    assert r.status_code == 302
    page = html(b.get("/account"))
    assert '<option value="Pacific/Honolulu" selected>Hawaii (Honolulu)</option>' in page
    assert "HST" in page  # the sessions' times, now in Honolulu time
    r = b.submit("/account", {"timezone": "Nowhere/Land"}, action="/account/timezone")
    assert r.status_code == 422 and "Unknown time zone" in r.get_data(as_text=True)
    b.submit("/account", {"timezone": ""}, action="/account/timezone")  # back to the default
    with app.app_context():
        assert db.session.get(User, world.engineer.id).timezone is None


def test_admin_edits_a_users_zone_on_the_user_form(app, world, signed_in):
    admin, engineer = signed_in(world.admin), world.engineer
    url = f"/admin/users/{engineer.id}/edit"
    form = {"name": engineer.name, "email": engineer.email, "role": "engineer", "active": "y"}
    assert admin.submit(url, {**form, "timezone": "America/New_York"}).status_code == 302
    with app.app_context():
        assert db.session.get(User, engineer.id).timezone == "America/New_York"
    assert "Eastern (New York)" in html(admin.get("/admin/users"))
    r = admin.submit(url, {**form, "timezone": "Eastern"})
    assert r.status_code == 422 and "Unknown time zone" in r.get_data(as_text=True)


# --- times in the right zone, with the abbreviation ------------------------------------


def test_a_stores_records_read_in_its_zone_summer_and_winter(build, world, signed_in):
    store = world.store  # Chicago
    build.observation(store, world.engineer, observed_at=SUMMER)
    build.observation(store, world.engineer, observed_at=WINTER)
    admin_in_honolulu = signed_in(build.user("admin", timezone="Pacific/Honolulu"))
    page = html(admin_in_honolulu.get(f"/stores/{store.id}"))
    assert "Wed 15 Jul 2026, 12:00 CDT" in page and "Thu 15 Jan 2026, 12:00 CST" in page
    assert "HST" not in page  # the reader's zone does not move a store's records
    assert "Central (Chicago)" in page


def test_issue_comments_read_in_the_stores_zone(app, build, world, signed_in):
    hawaii = build.store(name="Aloha Motors", timezone="Pacific/Honolulu")
    issue = build.issue(hawaii, world.admin, created_at=WINTER)
    with app.app_context():
        db.session.add(
            IssueComment(
                issue_id=issue.id, author_id=world.admin.id, body="On it", created_at=SUMMER
            )
        )
        db.session.commit()
    page = html(signed_in(world.admin).get(f"/issues/{issue.id}"))
    assert "Thu 15 Jan 2026, 08:00 HST" in page and "Wed 15 Jul 2026, 07:00 HST" in page


def test_the_issues_list_reads_in_order_when_its_stores_span_zones(build, world, signed_in):
    chicago = world.store
    hawaii = build.store(name="Aloha Motors", timezone="Pacific/Honolulu")
    build.issue(chicago, world.admin, title="Earlier, Chicago", created_at=WINTER)
    build.issue(hawaii, world.admin, title="Later, Honolulu", created_at=SUMMER)
    reader = signed_in(build.user("admin", timezone="America/New_York"))
    page = html(reader.get("/issues?status=all"))
    later, earlier = "Wed 15 Jul 2026, 13:00 EDT", "Thu 15 Jan 2026, 13:00 EST"
    assert later in page and earlier in page and page.index(later) < page.index(earlier)
    # One store's list reads in that store's zone.
    page = html(reader.get(f"/issues?status=all&store_id={hawaii.id}"))
    assert "Wed 15 Jul 2026, 07:00 HST" in page


def test_the_audit_log_and_tokens_read_in_the_readers_zone(time_machine, build, world, signed_in):
    reader = build.user("admin", timezone="America/Los_Angeles")
    time_machine.move_to(SUMMER, tick=False)
    token = build.token(world.engineer, name="Door counter")
    b = signed_in(reader)
    b.get("/api/me", headers={"Authorization": f"Bearer {token}"})  # marks the token used
    assert "Wed 15 Jul 2026, 10:00 PDT" in html(b.get("/admin/tokens"))
    page = html(b.get("/admin/audit"))
    assert "2026-07-15 10:00 PDT" in page and "When (Pacific (Los Angeles))" in page


def test_a_visit_shows_check_in_times_with_the_zone(build, world, signed_in):
    visit = build.visit(
        world.store, world.engineer, start=SUMMER, checked_in_at=SUMMER, status="checked_in"
    )
    page = html(signed_in(world.engineer).get(f"/visits/{visit.id}"))
    assert "<dd>12:00 CDT</dd>" in page


# --- observation fields as labelled on the form ----------------------------------------


def test_observation_fields_read_as_labelled_on_the_form(build, world, signed_in):
    visit = build.visit(world.store, world.engineer)
    fields = {"zone": "Showroom", "rssi_dbm": -67, "download_mbps": 48.5}
    build.observation(
        world.store, world.engineer, visit_id=visit.id, category="wifi", fields=fields
    )
    b = signed_in(world.engineer)
    for url in [f"/visits/{visit.id}", f"/stores/{world.store.id}"]:
        page = html(b.get(url))
        assert "Signal (dBm): <strong>-67</strong>" in page, url
        assert "Download (Mbit/s)" in page and "Rssi dbm" not in page, url
    form = html(b.get(f"/observations/new?store_id={world.store.id}&category=wifi"))
    assert ">Signal (dBm)</label>" in form


# --- the audit log names people and stores ---------------------------------------------


def test_the_audit_log_names_people_and_stores(world, as_admin, signed_in):
    r = as_admin.post(
        "/api/visits",
        json={
            "store_id": world.store.id,
            "engineer_id": world.engineer.id,
            "planned_start": "2026-03-10T09:00:00-05:00",
        },
    )
    assert r.status_code == 201
    page = html(signed_in(world.admin).get("/admin/audit?action=visit."))
    assert "store_id" not in page and "engineer_id" not in page
    assert f'<a href="/stores/{world.store.id}">{world.store.name}</a>' in page
    assert f'<a href="/admin/users/{world.engineer.id}/edit">{world.engineer.name}</a>' in page
    assert re.search(r"Engineer: <a [^>]+>" + world.engineer.name, page)
    assert 'data-label="What">Visit planned</td>' in page and "visit.planned" not in page


def test_the_audit_log_names_with_one_query_per_kind(app, build, world):
    stores = [build.store() for _ in range(5)]
    engineer, manager = world.engineer, world.manager  # made before the session writes
    with app.app_context():
        admin = db.session.get(User, world.admin.id)
        for store in stores:
            record(
                admin,
                "visit.planned",
                "visit",
                1,
                now=datetime.now(UTC),
                store_id=store.id,
                engineer_id=engineer.id,
            )
        record(admin, "user.updated", "user", manager.id, now=datetime.now(UTC))
        db.session.flush()
        events = recent_events()
        statements: list[str] = []

        def note(_conn, _cursor, statement, *_rest):
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", note)
        try:
            lines = audit_lines(events)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note)
        assert len(statements) == 2  # users, stores
        named = {d[1].name for line in lines for d in line.details if hasattr(d[1], "name")}
        assert {s.name for s in stores} | {engineer.name} <= named
        db.session.rollback()
