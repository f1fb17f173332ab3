"""The visit plan pages: a new plan from the form, the plan read as each engineer's routes
(drives, reasons, unplanned stores in words), drop, move (a misfit said beside the visit),
accept (409 reasons beside each visit), discard; admins only. Plain forms, no JavaScript."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from fieldops.extensions import db
from fieldops.planner import PlanItem, VisitPlan
from fieldops.visits import Visit
from tests.helpers import count
from tests.planner.conftest import north

pytestmark = pytest.mark.usefixtures("now")

PLANS = "/admin/visit-plans"


def items(app: Any) -> dict[str, PlanItem]:
    """The plan items as stored now, by key (store names loaded)."""
    with app.app_context():
        found = {item.key: item for item in db.session.scalars(sa.select(PlanItem))}
        for item in found.values():
            item.store.name, item.engineer.name  # noqa: B018  (load before detaching)
        db.session.expunge_all()
        return found


def visit_block(page: str, key: str) -> str:
    """The part of the plan page about one visit (its <li>)."""
    match = re.search(rf'<li class="stop[^"]*" id="visit-{key}">(.*?)</li>', page, re.S)
    assert match, f"no visit {key} on the page"
    return match[1]


@pytest.fixture
def plan_url(browser_as_admin, stores, engineer) -> str:
    """A week's plan proposed through the form: three overdue stores, one engineer."""
    r = browser_as_admin.submit(PLANS, {"from": "2026-03-05", "days": "7", "include": ["due"]})
    assert r.status_code == 302, r.get_data(as_text=True)
    return r.headers["Location"]


def test_the_form_offers_tomorrow_for_two_weeks_of_due_stores(browser_as_admin, stores):
    page = browser_as_admin.get(PLANS).get_data(as_text=True)

    assert 'name="from" type="date" value="2026-03-05"' in page  # tomorrow in Chicago
    assert 'name="days" type="number" value="14"' in page
    assert re.search(r'value="due" checked', page)
    assert not re.search(r'value="open_issues" checked', page)
    assert '<a href="/admin/visit-plans" aria-current="page">Plans</a>' in page


def test_proposing_from_the_form_opens_the_plan(app, browser_as_admin, plan_url, stores):
    assert re.fullmatch(r"/admin/visit-plans/\d+", plan_url)
    page = browser_as_admin.get(plan_url).get_data(as_text=True)

    assert "Plan " in page and "Nothing is on the calendar until you accept it." in page
    assert count(app, Visit) == 0
    for store in stores:
        assert f'href="/stores/{store.id}">{store.name}</a>' in page
    assert page.count("From base") == len(re.findall(r"<h3>", page))  # each day starts there
    assert re.search(r"≈ \d+ min drive</li>", page) and "min drive home" in page
    assert '<span class="badge reason-overdue">Overdue</span>' in page
    assert re.search(r"\d\d:\d\d–\d\d:\d\d\s*<span class=\"muted small\">CST</span>", page)
    listing = browser_as_admin.get(PLANS).get_data(as_text=True)
    assert f'href="{plan_url}"' in listing


def test_a_bad_request_is_answered_in_words_on_the_form(app, browser_as_admin, stores):
    r = browser_as_admin.submit(PLANS, {"from": "2026-03-05", "days": "29", "include": ["due"]})

    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "Days must be between 1 and 28." in page
    assert 'value="29"' in page  # what was typed stays
    assert count(app, VisitPlan) == 0


def test_unplanned_stores_are_named_with_their_reason(build, browser_as_admin, engineer, stores):
    far = build.store(name="Arctic Motors", **north(2000))
    r = browser_as_admin.submit(PLANS, {"from": "2026-03-05", "days": "7", "include": ["due"]})

    page = browser_as_admin.get(r.headers["Location"]).get_data(as_text=True)

    unplanned = page[page.index("Unplanned stores") :]
    assert f'href="/stores/{far.id}"><strong>Arctic Motors</strong>' in unplanned
    assert "Out of reach: no engineer can drive there and back within a working day." in unplanned


def test_dropping_a_visit_takes_it_off_the_plan(app, browser_as_admin, plan_url):
    r = browser_as_admin.submit(plan_url, {"key": "v2"}, action=f"{plan_url}/drop")

    assert r.status_code == 302 and r.headers["Location"] == plan_url
    page = browser_as_admin.get(plan_url).get_data(as_text=True)
    dropped = items(app)["v2"]
    assert f"Dropped the visit to {dropped.store.name}" in page
    assert 'id="visit-v2"' not in page and 'id="visit-v1"' in page


