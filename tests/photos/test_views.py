"""Photos sent with HTML forms (no JavaScript): worked on before their record is written."""

from __future__ import annotations

import io

from fieldops.issues.models import Issue
from fieldops.photos.models import Photo
from tests.helpers import count, image_bytes
from tests.photos.test_services import png_claiming


def add_photo(browser, issue_id: int, data: bytes):
    return browser.submit(
        f"/issues/{issue_id}",
        {"file": (io.BytesIO(data), "x.png")},
        action=f"/issues/{issue_id}/photos",
        content_type="multipart/form-data",
    )


def test_the_issue_page_adds_a_photo(app, setup, signed_in):
    browser = signed_in(setup["engineer"])
    r = add_photo(browser, setup["issue"].id, image_bytes("PNG"))
    assert r.status_code == 302
    assert count(app, Photo, Photo.issue_id == setup["issue"].id) == 1
    page = browser.get(r.headers["Location"]).get_data(as_text=True)
    assert "Photo added." in page and "/thumbnail" in page


def test_an_image_over_the_pixel_cap_is_refused_on_the_page(app, setup, signed_in):
    r = add_photo(signed_in(setup["engineer"]), setup["issue"].id, png_claiming(8000, 8000))
    assert r.status_code == 422
    assert "too many pixels (at most 40 megapixels)" in r.get_data(as_text=True)
    assert count(app, Photo) == 0


def test_a_new_issue_with_a_refused_photo_is_not_filed(app, setup, signed_in):
    fields = {
        "store_id": setup["store"].id,
        "category": "hardware",
        "severity": "high",
        "title": "Card reader dead",
        "photo": (io.BytesIO(png_claiming(8000, 8000)), "x.png"),
    }
    r = signed_in(setup["engineer"]).submit(
        "/issues/new", fields, content_type="multipart/form-data"
    )
    assert r.status_code == 422 and "too many pixels" in r.get_data(as_text=True)
    assert count(app, Issue) == 1  # the fixture's only
