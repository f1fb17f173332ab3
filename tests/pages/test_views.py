"""Every page renders for the roles that may see it, and forms work without JavaScript."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest

from fieldops.extensions import db
from fieldops.issues.models import Issue
from fieldops.visits.models import Visit
from tests.helpers import image_bytes


def test_sign_in_page_and_bad_password(browser, build):
    user = build.user("engineer")
    assert browser.get("/login").status_code == 200
    r = browser.submit("/login", {"email": user.email, "password": "wrong password"})
    assert r.status_code == 401
    assert "The email or password is not correct." in r.get_data(as_text=True)


def test_pages_need_sign_in(browser):
    r = browser.get("/today")
    assert r.status_code == 302 and "/login?next=" in r.headers["Location"]


def test_next_only_redirects_within_the_site(browser, build):
    user = build.user("engineer")
    r = browser.submit(
        "/login", {"email": user.email, "password": build.PASSWORD, "next": "https://evil.example/"}
    )
    assert r.headers["Location"] == "/"
    browser2 = type(browser)(browser.client.application)
    r = browser2.submit("/login?next=/stores", {"email": user.email, "password": build.PASSWORD})
    assert r.headers["Location"] == "/stores"


@pytest.mark.parametrize(
    ("role", "home"),
    [
        ("engineer", "/today"),
        ("manager", "/my-store"),
        ("cio", "/overview"),
        ("admin", "/overview"),
    ],
)
def test_each_role_starts_on_its_page(signed_in, build, role, home):
    page = signed_in(build.user(role)).get("/")
    assert page.status_code == 302 and page.headers["Location"] == home


def test_engineer_day_check_in_and_out(signed_in, build, now, app):
    store = build.store(name="Northside Toyota")
    engineer = build.user("engineer")
    visit = build.visit(store, engineer, datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    b = signed_in(engineer)
    today = b.get("/today").get_data(as_text=True)
    assert "Northside Toyota" in today and "10:00" in today  # 16:00 UTC is 10:00 in Chicago
    r = b.submit(
        "/today",
        {"latitude": "41.8781", "longitude": "-87.6298", "accuracy_m": "12"},
        action=f"/visits/{visit.id}/check-in",
    )
    assert r.status_code == 302
    page = b.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert "Check out" in page
    r = b.submit(f"/visits/{visit.id}", {"summary": ""}, action=f"/visits/{visit.id}/check-out")
    assert r.status_code == 422 and "summary-error" in r.get_data(as_text=True)
    r = b.submit(
        f"/visits/{visit.id}",
        {"summary": "Replaced the AP", "departments_met": "sales"},
        action=f"/visits/{visit.id}/check-out",
    )
    assert r.status_code == 302
    with app.app_context():
        done = db.session.get(Visit, visit.id)
        assert done.status == "completed" and done.departments_met == ["sales"]
        assert done.distance_m is not None and done.far_from_store is False


def test_observation_form_names_the_bad_field(signed_in, build):
    store = build.store()
    b = signed_in(build.user("engineer"))
    url = f"/observations/new?store_id={store.id}&category=wifi"
    assert b.get(url).status_code == 200
    r = b.submit(url, {"zone": "Showroom", "rssi_dbm": "-150"})
    assert r.status_code == 422
    assert "Must be greater than or equal to -120" in r.get_data(as_text=True)
    r = b.submit(url, {"zone": "Showroom", "rssi_dbm": "-67", "download_mbps": "48.5"})
    assert r.status_code == 302


def test_manager_files_and_closes_an_issue(signed_in, build, app):
    store = build.store(name="Lakeside Ford")
    manager = build.user("manager", stores=[store])
    b = signed_in(manager)
    assert b.get("/my-store").headers["Location"] == f"/stores/{store.id}"
    r = b.submit(
        "/issues/new",
        {
            "store_id": store.id,
            "category": "paperwork",
            "severity": "medium",
            "title": "Printer jams on contracts",
        },
    )
    assert r.status_code == 302
    issue_id = int(r.headers["Location"].rsplit("/", 1)[1])
    r = b.submit(
        f"/issues/{issue_id}",
        {"body": "Still jamming today"},
        action=f"/issues/{issue_id}/comments",
    )
    assert r.status_code == 302
    r = b.submit(
        f"/issues/{issue_id}",
        {"status": "closed", "version": "1"},
        action=f"/issues/{issue_id}/update",
    )
    assert r.status_code == 302
    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        assert issue.status == "closed"
        assert [e.field for e in issue.events] == ["created", "comment", "status"]


def test_manager_cannot_open_another_store(signed_in, build):
    mine, other = build.store(), build.store()
    b = signed_in(build.user("manager", stores=[mine]))
    assert b.get(f"/stores/{other.id}").status_code == 404
    assert b.get(f"/stores/{mine.id}").status_code == 200


def test_admin_pages_render(signed_in, build):
    store = build.store()
    engineer = build.user("engineer")
    visit = build.visit(store, engineer)
    b = signed_in(build.user("admin"))
    for url in [
        "/overview",
        "/visits",
        "/visits/new",
        f"/visits/{visit.id}/edit",
        "/stores",
        "/stores/new",
        f"/stores/{store.id}/edit",
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{engineer.id}/edit",
        "/admin/tokens",
        "/issues",
        "/account",
    ]:
        assert b.get(url).status_code == 200, url


def test_admin_creates_store_with_hours_after_midnight(signed_in, build):
    b = signed_in(build.user("admin"))
    r = b.submit(
        "/stores/new",
        {
            "code": "NITE",
            "name": "Night Owl Motors",
            "timezone": "America/Denver",
            "kind": "dealership",
            "opens_4": "10:00",
            "closes_4": "01:00",
            "active": "true",
            "exceptions": "2026-12-25 closed Christmas",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "10:00–01:00" in page and "+1 day" in page


def test_admin_store_form_shows_errors_next_to_fields(signed_in, build):
    b = signed_in(build.user("admin"))
    r = b.submit("/stores/new", {"code": "X1", "name": "X", "timezone": "Mars/Olympus"})
    assert r.status_code == 422
    assert "Unknown time zone" in r.get_data(as_text=True)


def test_admin_plans_a_visit_in_store_local_time(signed_in, build, app):
    store = build.store(timezone="America/Los_Angeles")
    engineer = build.user("engineer")
    b = signed_in(build.user("admin"))
    r = b.submit(
        "/visits/new",
        {
            "store_id": store.id,
            "engineer_id": engineer.id,
            "day": "2026-03-10",
            "start": "09:30",
            "end": "11:00",
        },
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    with app.app_context():
        visit = db.session.scalars(db.select(Visit)).one()
        assert visit.planned_start == datetime(2026, 3, 10, 16, 30, tzinfo=UTC)  # PDT, UTC-7


def test_admin_creates_a_token_shown_once(signed_in, build):
    engineer = build.user("engineer")
    b = signed_in(build.user("admin"))
    r = b.submit("/admin/tokens", {"name": "Door counter", "user_id": engineer.id})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "fo_" in html and "shown only once" in html
    assert "shown only once" not in b.get("/admin/tokens").get_data(as_text=True)


def test_cio_cannot_reach_admin_forms(signed_in, build):
    b = signed_in(build.user("cio"))
    assert b.get("/overview").status_code == 200
    assert b.get("/stores/new").status_code == 403
    assert b.get("/admin/users/new").status_code == 403


def test_manifest_and_icons(browser):
    with browser.get("/static/manifest.webmanifest") as response:
        manifest = response.get_json(force=True)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        with browser.get(icon["src"]) as response:
            assert response.status_code == 200 and response.mimetype == "image/png"


def test_audit_log_shows_admin_actions(signed_in, build):
    b = signed_in(build.user("admin", name="Ada Admin"))
    b.submit("/stores/new", {"code": "AUD1", "name": "Audit Motors", "timezone": "America/Chicago"})
    page = b.get("/admin/audit").get_data(as_text=True)
    assert "store.created" in page and "Ada Admin" in page
    assert signed_in(build.user("cio")).get("/admin/audit").status_code == 403


def test_manager_files_an_issue_with_a_photo(signed_in, build, app):
    store = build.store()
    b = signed_in(build.user("manager", stores=[store]))
    fields = {
        "store_id": store.id,
        "category": "hardware",
        "severity": "high",
        "title": "Card reader dead",
    }
    r = b.submit(
        "/issues/new",
        {**fields, "photo": (io.BytesIO(b"not an image"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "Must be a JPEG, PNG or WebP image." in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Issue)) == 0
    r = b.submit(
        "/issues/new",
        {**fields, "photo": (io.BytesIO(image_bytes("PNG")), "x.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "/api/photos/" in page and "/thumbnail" in page
