"""The overview's and the alerts page's CSV exports: what the page shows, in words, hours
and store time, safe to open in a spreadsheet; and the phone's list of the worst stores."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.coverage.helpers import make_group, run

# NOW: Wednesday 2026-03-04 15:00 UTC. Stores are posted Mon-Sat 09:00-20:00.
EVIL = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def group(app, build, now):
    stores = make_group(app, build, now)
    # Without support, in another zone, named and filed to run as formulas.
    stores["evil"] = build.store(
        code="EVIL", name=EVIL, region="-5", timezone="America/Los_Angeles"
    )
    run(app, now)
    return stores


def download(browser, url: str) -> tuple[list[str], list[dict[str, str]], str]:
    response = browser.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert re.search(
        r'filename="[a-z-]+-\d{4}-\d\d-\d\d\.csv"', response.headers["Content-Disposition"]
    )
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads the accents right
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    return list(reader.fieldnames or []), list(reader), text


def by_store(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["Code"]: row for row in rows}


def test_the_gaps_export_has_the_page_figures_in_hours_and_store_time(group, browser_as_cio):
    page = browser_as_cio.get("/overview").get_data(as_text=True)
    assert 'href="/overview/export/gaps.csv"' in page
    header, rows, _ = download(browser_as_cio, "/overview/export/gaps.csv")
    assert header == [
        "Store",
        "Code",
        "Region",
        "Time zone",
        "Real customer hours a week",
        "Covered %",
        "Covered % of posted hours",
        "Uncovered hours a week",
        "Largest gap (store time)",
    ]
    rows = by_store(rows)
    bare = rows["BARE"]  # posted Mon-Sat 09:00-20:00 (66 h a week), no support at all
    assert bare["Store"] == "Bare Motors" and bare["Region"] == "West"
    assert bare["Real customer hours a week"] == "66.0"  # hours, not 3,960 minutes
    assert bare["Covered %"] == "0.0" and bare["Uncovered hours a week"] == "66.0"
    assert bare["Largest gap (store time)"] == "Wed 09:00–20:00 CST"
    sat = rows["SAT"]  # Saturdays (11 h) uncovered
    assert sat["Uncovered hours a week"] == "11.0"
    assert sat["Largest gap (store time)"] == "Sat 09:00–20:00 CST"
    assert "Saturday Motors" in page and "11.0 h" in page  # the page's own figure
    # Another zone: the store's own clock (Pacific, before the switch to summer time).
    assert rows["EVIL"]["Time zone"] == "America/Los_Angeles"
    assert rows["EVIL"]["Largest gap (store time)"] == "Wed 09:00–20:00 PST"


def test_formula_text_is_neutralised_and_numbers_stay_numbers(group, browser_as_admin):
    _, rows, text = download(browser_as_admin, "/overview/export/gaps.csv")
    evil = by_store(rows)["EVIL"]
    assert evil["Store"] == "'" + EVIL
    assert evil["Region"] == "'-5"
    assert evil["Covered %"] == "0.0"  # a number, not text
    assert "\n=" not in text and ",=" not in text


def test_the_visits_export_writes_store_times(group, browser_as_cio):
    header, rows, _ = download(browser_as_cio, "/overview/export/visits.csv")
    assert header[:4] == ["Store", "Code", "Status", "Due on"]
    rows = by_store(rows)
    assert rows["BARE"]["Status"] == "Overdue" and rows["BARE"]["Last visit (store time)"] == ""
    sat = rows["SAT"]
    assert sat["Status"] == "Due soon"
    # 300 days back: summer time on the store's clock.
    assert sat["Last visit (store time)"] == "2025-05-08 10:00 CDT"
    assert sat["Visits in the last 12 months"] == "2"


def test_filters_are_carried(group, browser_as_cio):
    page = browser_as_cio.get("/overview?region=West").get_data(as_text=True)
    assert 'href="/overview/export/gaps.csv?region=West"' in page
    _, rows, _ = download(browser_as_cio, "/overview/export/gaps.csv?region=West")
    assert [row["Code"] for row in rows] == ["BARE"]
    _, rows, _ = download(browser_as_cio, "/overview/export/visits.csv?region=Midwest")
    assert "BARE" not in by_store(rows)


def test_the_alerts_export_follows_the_page_filters(group, browser_as_cio):
    page = browser_as_cio.get("/alerts?kind=low_coverage&region=West").get_data(as_text=True)
    assert "/alerts/export.csv?kind=low_coverage&amp;region=West" in page
    header, rows, _ = download(browser_as_cio, "/alerts/export.csv?kind=low_coverage&region=West")
    assert header[:6] == ["Store", "Code", "Region", "Kind", "Status", "What"]
    assert [(r["Code"], r["Kind"], r["Status"]) for r in rows] == [("BARE", "Low coverage", "Open")]
    assert rows[0]["Opened (store time)"].endswith(" CST")
    _, rows, _ = download(browser_as_cio, "/alerts/export.csv?region=-5")
    assert {r["Store"] for r in rows} == {"'" + EVIL}


def test_the_drift_export_has_its_columns(group, browser_as_admin):
    header, _, _ = download(browser_as_admin, "/overview/export/drifts.csv")
    assert header == ["Store", "Code", "Region", "Weekday", "Difference (hours)", "What differs"]


@pytest.mark.parametrize(
    "path",
    [
        "/overview/export/gaps.csv",
        "/overview/export/visits.csv",
        "/overview/export/drifts.csv",
        "/alerts/export.csv",
    ],
)
@pytest.mark.parametrize("role", ["engineer", "manager"])
def test_engineers_and_managers_may_not_export(signed_in, world, role, path):
    assert signed_in(getattr(world, role)).get(path).status_code == 403


def test_the_phone_list_shows_the_worst_stores_with_their_week(group, browser_as_cio):
    page = browser_as_cio.get("/overview").get_data(as_text=True)
    listed = page[page.index('class="heat-list"') :]
    names = re.findall(
        r'class="worst-store" href="(/stores/\d+#support)">\s*<span class="row"><strong>([^<]+)',
        listed,
    )
    # Lowest real coverage first: the two without support, then Saturday Motors.
    assert [name for _, name in names][2] == "Saturday Motors"
    assert {name for _, name in names[:2]} == {
        "Bare Motors",
        "=HYPERLINK(&#34;http://evil.example&#34;,&#34;x&#34;)",
    }
    sat_link = names[2][0]
    assert sat_link == f"/stores/{group['sat'].id}#support"
    strip = listed[listed.index(sat_link) :].split("</a>")[0]
    days = re.findall(r'<span class="d">(\w+)</span><span class="v">([\d.]+)</span>', strip)
    assert days == [
        ("Mon", "0.0"),
        ("Tue", "0.0"),
        ("Wed", "0.0"),
        ("Thu", "0.0"),
        ("Fri", "0.0"),
        ("Sat", "11.0"),
        ("Sun", "0.0"),
    ]
    assert "more store" not in listed


def test_the_phone_list_says_how_many_more(group, browser_as_cio, monkeypatch):
    monkeypatch.setattr("fieldops.pages.overview.PHONE_LIST_SHOWN", 2)
    page = browser_as_cio.get("/overview").get_data(as_text=True)
    listed = page[page.index('class="heat-list"') :]
    assert listed.count('class="worst-store"') == 2
    assert "and 1 more store with gaps" in listed