def test_a_move_that_does_not_fit_says_why_beside_the_visit(app, browser_as_admin, plan_url):
    before = items(app)["v1"]
    saturday = {"key": "v1", "start": "2026-03-07T10:00", "engineer_id": str(before.engineer_id)}

    r = browser_as_admin.submit(plan_url, saturday, action=f"{plan_url}/move")

    assert r.status_code == 422
    page = r.get_data(as_text=True)
    why = f"{before.engineer.name} does not work on Sat 07 Mar."
    assert why in visit_block(page, "v1")
    assert f"Not moved: {before.store.name}: {why}" in page  # the flash, in words
    assert 'value="2026-03-07T10:00"' in page  # what was asked stays in the form
    assert items(app)["v1"].planned_start == before.planned_start


def test_a_fitting_move_is_read_on_the_stores_clock(app, browser_as_admin, plan_url):
    monday = {"key": "v3", "start": "2026-03-09T13:00"}  # 13:00 CDT (after the change)

    r = browser_as_admin.submit(plan_url, monday, action=f"{plan_url}/move")

    assert r.status_code == 302, r.get_data(as_text=True)
    moved = items(app)["v3"]
    assert moved.planned_start == datetime(2026, 3, 9, 18, 0, tzinfo=UTC)
    page = browser_as_admin.get(plan_url).get_data(as_text=True)
    assert "Monday 09 March" in page
    assert re.search(r"13:00–15:00\s*<span class=\"muted small\">CDT</span>", page)


def test_an_unreadable_start_is_refused_in_words(app, browser_as_admin, plan_url):
    r = browser_as_admin.submit(plan_url, {"key": "v1", "start": "soon"}, action=f"{plan_url}/move")

    assert r.status_code == 422
    assert "Give the new start as a date and a time." in r.get_data(as_text=True)


def test_accepting_all_puts_the_visits_on_the_calendar(app, browser_as_admin, plan_url):
    r = browser_as_admin.submit(plan_url, {"scope": "all"}, action=f"{plan_url}/accept")

    assert r.status_code == 302
    assert count(app, Visit) == 3
    page = browser_as_admin.get(plan_url).get_data(as_text=True)
    assert "3 visits accepted" in page
    assert '<span class="badge plan-accepted">Accepted</span>' in page
    for item in items(app).values():
        assert f'href="/visits/{item.visit_id}">Open the visit</a>' in visit_block(page, item.key)
    assert 'action="/admin/visit-plans/' not in page.split("<h1>")[1]  # nothing left to do


def test_accepting_the_ticked_visits_leaves_the_rest_proposed(app, browser_as_admin, plan_url):
    ticked = {"scope": "selected", "keys": ["v1", "v3"]}
    r = browser_as_admin.submit(plan_url, ticked, action=f"{plan_url}/accept")

    assert r.status_code == 302
    assert {key: item.state.value for key, item in items(app).items()} == {
        "v1": "accepted",
        "v2": "proposed",
        "v3": "accepted",
    }
    none = browser_as_admin.submit(plan_url, {"scope": "selected"}, action=f"{plan_url}/accept")
    assert none.status_code == 422
    assert "Tick the visits to accept first" in none.get_data(as_text=True)


def test_what_no_longer_fits_is_said_beside_each_visit(
    app, build, browser_as_admin, plan_url, engineer, stores
):
    first = items(app)["v1"]
    build.visit(stores[0], engineer, first.planned_start + timedelta(minutes=30))

    r = browser_as_admin.submit(plan_url, {"scope": "all"}, action=f"{plan_url}/accept")

    assert r.status_code == 409
    page = r.get_data(as_text=True)
    assert "Nothing was accepted." in page
    assert f"Overlaps another visit of {engineer.name}." in visit_block(page, "v1")
    assert "Already on the calendar" in page  # the visit in the way is on the route
    assert count(app, Visit) == 1


def test_a_discarded_plan_offers_no_more_actions(app, browser_as_admin, plan_url):
    r = browser_as_admin.submit(plan_url, {}, action=f"{plan_url}/discard")

    assert r.status_code == 302
    page = browser_as_admin.get(plan_url).get_data(as_text=True)
    assert "discarded." in page and '<span class="badge plan-discarded">Discarded</span>' in page
    assert "Accept all" not in page and "Move or drop" not in page
    again = browser_as_admin.submit(PLANS, {"scope": "all"}, action=f"{plan_url}/accept")
    assert again.status_code == 409 and "This plan is discarded." in again.get_data(as_text=True)


@pytest.mark.parametrize("who", ["browser_as_engineer", "browser_as_cio", "browser_as_manager"])
def test_only_admins_see_or_change_plans(request, plan_url, who):
    other = request.getfixturevalue(who)

    assert other.get(PLANS).status_code == 403
    assert other.get(plan_url).status_code == 403
    token_page = "/account"
    for action in ("accept", "drop", "move", "discard"):
        r = other.submit(token_page, {"scope": "all", "key": "v1"}, action=f"{plan_url}/{action}")
        assert r.status_code == 403
    assert 'href="/admin/visit-plans"' not in other.get(token_page).get_data(as_text=True)
