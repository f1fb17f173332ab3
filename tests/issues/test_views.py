"""The issue pages: filing (with a photo), commenting and closing without JavaScript, the
list with bad parameters."""

from __future__ import annotations

import io

import pytest

from fieldops.extensions import db
from fieldops.issues.models import Issue
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


@pytest.mark.parametrize(
    ("url", "heading", "named"),
    [
        ("/issues?page=0", "<h1>Issues</h1>", "page: Must be greater than or equal to 1"),
        ("/issues?page=x", "<h1>Issues</h1>", "page: Must be a whole number"),
        ("/issues?category=x", "<h1>Issues</h1>", "category: Must be one of: wifi"),
        ("/issues?store_id=1.5", "<h1>Issues</h1>", "store_id: Must be a whole number"),
        (f"/issues?assignee={BIG}", "<h1>Issues</h1>", "assignee: A user id is at most"),
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
