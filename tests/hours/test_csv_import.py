"""Importing evidence from CSV: the admin page and the service behind it."""

from __future__ import annotations

import io

from fieldops.hours.models import Closeout, Signal
from tests.helpers import count

HEADER = "store_code,source,device,start,end,interval_minutes,entries,exits,at,id,date,"
CSV = (
    HEADER
    + """last_customer_at
{code},wifi_session,aa:01,2026-03-03T10:05:00-06:00,2026-03-03T10:50:00-06:00,,,,,,,
{code},door_count,,2026-03-03T19:45:00-06:00,,15,0,2,,,,
{code},transaction,,,,,,,2026-03-03T17:12:00-06:00,INV-1,,
{code},closeout,,,,,,,,,2026-03-03,20:10
{code},door_count,,2026-03-03T19:45:00,,15,0,2,,,,
NOPE,transaction,,,,,,,2026-03-03T17:12:00-06:00,INV-2,,
{code},transaction,,,,,,,yesterday,INV-3,,
"""
)


def upload(browser, text: str, action: str, **extra):
    return browser.submit(
        "/admin/signals/import",
        {"file": (io.BytesIO(text.encode()), "evidence.csv"), "action": action, **extra},
        content_type="multipart/form-data",
    )


def test_check_lists_errors_by_line_and_changes_nothing(build, app, now, browser_as_admin):
    build.store(code="CHI1")
    b = browser_as_admin
    r = upload(b, CSV.format(code="CHI1"), "check")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Good rows</dt><dd>4" in html and "Rejected</dt><dd>3" in html
    for line, words in [(6, "offset"), (7, "no store"), (8, "at: Not a valid")]:
        assert f'<td class="num">{line}</td><td>' in html and words in html
    assert count(app, Signal) == 0 and count(app, Closeout) == 0


def test_import_keeps_the_good_rows_and_a_second_import_adds_nothing(
    build, app, now, browser_as_admin
):
    build.store(code="CHI1")
    b = browser_as_admin
    r = upload(b, CSV.format(code="CHI1"), "import")
    assert "Imported 4 rows (0 were already there, 3 rejected)." in r.get_data(as_text=True)
    assert count(app, Signal) == 3 and count(app, Closeout) == 1
    r = upload(b, CSV.format(code="CHI1"), "import")
    assert "Imported 0 rows (4 were already there, 3 rejected)." in r.get_data(as_text=True)


def test_a_file_for_one_store_needs_no_store_code(build, app, now, browser_as_admin):
    store = build.store()
    b = browser_as_admin
    text = "source,at,id\ntransaction,2026-03-03T17:12:00-06:00,INV-9\n"
    r = upload(b, text, "import", store_id=store.id)
    assert "Imported 1 rows" in r.get_data(as_text=True)
    r = upload(b, "source,color\ntransaction,blue\n", "check")
    assert "Unknown column(s): color" in r.get_data(as_text=True)


def test_only_admins_import(browser_as_cio, browser_as_engineer):
    assert browser_as_cio.get("/admin/signals/import").status_code == 403
    assert browser_as_engineer.get("/admin/signals/import").status_code == 403


def test_the_cli_imports_a_file_and_reports_bad_lines(app, build, now, tmp_path):
    build.store(code="CHI1")
    path = tmp_path / "evidence.csv"
    path.write_text(CSV.format(code="CHI1"))
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["fieldops", "import-signals", str(path), "--check"])
    assert checked.exit_code == 0 and "4 good, 3 rejected" in checked.output
    assert count(app, Signal) == 0
    result = runner.invoke(args=["fieldops", "import-signals", str(path)])
    assert result.exit_code == 1  # some lines were rejected
    assert "Imported 4 rows (0 already there, 3 rejected)" in result.output
    assert "line 7: store_code: no store 'NOPE'." in result.output
    assert count(app, Signal) == 3
    unknown = runner.invoke(args=["fieldops", "import-signals", str(path), "--store", "X"])
    assert unknown.exit_code != 0 and "No store with code 'X'" in unknown.output


def test_a_store_id_beyond_an_integer_column_in_the_signal_import_is_no_store(
    browser_as_admin, app
):
    text = "source,at\ntransaction,2026-03-03T17:12:00-06:00\n"
    r = upload(browser_as_admin, text, "import", store_id=2**70)
    assert r.status_code == 200
    assert "store_code: Missing (or choose a store" in r.get_data(as_text=True)
    assert count(app, Signal) == 0


def test_a_csv_with_a_nul_is_refused_naming_its_line(browser_as_admin, app, build):
    build.store(code="CHI1")
    text = "store_code,source,at,id\nCHI1,transaction,2026-03-03T17:12:00-06:00,INV\x00-1\n"
    r = upload(browser_as_admin, text, "import")
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "NUL character" in page
    assert count(app, Signal) == 0
