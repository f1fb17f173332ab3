"""The issue pages: filing (with a photo), commenting and closing without JavaScript, the
list with bad parameters."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import pytest

from fieldops.extensions import db
from fieldops.issues.models import Issue, IssueStatus, Severity
from tests.helpers import image_bytes, list_page_naming, refuses_nul

BIG = 2**70


def test_manager_files_and_closes_an_issue(world, browser_as_manager, app):
    store = world.store
    b = browser_as_manager
    r = b.submit(
        "/issues/new",
        {
            "store_id": store.id,
            "category": "paperwork",
            "severity": "medium",
            "title": "Printer jams on contracts",
        },
    )
    assert r.status_code == 302
    issue_id = int(r.headers["Location"].rsplit("/", 1)[1])
    r = b.submit(
        f"/issues/{issue_id}",
        {"body": "Still jamming today"},
        action=f"/issues/{issue_id}/comments",
    )
    assert r.status_code == 302
    r = b.submit(
        f"/issues/{issue_id}",
        {"status": "closed", "version": "1"},
        action=f"/issues/{issue_id}/update",
    )
    assert r.status_code == 302
    with app.app_context():
        issue = db.session.get(Issue, issue_id)
        assert issue.status == "closed"
        assert [e.field for e in issue.events] == ["created", "comment", "status"]


def test_manager_files_an_issue_with_a_photo(world, browser_as_manager, app):
    store = world.store
    b = browser_as_manager
    fields = {
        "store_id": store.id,
        "category": "hardware",
        "severity": "high",
        "title": "Card reader dead",
    }
    r = b.submit(
        "/issues/new",
        {**fields, "photo": (io.BytesIO(b"not an image"), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "Must be a JPEG, PNG or WebP image." in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Issue)) == 0
    r = b.submit(
        "/issues/new",
        {**fields, "photo": (io.BytesIO(image_bytes("PNG")), "x.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    page = b.get(r.headers["Location"]).get_data(as_text=True)
    assert "/api/photos/" in page and "/thumbnail" in page


def test_the_issue_list_renders_for_an_admin(browser_as_admin):
    assert browser_as_admin.get("/issues").status_code == 200


def chosen(page: str, name: str) -> str | None:
    """The value a GET form on `page` would send for field `name` (a select's selected
    option, an input's value)."""
    select = re.search(rf'<select id="{name}" name="{name}".*?</select>', page, re.S)
    if select:
        option = re.search(r'<option value="([^"]*)" selected', select[0])
        return option[1] if option else None
    field = re.search(rf'<input id="{name}" name="{name}"[^>]*value="([^"]*)"', page)
    return field[1] if field else None


def test_the_issue_list_keeps_its_filters_across_a_reload(world, build, browser_as_admin):
    wanted = build.issue(
        world.store,
        world.manager,
        title="Slow Wi-Fi in the showroom",
        severity=Severity.HIGH,
        status=IssueStatus.IN_PROGRESS,
    )
    build.issue(world.other_store, world.manager, title="Slow Wi-Fi upstairs")
    build.issue(world.store, world.manager, title="Printer jams")
    choices = {
        "q": "wi-fi",
        "store_id": str(world.store.id),
        "status": "in_progress",
        "category": "wifi",
        "severity": "high",
        "sort": "store",
    }
    url = "/issues?" + urlencode(choices)  # what the GET form sends
    for _load in ("submit", "reload"):
        r = browser_as_admin.get(url)
        page = r.get_data(as_text=True)
        assert r.status_code == 200
        assert {name: chosen(page, name) for name in choices} == choices
        assert "Slow Wi-Fi in the showroom" in page and f"/issues/{wanted.id}" in page
        assert "upstairs" not in page and "Printer jams" not in page
    closed = browser_as_admin.get("/issues?status=done&sort=-severity").get_data(as_text=True)
    assert chosen(closed, "status") == "done" and chosen(closed, "sort") == "-severity"
    default = browser_as_admin.get("/issues").get_data(as_text=True)
    assert chosen(default, "status") == "" and chosen(default, "sort") == "-created_at"
    assert "Printer jams" in default and "3 in all" in default  # every issue is open


def test_an_older_link_with_open_still_filters_the_list(world, build, browser_as_admin):
    build.issue(world.store, world.manager, title="Long fixed", status=IssueStatus.CLOSED)
    page = browser_as_admin.get("/issues?open=false").get_data(as_text=True)
    assert chosen(page, "status") == "done" and "Long fixed" in page
    page = browser_as_admin.get("/issues?open=all").get_data(as_text=True)
    assert chosen(page, "status") == "all" and "Long fixed" in page
    assert "Long fixed" not in browser_as_admin.get("/issues").get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "heading", "named"),
    [
        ("/issues?page=0", "<h1>Issues</h1>", "Page must be between 1 and"),
        ("/issues?page=x", "<h1>Issues</h1>", "Page must be a whole number"),
        ("/issues?category=x", "<h1>Issues</h1>", "Category must be one of: wifi"),
        ("/issues?store_id=1.5", "<h1>Issues</h1>", "Store id must be a whole number"),
        (f"/issues?assignee={BIG}", "<h1>Issues</h1>", "Assignee: A user id is at most"),
    ],
)
def test_a_list_page_with_a_bad_parameter_shows_the_list_and_names_it(
    browser_as_admin, build, url, heading, named
):
    build.store(name="Northside Motors")
    list_page_naming(browser_as_admin, url, heading, named)


@pytest.mark.parametrize("url", ["/issues?assignee=%00"])
def test_a_nul_in_a_page_query_is_refused(browser_as_admin, url):
    refuses_nul(browser_as_admin, url)
