"""The store page's "Start a visit now", without JavaScript (the outbox's path is in
tests/browser/test_unplanned.py)."""

from __future__ import annotations

import re

import pytest

from fieldops.visits.models import Visit, VisitStatus
from tests.helpers import count, fetch

pytestmark = pytest.mark.usefixtures("now")

CLIENT_ID = re.compile(r'name="client_id" value="([0-9a-f-]{36})"')


def store_page(browser, store) -> str:
    r = browser.get(f"/stores/{store.id}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def test_an_engineer_starts_a_visit_and_lands_on_it(app, world, browser_as_engineer, now):
    b, store = browser_as_engineer, world.store
    page = store_page(b, store)
    assert "Start a visit now" in page and 'data-outbox="visit_start"' in page
    assert f'data-outbox-label="Visit started: {store.name}"' in page
    client_id = CLIENT_ID.search(page)[1]
    url = f"/stores/{store.id}/start-visit"
    r = b.submit(f"/stores/{store.id}", {"client_id": client_id}, action=url)
    assert r.status_code == 302
    visit_id = int(r.headers["Location"].rsplit("/", 1)[1])
    visit = fetch(app, Visit, visit_id)
    assert visit.unplanned and visit.status == VisitStatus.CHECKED_IN
    assert visit.checked_in_at == now and visit.engineer_id == world.engineer.id
    shown = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "Visit started at Alpha Motors: you are checked in." in shown
    assert "Unplanned" in shown and "Check out" in shown
    # the same form posted again (a double tap, a resend) is the same visit
    again = b.submit(f"/visits/{visit_id}", {"client_id": client_id}, action=url)
    assert again.headers["Location"] == r.headers["Location"]
    assert count(app, Visit) == 1
    # the store page now leads to the open visit instead of offering another
    page = store_page(b, store)
    assert "Start a visit now" not in page and f'href="/visits/{visit_id}"' in page


def test_a_second_start_while_checked_in_says_why(app, world, browser_as_engineer, build):
    b, store = browser_as_engineer, world.store
    open_visit = build.visit(store, world.engineer, status=VisitStatus.CHECKED_IN)
    r = b.submit(
        f"/stores/{world.other_store.id}",  # a page still showing the form
        {"client_id": "6f1c1f0e-0000-4000-8000-000000000001"},
        action=f"/stores/{store.id}/start-visit",
    )
    assert r.status_code == 422
    assert f"already checked in at this store (visit {open_visit.id})" in r.get_data(as_text=True)
    assert count(app, Visit) == 1


@pytest.mark.parametrize("who, form", [("browser_as_manager", ""), ("browser_as_admin", "/edit")])
def test_only_engineers_are_offered_it(request, world, who, form):
    b = request.getfixturevalue(who)
    assert "Start a visit now" not in store_page(b, world.store)
    r = b.submit(
        f"/stores/{world.store.id}{form}",  # a form of theirs, for its CSRF token
        {"client_id": "6f1c1f0e-0000-4000-8000-000000000002"},
        action=f"/stores/{world.store.id}/start-visit",
    )
    assert r.status_code == 403


def test_today_lists_a_visit_started_today(world, browser_as_engineer, as_engineer):
    start = {"store_id": world.store.id, "client_id": "6f1c1f0e-0000-4000-8000-000000000003"}
    assert as_engineer.post("/api/visits/start", json=start).status_code == 201
    today = browser_as_engineer.get("/today").get_data(as_text=True)
    assert "Alpha Motors" in today and "Unplanned" in today
