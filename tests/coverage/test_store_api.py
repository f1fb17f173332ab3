"""/api/stores/<id>/coverage: one store's coverage, the same as its row of /api/coverage."""

from __future__ import annotations

from datetime import time
from functools import partial

import pytest

from fieldops.shifts.models import ShiftKind
from tests.coverage import helpers
from tests.coverage.test_api import learn

# NOW: Wednesday 2026-03-04 15:00 UTC. The US clocks go forward on Sunday 2026-03-08.
ACROSS_DST = "from=2026-03-05&days=7"

add_shift = partial(helpers.add_shift, kind=ShiftKind.REMOTE)


def row(client, query: str, code: str) -> dict:
    body = client.get(f"/api/coverage?{query}&per_page=500").get_json()
    return next(i for i in body["items"] if i["code"] == code)


@pytest.mark.parametrize("query", ["", ACROSS_DST, "from=2026-03-01&days=1"])
def test_a_store_answers_its_row_of_the_coverage_list(now, app, build, as_cio, query):
    chicago = build.store(code="CHI", region="West")
    seattle = build.store(code="SEA", region="West", timezone="America/Los_Angeles")
    learn(app, seattle, {4: (time(9), time(21, 30)), 6: None})
    add_shift(app, region="West", timezone="America/Phoenix", start=time(7), end=time(19))
    add_shift(app, stores=[chicago], weekdays=[5], start=time(10), end=time(14))
    for store in (chicago, seattle):
        alone = as_cio.get(f"/api/stores/{store.id}/coverage?{query}")
        assert alone.status_code == 200
        assert alone.get_json() == row(as_cio, query, store.code)


def test_gaps_are_in_the_store_s_local_time_across_the_dst_change(now, app, build, as_engineer):
    # Seattle store, posted Mon-Sat 09:00-20:00 Pacific; support 07:00-19:00 Phoenix (no DST),
    # which is 06:00-18:00 Pacific before Sunday 8 March and 07:00-19:00 after.
    store = build.store(code="SEA", region="West", timezone="America/Los_Angeles")
    add_shift(app, region="West", timezone="America/Phoenix", weekdays=list(range(7)),
              start=time(7), end=time(19))  # fmt: skip
    body = as_engineer.get(f"/api/stores/{store.id}/coverage?{ACROSS_DST}").get_json()
    gaps = [(g["start"], g["end"], g["minutes"]) for g in body["posted"]["gaps"]]
    assert gaps[0] == ("2026-03-05T18:00:00-08:00", "2026-03-05T20:00:00-08:00", 120)
    assert ("2026-03-07T18:00:00-08:00", "2026-03-07T20:00:00-08:00", 120) in gaps  # Sat
    assert ("2026-03-09T19:00:00-07:00", "2026-03-09T20:00:00-07:00", 60) in gaps  # Mon, PDT
    assert len(gaps) == 6  # Thu-Sat and Mon-Wed (closed on Sunday)
    assert body["posted"]["customer_minutes"] == 6 * 660
    assert body["posted"]["covered_minutes"] == 6 * 660 - 3 * 120 - 3 * 60
    assert (body["from"], body["days"]) == ("2026-03-05", 7)
    assert body["timezone"] == "America/Los_Angeles"


@pytest.mark.parametrize("role", ["admin", "cio", "engineer", "manager"])
def test_everyone_who_sees_the_store_reads_its_coverage(now, login, world, role):
    client = login(getattr(world, role))
    r = client.get(f"/api/stores/{world.store.id}/coverage")
    assert r.status_code == 200
    assert set(r.get_json()) >= {"real", "posted", "store_id", "from", "days", "visits"}
    assert set(r.get_json()["real"]) == {"customer_minutes", "covered_minutes", "percent", "gaps"}


def test_another_manager_s_store_and_an_unknown_store_answer_404(now, world, login, api):
    manager = login(world.manager)
    assert manager.get(f"/api/stores/{world.other_store.id}/coverage").status_code == 404
    assert login(world.admin).get("/api/stores/999999/coverage").status_code == 404
    assert api.get(f"/api/stores/{world.store.id}/coverage").status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [("from=2026-02-30", "from"), ("days=0", "days"), ("days=367", "days"), ("days=x", "days")],
)
def test_bad_arguments_answer_422_naming_the_field(now, world, as_engineer, query, field):
    r = as_engineer.get(f"/api/stores/{world.store.id}/coverage?{query}")
    assert r.status_code == 422
    assert field in r.get_json()["errors"]


def test_the_openapi_document_describes_it(api):
    spec = api.get("/api/openapi.json").get_json()
    get = spec["paths"]["/api/stores/{store_id}/coverage"]["get"]
    assert {p["name"] for p in get["parameters"] if p["in"] == "query"} == {"from", "days"}
    assert get["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StoreCoverage"
    }
