"""The store page's Support panel: coverage of the next 28 days, the coming week as a strip,
the largest uncovered windows, and the covering shifts for admins and the CIO only."""

from __future__ import annotations

import re
from datetime import time

import pytest

from fieldops.auth.models import User
from fieldops.extensions import db
from fieldops.shifts.models import ShiftKind, SupportShift
from tests.coverage.helpers import add_shift
from tests.coverage.test_api import learn

# NOW: Wednesday 2026-03-04 15:00 UTC (09:00 in Chicago); the next 28 days run to Tue 31 Mar.
# world.store: Chicago, region Midwest, posted Mon-Sat 09:00-20:00.


def panel(browser, store) -> str:
    r = browser.get(f"/stores/{store.id}")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    start = page.index('id="support"')
    return page[start : page.index("</section>", start)]


def staff(app, shift_id: int, *engineers: User) -> None:
    with app.app_context():
        shift = db.session.get(SupportShift, shift_id)
        shift.engineers = [db.session.get(User, e.id) for e in engineers]
        db.session.commit()


@pytest.fixture
def late_fridays(app, world):
    """Customers stay to 21:30 on Fridays; support Mon-Fri 08:00-20:00 Chicago."""
    learn(app, world.store, {4: (time(9), time(21, 30))})
    shift = add_shift(app, region="Midwest", name="Midwest days")
    staff(app, shift, world.engineer)
    return shift


@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_the_panel_shows_figures_and_the_week_without_shift_names(
    now, late_fridays, world, signed_in, role
):
    found = panel(signed_in(getattr(world, role)), world.store)
    # real a week: 4 x 660 + 750 (Fri) + 660 (Sat) = 4050, covered 5 x 660 = 3300
    assert "81.5%" in found and "83.3%" in found  # real, posted (3300 of 3960)
    assert "12.5 h" in found  # 750 real minutes a week uncovered: Fri 90, Sat 660
    assert "Fri 6: real 09:00–21:30 · supported 08:00–20:00 · 1 h 30 min uncovered." in found
    assert "Sat 7: real 09:00–20:00 · no support · 11 h uncovered." in found
    assert "Sun 8: closed · no support." in found
    assert "Wed 4: real 09:00–20:00 · supported 08:00–20:00 · all covered." in found
    assert '<svg class="week-strip"' in found and 'role="img"' in found
    assert "Midwest days" not in found and "/admin/shifts" not in found
    assert "Shifts that cover it" not in found


def test_the_largest_uncovered_windows_are_in_the_store_s_local_time(
    now, late_fridays, world, browser_as_engineer
):
    found = panel(browser_as_engineer, world.store)
    windows = re.findall(r"<li><div class=\"row\"><span>([^<]+)</span><strong[^>]*>([^<]+)<", found)
    assert windows == [
        ("Sat 07 Mar 09:00–20:00 CST", "11 h"),
        ("Sat 14 Mar 09:00–20:00 CDT", "11 h"),  # after the clocks went forward
        ("Sat 21 Mar 09:00–20:00 CDT", "11 h"),
        ("Sat 28 Mar 09:00–20:00 CDT", "11 h"),
        ("Fri 06 Mar 20:00–21:30 CST", "1 h 30 min"),
    ]


def test_admin_sees_the_shifts_with_a_link_to_edit_them(
    now, app, late_fridays, world, browser_as_admin
):
    phoenix = add_shift(
        app, stores=[world.store], name="Desert evenings", timezone="America/Phoenix",
        weekdays=[5], start=time(8), end=time(18), kind=ShiftKind.REMOTE,
    )  # fmt: skip
    found = panel(browser_as_admin, world.store)
    assert f'href="/admin/shifts/{late_fridays}/edit"><strong>Midwest days</strong>' in found
    assert f'href="/admin/shifts/{phoenix}/edit"><strong>Desert evenings</strong>' in found
    assert "Mon–Fri 08:00–20:00 CST" in found and world.engineer.name in found
    # Phoenix keeps MST; Chicago is on CST until Sunday: 08:00-18:00 MST is 09:00-19:00 CST
    assert "Sat 08:00–18:00 MST" in found and "09:00–19:00 CST at the store today" in found
    assert "Remote" in found and "On site" in found


def test_the_cio_sees_the_shifts_linked_to_the_shift_list(now, late_fridays, world, browser_as_cio):
    found = panel(browser_as_cio, world.store)
    assert 'href="/admin/shifts"><strong>Midwest days</strong>' in found
    assert "/edit" not in found  # the CIO reads shifts but may not edit them


def test_no_shift_and_no_learned_hours(now, world, browser_as_admin):
    found = panel(browser_as_admin, world.store)
    assert "0.0%" in found and "66.0 h" in found  # 6 x 11 h a week, none covered
    assert "Real hours not learned yet: the posted hours stand in." in found
    assert "No support shift covers this store." in found
    assert "Mon 9: real 09:00–20:00 · no support · 11 h uncovered." in found


def test_a_24_hour_store_covered_around_the_clock(now, app, build, browser_as_admin):
    store = build.store(hours=[(d, time(0), time(0)) for d in range(7)])
    add_shift(app, stores=[store], weekdays=list(range(7)), start=time(0), end=time(0))
    found = panel(browser_as_admin, store)
    assert "100.0%" in found and "0.0 h" in found
    assert "Thu 5: real 00:00–24:00 · supported 00:00–24:00 · all covered." in found
    assert "Support covers every real customer hour." in found


def test_a_24_hour_store_with_support_by_day_counts_each_night(now, app, build, browser_as_cio):
    store = build.store(hours=[(d, time(0), time(0)) for d in range(7)])
    add_shift(app, stores=[store], weekdays=list(range(7)), start=time(8), end=time(20))
    found = panel(browser_as_cio, store)
    assert "Thu 5: real 00:00–24:00 · supported 08:00–20:00 · 12 h uncovered." in found
    # 12 h a night, but the night of Sunday 8 March is an hour shorter (clocks go forward):
    # 28 x 720 - 60 = 20100 minutes in 4 weeks -> 83.75 h a week; covered 20160 of 40260
    assert "83.8 h" in found and "50.1%" in found
    assert "Wed 04 Mar 20:00–Thu 05 Mar 08:00 CST" in found  # a window across midnight


def test_a_store_closed_all_week(now, app, build, browser_as_admin):
    store = build.store(hours=[])
    add_shift(app, stores=[store])
    found = panel(browser_as_admin, store)
    assert "No customer hours in that time: the store is closed." in found
    assert "No customer hours to cover." in found
    assert "Mon 9: closed · supported 08:00–20:00." in found
    assert '<rect class="real"' not in found


def test_a_manager_cannot_open_another_store_s_panel(now, world, browser_as_manager):
    assert browser_as_manager.get(f"/stores/{world.other_store.id}").status_code == 404
