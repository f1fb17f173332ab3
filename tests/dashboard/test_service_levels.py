"""Service levels on the CIO overview: attainment over the last 4 weeks, on the issues'
clocks and on posted hours, and the open issues nearest to a breach. Figures worked by hand.

NOW is Wednesday 2026-03-04 15:00 UTC (09:00 CST); the 4 weeks start 2026-02-04 15:00 UTC.
world.store (Midwest) is in Chicago, posted Mon-Sat 09:00-20:00; its Friday customers are
learned to stay until 21:30. The West store counts the same posted hours.

- A, high, Midwest, reported Fri 27 Feb 19:30 CST. Customer hours: response due 20:30
  (60 of the 120 minutes left that evening), resolution due Sat 15:00 (120 + 360). Posted
  hours: response due Sat 09:30, resolution Sat 16:30. Assigned Fri 21:00: the response is
  breached, but on posted hours met. Resolved Sat 10:00: met on both.
- B, critical (every hour counts), West, reported Mon 2 Mar 12:00 UTC: answered 12:10 (met),
  resolved 17:00, 300 minutes after (240 allowed: breached). Posted hours do not apply to
  its clock: the same verdict.
- C, medium, Midwest, reported 10 Jan, breached long before the 4 weeks: not counted.
- D, low, reported Wed 08:00 CST (before opening): its response is due after 1,440 minutes
  of customer hours (11 h on Wednesday, 11 h on Thursday, 2 h on Friday): Fri 6 Mar 11:00
  CST.
- E, high, reported at NOW: response due 10:00 CST, 60 minutes away.
- G, high, at Early Motors (Midwest, posted as world.store, but its Friday customers are
  learned to leave at 18:00), reported Fri 27 Feb 17:30 CST. Customer hours: response due
  Sat 09:30 (30 minutes Friday, 30 Saturday); posted hours: Fri 18:30. Assigned Fri 19:00:
  met, but on posted hours breached. Still open: its resolution was breached on Saturday
  on both clocks (customer hours 16:30: 30 + 450 minutes; posted 14:30: 150 + 330).
- F, medium, reported at NOW and moved at once to waiting on the store by an engineer:
  that answers it (response met), and its resolution is paused: not near a breach.

Decided in the 4 weeks: A's response (breached; met on posted hours), A's resolution
(met), B's response (met), B's resolution (breached), F's response (met), G's response
(met; breached on posted hours), G's resolution (breached on both): 4 met, 3 breached,
57.1 %; on posted hours 4 met too (one saved, one lost).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from fieldops.auth import User
from fieldops.dashboard import attainment, nearest_to_breach
from fieldops.extensions import db
from fieldops.issues import file_issue, update_issue
from fieldops.issues.models import Issue, IssueCategory, IssueStatus, Severity
from tests.conftest import NOW
from tests.sla.test_api import learn_friday_until

pytestmark = pytest.mark.usefixtures("now")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def cst(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("America/Chicago")).astimezone(UTC)


@pytest.fixture
def issues(app, world, build):
    west = build.store(name="Western Motors", region="West")
    early = build.store(name="Early Motors", region="Midwest")
    world.made("store", "manager", "engineer")
    for store, closes in ((world.store, time(21, 30)), (early, time(18))):
        learn_friday_until(app, store, closes)
    with app.app_context():
        manager = db.session.get(User, world.manager.id)
        engineer = db.session.get(User, world.engineer.id)

        def file(name, severity, at, store=world.store, reporter=manager):
            data = {
                "store_id": store.id,
                "category": IssueCategory.NETWORK,
                "severity": severity,
                "title": name,
                "reported_at": at,
            }
            return file_issue(data, reporter, at)[0]

        def change(issue, at, **changes):
            update_issue(issue, changes, engineer, at)

        a = file("A", Severity.HIGH, cst(2026, 2, 27, 19, 30))
        change(a, cst(2026, 2, 27, 21, 0), assignee_id=engineer.id)
        change(a, cst(2026, 2, 28, 10, 0), status=IssueStatus.RESOLVED)
        b = file("B", Severity.CRITICAL, utc(2026, 3, 2, 12, 0), west, engineer)
        change(b, utc(2026, 3, 2, 12, 10), status=IssueStatus.IN_PROGRESS)
        change(b, utc(2026, 3, 2, 17, 0), status=IssueStatus.RESOLVED)
        c = file("C", Severity.MEDIUM, utc(2026, 1, 10, 16, 0))
        change(c, utc(2026, 1, 10, 16, 30), status=IssueStatus.IN_PROGRESS)
        g = file("G", Severity.HIGH, cst(2026, 2, 27, 17, 30), early, engineer)
        change(g, cst(2026, 2, 27, 19, 0), assignee_id=engineer.id)
        file("D", Severity.LOW, cst(2026, 3, 4, 8, 0))
        file("E", Severity.HIGH, NOW)
        f = file("F", Severity.MEDIUM, NOW)
        change(f, NOW, status=IssueStatus.WAITING_ON_STORE)
        db.session.commit()
        return {i.title: i.id for i in db.session.scalars(db.select(Issue))}


def figures(tally):
    return (tally.met, tally.breached, tally.saved, tally.lost, tally.percent, tally.posted_percent)


def test_attainment_by_severity_and_region_with_posted_hours_beside_it(app, issues):
    with app.app_context():
        seen = attainment(None, NOW)
        assert seen.since == utc(2026, 2, 4, 15, 0)
        assert figures(seen.total) == (4, 3, 1, 1, 57.1, 57.1)
        assert {k: figures(t) for k, t in seen.by_severity.items()} == {
            "critical": (1, 1, 0, 0, 50.0, 50.0),
            "high": (2, 2, 1, 1, 50.0, 50.0),
            "medium": (1, 0, 0, 0, 100.0, 100.0),
            "low": (0, 0, 0, 0, None, None),
        }
        assert {k: figures(t) for k, t in seen.by_region.items()} == {
            "Midwest": (3, 2, 1, 1, 60.0, 60.0),
            "West": (1, 1, 0, 0, 50.0, 50.0),
        }
        assert figures(attainment("West", NOW).total) == (1, 1, 0, 0, 50.0, 50.0)


def test_the_open_issues_nearest_to_a_breach_come_first(app, issues):
    with app.app_context():
        near = nearest_to_breach(None, NOW)
        assert [(n.issue.title, n.target, n.due_at, n.remaining_minutes) for n in near] == [
            ("E", "response", cst(2026, 3, 4, 10, 0), 60),
            ("D", "response", cst(2026, 3, 6, 11, 0), 1440),
        ]
        assert nearest_to_breach("West", NOW) == []


def test_the_overview_shows_them_and_links_each_issue(issues, as_cio):
    page = as_cio.get("/overview").get_data(as_text=True)
    assert "Service levels, last 4 weeks" in page
    assert "4 of 7 responses and resolutions decided since 04 Feb; 3 breached." in page
    assert (
        "On posted hours, 1 of these 3 breaches would have counted as met, and 1 target met"
        " would have counted as breached (57.1% met)."
    ) in page
    assert f'href="/issues/{issues["E"]}"' in page
    assert "Response due in 1 h of its clock (Wed 10:00 CST)" in page
    assert f'href="/issues/{issues["F"]}"' not in page  # paused
