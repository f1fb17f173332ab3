"""Before the first snapshot the dashboard counts visit cadence live, by coverage's one rule
(docs/coverage.md): a completed visit counts at its check-out, or its planned end when it
has no check-out, within the last 365 days, the 365th day included. /overview and
/api/coverage agree (the overview used to count check-outs only, and not the 365th day)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from fieldops.visits.models import VisitStatus

# NOW: Wednesday 2026-03-04 15:00 UTC.
WEEK = "from=2026-03-02&days=7"


def api_visits(client, code: str) -> dict:
    body = client.get(f"/api/coverage?{WEEK}").get_json()
    return next(i for i in body["items"] if i["code"] == code)["visits"]


def live_tiles(browser) -> tuple[str, str]:
    page = browser.get("/overview").get_data(as_text=True)
    assert "No coverage snapshot yet" in page
    meeting = re.search(r"cadence asks \((\d+ of \d+), last 365 days\)", page)
    overdue = re.search(r'"figure">(\d+)</div><div class="label">stores overdue for a visit', page)
    return meeting.group(1), overdue.group(1)


@pytest.mark.parametrize(
    "checked_out",
    [
        pytest.param(None, id="no check-out, planned end 100 days ago"),
        pytest.param(timedelta(days=365), id="checked out exactly 365 days ago"),
    ],
)
def test_the_overview_counts_visits_as_the_coverage_api_does(
    signed_in, login, build, now, checked_out
):
    store = build.store(code="ONE", name="One Visit Motors", cadence_per_year=1)
    ago = checked_out or timedelta(days=100)
    build.visit(
        store,
        build.user("engineer"),
        now - ago - timedelta(hours=2),
        planned_end=now - ago,
        status=VisitStatus.COMPLETED,
        checked_out_at=now - checked_out if checked_out else None,
    )
    cio = build.user("cio")
    visits = api_visits(login(cio), "ONE")
    assert (visits["completed_12m"], visits["overdue"]) == (1, False)
    assert live_tiles(signed_in(cio)) == ("1 of 1", "0")


def test_an_overdue_store_shows_its_last_visit_even_if_older_than_a_year(
    signed_in, login, build, now
):
    store = build.store(code="OLD", name="Old Visit Motors", cadence_per_year=1)
    at = now - timedelta(days=400)
    build.visit(
        store, build.user("engineer"), at - timedelta(hours=2), status=VisitStatus.COMPLETED
    )
    cio = build.user("cio")
    visits = api_visits(login(cio), "OLD")
    assert visits["overdue"] is True and visits["last_visit"].startswith("2025-01-28")
    browser = signed_in(cio)
    assert live_tiles(browser) == ("0 of 1", "1")
    page = browser.get("/overview").get_data(as_text=True)
    assert re.search(r"Old Visit Motors</a>.*?0 of 1</td><td>28 Jan 2025</td>", page)
