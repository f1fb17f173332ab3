"""The CIO overview (/overview): who may see it, and the coverage figures, charts and
alerts it shows from the snapshots."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest

from fieldops.dashboard.open_issues import open_issue_counts
from fieldops.extensions import db
from fieldops.issues.models import Issue, IssueCategory, IssueStatus, Severity
from tests.coverage.helpers import make_group, run
from tests.helpers import refuses_nul

# NOW: Wednesday 2026-03-04 15:00 UTC. Stores are posted Mon-Sat 09:00-20:00.


def html(browser, url: str = "/overview") -> str:
    response = browser.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def group(app, build, now):
    return make_group(app, build, now)


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("cio", 200)])
def test_admin_and_cio_see_the_dashboard(signed_in, world, role, status):
    assert signed_in(getattr(world, role)).get("/overview").status_code == status


@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_engineers_and_managers_may_not(signed_in, world, role):
    assert signed_in(getattr(world, role)).get("/overview").status_code == 403


def test_without_snapshots_the_page_says_so_and_shows_visit_cadence(build, group, browser_as_cio):
    page = html(browser_as_cio)
    assert "No coverage snapshot yet" in page
    assert "Bare Motors" in page  # overdue, counted live
    assert "2 of 3" in page  # stores meeting their cadence
    assert 'class="heatmap"' not in page and 'class="trend"' not in page


def test_the_dashboard_reads_the_latest_snapshot(app, build, group, now, browser_as_cio):
    run(app, now - timedelta(days=7))
    run(app, now)
    page = html(browser_as_cio)
    assert "snapshot of Wed 04 Mar 2026" in page
    # Real hours equal posted here: 72 open days, 44 covered (SAT's 4 Saturdays and all of
    # BARE's 24 days uncovered) -> 61.1 %.
    assert page.count("61.1%") >= 2
    assert re.search(
        r"stores visited as often as their cadence asks \(2 of 3\); 1 overdue, 1 due", page
    )
    assert '<svg class="heatmap"' in page and '<svg class="trend"' in page
    assert "Bare Motors" in page and "Saturday Motors" in page
    heat = page[page.index('<svg class="heatmap"') : page.index("</svg>", page.index("heatmap"))]
    assert "Good Motors" not in heat  # fully covered: not among the gaps
    assert "Regions: average store" in heat and "Midwest" in heat and "West" in heat
    # Alerts: BARE below the threshold and overdue.
    assert "Open alerts" in page and "Low coverage" in page and "Overdue visit" in page


def test_the_region_filter_narrows_every_figure(app, build, group, now, browser_as_admin):
    run(app, now)
    page = html(browser_as_admin, "/overview?region=West")
    assert "Bare Motors" in page
    assert "Saturday Motors" not in page and "Good Motors" not in page
    assert "0.0%" in page  # the West store alone: nothing covered
    assert '<option value="West" selected>' in page


def test_a_stale_snapshot_is_pointed_out(app, build, group, now, browser_as_cio):
    run(app, now - timedelta(days=3))
    page = html(browser_as_cio)
    assert "has not run since" in page and "snapshot of Sun 01 Mar 2026" in page


def test_open_issues_by_category_follow_the_region(app, world, group, now, browser_as_cio):
    reporter = world.engineer
    with app.app_context():
        for store in (group["bare"], group["good"]):
            db.session.add(
                Issue(
                    store_id=store.id,
                    reporter_id=reporter.id,
                    title="Printer offline",
                    category=IssueCategory.HARDWARE,
                    severity=Severity.HIGH,
                    status=IssueStatus.OPEN,
                )
            )
        db.session.commit()
        assert open_issue_counts()["category"]["hardware"] == 2
        assert open_issue_counts("West")["category"]["hardware"] == 1
    page = html(browser_as_cio, "/overview?region=West")
    assert re.search(r"Hardware</a> <strong>1</strong>", page)


def test_alerts_show_on_the_dashboard(app, build, now, browser_as_admin):
    build.store(code="LONE", name="Lone Motors", region="West", hours=[(0, time(9), time(17))])
    run(app, now)
    page = html(browser_as_admin)
    assert "Real customer hours 0.0% covered over the next 28 days (threshold 80%)" in page
    assert "Overdue for a visit, 0 of 2 in the last 12 months" in page


def test_the_overview_renders_for_an_admin(browser_as_admin):
    assert browser_as_admin.get("/overview").status_code == 200


def test_the_cio_reaches_the_overview(browser_as_cio):
    assert browser_as_cio.get("/overview").status_code == 200


@pytest.mark.parametrize("url", ["/overview?region=%00"])
def test_a_nul_in_a_page_query_is_refused(browser_as_admin, url):
    refuses_nul(browser_as_admin, url)


def test_gaps_heatmap_rows_and_alerts_link_to_the_store_s_support_panel(
    app, build, group, now, browser_as_cio
):
    run(app, now)
    page = html(browser_as_cio)
    support = f'href="/stores/{group["bare"].id}#support"'

    def part(start: str, end: str) -> str:
        begin = page.index(start)
        return page[begin : page.index(end, begin)]

    gaps = part("Largest gaps in support", "</section>")
    heatmap = part('<svg class="heatmap"', "</svg>")
    alerts = part("Open alerts", "</section>")
    assert support in gaps and support in heatmap and support in alerts
