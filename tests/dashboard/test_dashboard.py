"""The CIO dashboard's figures read from coverage snapshots: trend, due soon, sums, charts.

(The page itself, /overview, is tested in tests/pages/test_overview.py.)
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from fieldops.auth.models import User
from fieldops.coverage.models import CoverageSnapshot
from fieldops.dashboard import figures as dashboard
from fieldops.dashboard import visits_due as cadence
from fieldops.dashboard.figures import TrendPoint
from fieldops.dashboard.heatmap import Line, draw_heatmap, level
from fieldops.dashboard.trend import trend_chart
from fieldops.extensions import db
from tests.coverage.helpers import make_group, run

# NOW: Wednesday 2026-03-04 15:00 UTC. Stores are posted Mon-Sat 09:00-20:00.


@pytest.fixture
def group(app, build, now):
    return make_group(app, build, now)


def test_the_trend_takes_one_snapshot_date_a_week(app, build, group, now):
    for days_ago in (0, 1, 2, 7, 8, 14, 30):
        run(app, now - timedelta(days=days_ago))
    with app.app_context():
        cio = db.session.get(User, build.user("cio").id)
        points = dashboard.coverage_trend(cio, None, date(2026, 3, 4))
        assert [p.taken_on for p in points] == [
            date(2026, 2, 2),  # 30 days ago, in the window ending 5 weeks back
            date(2026, 2, 18),
            date(2026, 2, 25),
            date(2026, 3, 4),
        ]
        assert {p.stores for p in points} == {3}
        assert points[-1].real_percent == round(100 * 44 / 72, 2)
        west = dashboard.coverage_trend(cio, "West", date(2026, 3, 4))
        assert {(p.stores, p.real_percent) for p in west} == {(1, 0.0)}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CoverageSnapshot)) == 21


def test_due_soon_skips_stores_saved_by_a_planned_visit(app, build, group, now):
    run(app, now)
    cio = build.user("cio")
    with app.app_context():
        where = dashboard.scope(db.session.get(User, cio.id))
        assert [r.code for r in cadence.due_soon(where, now, 30)] == ["SAT"]
        assert [r.code for r in cadence.due_soon(where, now, 20)] == []  # due in 25 days
    build.visit(group["sat"], build.user("engineer"), now + timedelta(days=3))
    with app.app_context():
        assert cadence.due_soon(dashboard.scope(db.session.get(User, cio.id)), now, 30) == []


def test_the_latest_run_is_summed_by_the_database(app, build, group, now):
    run(app, now - timedelta(days=1))
    run(app, now)
    cio = build.user("cio")
    with app.app_context():
        where = dashboard.scope(db.session.get(User, cio.id))
        assert where.taken_on == date(2026, 3, 4)
        head = dashboard.headline(where, 80.0)
        assert (head.stores, head.overdue, head.meeting, head.below_threshold) == (3, 1, 2, 1)
        assert (head.real_customer, head.real_covered) == (72 * 660, 44 * 660)
        assert head.uncovered_a_week == pytest.approx(28 * 660 / 4)  # 28 days over 4 weeks
        gaps = dashboard.largest_gaps(where, 50)
        assert [r.code for r in gaps] == ["BARE", "SAT"]
        assert gaps[1].by_weekday == [0, 0, 0, 0, 0, 4 * 660, 0]
        assert gaps[1].per_week(gaps[1].uncovered) == 660
        regions = dashboard.by_region(where)
        assert [(g.region, g.stores, g.days) for g in regions] == [
            ("Midwest", 2, 28),
            ("West", 1, 28),
        ]
        assert regions[0].by_weekday == [0, 0, 0, 0, 0, 2 * 660, 0]  # SAT's 2640 over two
        assert regions[1].by_weekday == [4 * 660] * 6 + [0]
        overdue = cadence.overdue_visits(where, now, 15)
        assert [(d.row.code, d.last_visit, d.next_planned) for d in overdue] == [
            ("BARE", None, None)
        ]
        west = dashboard.scope(db.session.get(User, cio.id), "West")
        assert dashboard.headline(west, 80.0).stores == 1


def test_heatmap_levels_rows_and_region_rows():
    assert [level(m) for m in (0, 1, 30, 31, 60, 120, 240, 241)] == [0, 1, 1, 2, 2, 3, 4, 5]
    chart = draw_heatmap(
        [Line("A very long store name that goes on", "S1", [0, 0, 0, 0, 0, 2640, 0], 28, "/s/1")],
        [Line("Midwest", "Midwest", [0, 0, 0, 0, 0, 1320.0, 0], 28)],
    )
    store, region = chart.rows
    assert store.label.endswith("…") and len(store.label) <= 21 and store.href == "/s/1"
    saturday = store.cells[5]
    assert (saturday.level, saturday.text) == (5, "11.0")  # 660 min a week
    assert "Saturdays: 11.0 h a week uncovered" in saturday.title
    assert store.cells[0].level == 0 and store.cells[0].text == ""
    assert region.region and region.cells[5].level == 5 and region.y > store.y
    assert chart.section_y is not None and chart.height > region.y


def test_trend_chart_geometry():
    assert trend_chart([]) is None
    assert trend_chart([TrendPoint(date(2026, 3, 4), 0, None, None)]) is None
    points = [
        TrendPoint(date(2026, 2, 25), 3, 60.0, 90.0),
        TrendPoint(date(2026, 3, 4), 3, 70.0, 100.0),
    ]
    chart = trend_chart(points)
    (real,) = (s for s in chart.series if s.name == "real")
    assert real.path.startswith("M") and " L" in real.path and len(real.dots) == 2
    assert real.dots[0].x < real.dots[1].x and real.dots[0].y > real.dots[1].y
    assert chart.y_ticks[0][1] == "100%" and chart.y_ticks[-1][1] == "50%"
    assert "60.0% of real customer hours covered" in real.dots[0].title
