"""Photos sent with HTML forms (no JavaScript): worked on before their record is written."""

from __future__ import annotations

import io

import pytest

from fieldops.issues.models import Issue
from fieldops.photos.models import Photo
from tests.helpers import count, image_bytes
from tests.photos.test_services import png_claiming

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built


def add_photo(browser, issue_id: int, data: bytes):
    return browser.submit(
        f"/issues/{issue_id}",
        {"file": (io.BytesIO(data), "x.png")},
        action=f"/issues/{issue_id}/photos",
        content_type="multipart/form-data",
    )


def test_the_issue_page_adds_a_photo(app, issue, browser_as_engineer):
    browser = browser_as_engineer
    r = add_photo(browser, issue.id, image_bytes("PNG"))
    assert r.status_code == 302
    assert count(app, Photo, Photo.issue_id == issue.id) == 1
    page = browser.get(r.headers["Location"]).get_data(as_text=True)
    assert "Photo added." in page and "/thumbnail" in page


def test_an_image_over_the_pixel_cap_is_refused_on_the_page(app, issue, browser_as_engineer):
    r = add_photo(browser_as_engineer, issue.id, png_claiming(8000, 8000))
    assert r.status_code == 422
    assert "too many pixels (at most 40 megapixels)" in r.get_data(as_text=True)
    assert count(app, Photo) == 0


def test_a_new_issue_with_a_refused_photo_is_not_filed(app, world, issue, browser_as_engineer):
    fields = {
        "store_id": world.store.id,
        "category": "hardware",
        "severity": "high",
        "title": "Card reader dead",
        "photo": (io.BytesIO(png_claiming(8000, 8000)), "x.png"),
    }
    r = browser_as_engineer.submit("/issues/new", fields, content_type="multipart/form-data")
    assert r.status_code == 422 and "too many pixels" in r.get_data(as_text=True)
    assert count(app, Issue) == 1  # the fixture's only


def test_a_new_issue_at_a_store_not_theirs_is_refused_before_its_photo(app, world, signed_in):
    manager = world.other_manager
    fields = {
        "store_id": world.store.id,  # another store
        "category": "hardware",
        "severity": "high",
        "title": "Card reader dead",
        "photo": (io.BytesIO(b"not an image at all"), "x.png"),
    }
    r = signed_in(manager).submit("/issues/new", fields, content_type="multipart/form-data")
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and "No store with id" in page
    assert "Must be a JPEG, PNG or WebP" not in page
    assert count(app, Issue) == 0


def test_the_photo_hint_names_the_limits_of_the_settings(app, browser_as_engineer, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_MAX_PIXELS", 12_500_000)
    monkeypatch.setitem(app.config, "PHOTO_MAX_PER_RECORD", 6)
    page = browser_as_engineer.get("/issues/new").get_data(as_text=True)
    assert "Up to 6 photos: JPEG, PNG or WebP, each up to 10 MB and 12.5 megapixels." in page
