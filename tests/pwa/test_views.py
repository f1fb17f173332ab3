"""The server side of the offline app, without a browser (these always run).

/sw.js, /offline and /outbox, the shell's version, the pages the Today page lists for
the phone to save, and the manager's close-out form (which works without JavaScript).
"""

from __future__ import annotations

import html
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.hours.models import Closeout
from fieldops.issues.models import IssueStatus
from fieldops.pwa.shell import STATIC_FILES, TEMPLATES, build_shell

ROOT = Path(__file__).resolve().parents[2]


def test_the_service_worker_is_served_at_the_root_uncached(browser, app):
    answer = browser.get("/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"
    body = answer.get_data(as_text=True)
    version = app.extensions["fieldops.shell"].version
    assert f'const VERSION = "{version}";' in body
    assert '"/offline"' in body and '"/static/css/app.css"' in body
    assert 'importScripts("/static/js/outbox.js")' in body


def test_a_change_to_any_shell_file_changes_the_version(tmp_path):
    static, templates = tmp_path / "static", tmp_path / "templates"
    shutil.copytree(ROOT / "static", static)
    shutil.copytree(ROOT / "templates", templates)
    app = SimpleNamespace(static_folder=str(static), template_folder=str(templates))
    app.static_url_path = "/static"
    before = build_shell(app)
    assert before == build_shell(app)  # the same files, the same version
    for name, folder in [(STATIC_FILES[0], static), (TEMPLATES[0], templates)]:
        path = folder / name
        path.write_bytes(path.read_bytes() + b"\n")
        assert build_shell(app).version != before.version
        before = build_shell(app)


def test_the_shell_pages_need_no_session_and_carry_no_stamp(browser):
    for url, text in [("/offline", "not saved on this phone"), ("/outbox", "Waiting to sync")]:
        answer = browser.get(url)
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200 and text in page
        assert 'name="rendered-at"' not in page and 'name="fieldops-user"' not in page


def offline_pages(page: str) -> list[str]:
    found = re.search(r'<meta name="offline-pages" content="([^"]*)">', page)
    return html.unescape(found[1]).split() if found else []


def test_today_lists_tomorrow_and_the_pages_to_save(signed_in, build, now):
    store = build.store(name="Northside Toyota")
    other = build.store(name="Lakeside Ford")
    engineer = build.user("engineer")
    today = build.visit(store, engineer, datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    tomorrow = build.visit(other, engineer, datetime(2026, 3, 5, 16, 0, tzinfo=UTC))
    later = build.visit(store, engineer, datetime(2026, 3, 7, 16, 0, tzinfo=UTC))
    issue = build.issue(other, engineer)
    page = signed_in(engineer).get("/today").get_data(as_text=True)
    head, tomorrow_part = page.split("<h2>Tomorrow</h2>")
    tomorrow_part, coming = tomorrow_part.split("<h2>Coming days</h2>")
    assert "Lakeside Ford" in tomorrow_part and "Lakeside Ford" not in coming
    assert f"/visits/{later.id}" in coming and f"/visits/{tomorrow.id}" not in coming
    assert "check-in" not in tomorrow_part  # checking in is for today's visits
    assert f'name="rendered-at" content="{now.isoformat()}"' in head
    listed = offline_pages(head)
    expected = {
        "/",
        "/today",
        f"/visits/{today.id}",
        f"/visits/{tomorrow.id}",
        f"/stores/{store.id}",
        f"/stores/{other.id}",
        f"/issues/new?store_id={store.id}",
        f"/issues/new?store_id={other.id}",
        f"/issues/{issue.id}",
        f"/observations/new?store_id={store.id}&visit_id={today.id}",
        f"/observations/new?store_id={store.id}&visit_id={today.id}&category=wifi",
        f"/observations/new?store_id={other.id}&visit_id={tomorrow.id}&category=hours",
    }
    assert expected <= set(listed)
    assert f"/visits/{later.id}" not in listed


def test_the_store_page_lists_the_managers_pages_newest_issues_first(signed_in, build, now):
    store = build.store(name="Northside Toyota")
    manager = build.user("manager", stores=[store])
    issues = [
        build.issue(
            store, manager, created_at=datetime(2026, 3, 1, tzinfo=UTC) + timedelta(hours=n)
        )
        for n in range(12)
    ]
    build.issue(
        store, manager, status=IssueStatus.CLOSED, created_at=datetime(2026, 3, 4, tzinfo=UTC)
    )
    listed = offline_pages(signed_in(manager).get(f"/stores/{store.id}").get_data(as_text=True))
    newest = [f"/issues/{issue.id}" for issue in reversed(issues)][:10]
    assert listed == [
        "/",
        "/my-store",
        f"/stores/{store.id}",
        f"/issues/new?store_id={store.id}",
        *newest,
    ]
    engineer = build.user("engineer")
    assert (
        offline_pages(signed_in(engineer).get(f"/stores/{store.id}").get_data(as_text=True)) == []
    )


def test_the_forms_say_how_to_queue_them(signed_in, build, now):
    store = build.store(name="Northside Toyota")
    engineer = build.user("engineer")
    visit = build.visit(store, engineer, datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    b = signed_in(engineer)
    today = b.get("/today").get_data(as_text=True)
    assert f'data-outbox="check_in" data-outbox-ids="visit_id:{visit.id}"' in today
    form = b.get(
        f"/observations/new?store_id={store.id}&visit_id={visit.id}&category=wifi"
    ).get_data(as_text=True)
    assert f'data-outbox-ids="store_id:{store.id} visit_id:{visit.id} category:wifi"' in form
    assert f'data-outbox-next="/visits/{visit.id}"' in form and "data-outbox-fields" in form


def test_the_manager_sends_the_close_out_without_javascript(signed_in, build, app, time_machine):
    time_machine.move_to(datetime(2026, 3, 5, 3, 40, tzinfo=UTC), tick=False)  # 21:40 Chicago
    store = build.store(name="Westside Honda")
    manager = build.user("manager", stores=[store])
    b = signed_in(manager)
    page = b.get(f"/stores/{store.id}").get_data(as_text=True)
    assert "Last customer just left" in page and 'data-outbox="closeout"' in page
    answer = b.submit(f"/stores/{store.id}", {}, action=f"/stores/{store.id}/closeout")
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/stores/{store.id}#closeout"
    shown = b.get(f"/stores/{store.id}").get_data(as_text=True)
    assert "the last customer left at 21:40 on Wed 04 Mar" in shown
    answer = b.submit(
        f"/stores/{store.id}", {"last_customer_at": "25:99"}, action=f"/stores/{store.id}/closeout"
    )
    assert answer.status_code == 422  # the page again, the field named, the time kept
    refused = answer.get_data(as_text=True)
    field = refused[refused.index('id="f-last_customer_at"') :][:400]
    assert 'value="25:99"' in field and 'aria-invalid="true"' in field
    error = refused[refused.index('id="last_customer_at-error"') :][:200]
    assert "Last customer left at must be a time (HH:MM)." in error
    with app.app_context():
        [closeout] = db.session.scalars(sa.select(Closeout)).all()
        assert closeout.business_date.isoformat() == "2026-03-04"
        assert closeout.last_customer_at.strftime("%H:%M") == "21:40"


def test_only_managers_of_the_store_send_its_close_out(signed_in, build, now):
    store = build.store()
    engineer = build.user("engineer")
    page = signed_in(engineer).get(f"/stores/{store.id}").get_data(as_text=True)
    assert "Last customer just left" not in page
    answer = signed_in(engineer).submit("/account", {}, action=f"/stores/{store.id}/closeout")
    assert answer.status_code == 403
    stranger = build.user("manager", stores=[build.store()])
    answer = signed_in(stranger).submit("/account", {}, action=f"/stores/{store.id}/closeout")
    assert answer.status_code == 404


def test_manifest_and_icons(browser):
    with browser.get("/static/manifest.webmanifest") as response:
        manifest = response.get_json(force=True)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        with browser.get(icon["src"]) as response:
            assert response.status_code == 200 and response.mimetype == "image/png"


def test_the_manifest_names_the_app_and_its_scope(browser):
    with browser.get("/static/manifest.webmanifest") as answer:
        manifest = answer.get_json(force=True)
    assert manifest["id"] == manifest["scope"] == manifest["start_url"] == "/"
    assert manifest["short_name"] == "FieldOps" and manifest["theme_color"] == "#0b3a6f"


def test_the_tomorrow_visit_is_tomorrow_in_the_store_zone(signed_in, build, time_machine):
    # 05:30 UTC on the 5th is still the 4th in Los Angeles: "tomorrow" there is the 5th.
    time_machine.move_to(datetime(2026, 3, 5, 5, 30, tzinfo=UTC), tick=False)
    store = build.store(name="Pacific Kia", timezone="America/Los_Angeles")
    engineer = build.user("engineer")
    build.visit(store, engineer, datetime(2026, 3, 5, 18, 0, tzinfo=UTC))  # 10:00 on the 5th
    page = signed_in(engineer).get("/today").get_data(as_text=True)
    tomorrow = page.split("<h2>Tomorrow</h2>")[1].split("<h2>Coming days</h2>")[0]
    assert "Pacific Kia" in tomorrow
