"""The overview's CIO visits (issue 14): stores overdue and due soon for the CIO's own visit,
against their leadership cadence, for the CIO and admins; counted live, snapshot or not."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from fieldops.visits.models import VisitStatus
from tests.coverage.helpers import run

# NOW: Wednesday 2026-03-04 15:00 UTC.


def done(build, store, person, now, days_ago: int) -> None:
    at = now - timedelta(days=days_ago)
    build.visit(
        store, person, at - timedelta(hours=2), status=VisitStatus.COMPLETED, checked_out_at=at
    )


@pytest.fixture
def dealerships(build, world, now):
    """Overdue (one CIO visit of two), due on 19 March (his only visit ages out), visited
    recently, and a store that asks for no CIO visit (never listed, though never visited)."""
    cio = world.cio
    overdue = build.store(name="Once Motors", leadership_cadence_per_year=2)
    done(build, overdue, cio, now, 100)
    build.visit(overdue, cio, now + timedelta(days=5))  # planned: 09 Mar
    due = build.store(name="Ageing Motors", leadership_cadence_per_year=1)
    done(build, due, cio, now, 350)
    build.visit(due, world.engineer, now + timedelta(days=2))  # an engineer's: does not save it
    fine = build.store(name="Recent Motors", leadership_cadence_per_year=1)
    done(build, fine, cio, now, 10)
    build.store(name="Quiet Motors")
    return overdue, due, fine


def section(page: str) -> str:
    return page.split('id="leadership"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("role", ["cio", "admin"])
@pytest.mark.parametrize("snapshot", [False, True], ids=["live", "with a snapshot"])
def test_the_overview_lists_stores_overdue_and_due_for_the_cios_visit(
    app, signed_in, world, dealerships, now, role, snapshot
):
    if snapshot:
        run(app, now)
    page = signed_in(getattr(world, role)).get("/overview").get_data(as_text=True)
    tile = re.search(r'"figure">(\d+)</div><div class="label">stores? overdue for the CIO', page)
    assert tile.group(1) == "1"
    assert "1 due within 30 days (2 of 3 visited as often as their leadership cadence" in page
    rows = section(page)
    assert re.search(
        r"Once Motors</a> <span class=\"badge warn\">overdue</span></td>"
        r"<td class=\"num\">1 of 2</td><td>24 Nov 2025</td><td>09 Mar</td>",
        rows,
    )
    # his last visit; none of his planned (the engineer's planned visit does not count)
    assert (
        'Ageing Motors</a> <span class="badge medium">due 19 Mar</span></td>'
        '<td class="num">1 of 1</td><td>19 Mar 2025</td><td>none</td>'
    ) in rows
    assert "Recent Motors" not in rows and "Quiet Motors" not in rows


def test_no_section_where_no_store_asks_for_the_cios_visits(build, world, now, browser_as_cio):
    done(build, build.store(name="Quiet Motors"), world.cio, now, 10)
    page = browser_as_cio.get("/overview").get_data(as_text=True)
    assert 'id="leadership"' not in page and "overdue for the CIO" not in page


def test_the_engineers_lists_ignore_the_cios_visits(build, world, now, browser_as_cio):
    store = build.store(name="Led Motors", cadence_per_year=1, leadership_cadence_per_year=1)
    done(build, store, world.cio, now, 20)
    page = browser_as_cio.get("/overview").get_data(as_text=True)
    engineers = page.split('class="card o-visits"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"Led Motors</a> <span class=\"badge warn\">overdue</span>.*?never", engineers)
    assert "Led Motors" not in section(page)  # his visit meets his cadence
