"""At most 10 photos to an observation or an issue: through the API one at a time, and
several at once from the HTML forms (without JavaScript)."""

from __future__ import annotations

import io
import os
import secrets
import uuid

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from fieldops.extensions import db
from fieldops.issues.models import Issue
from fieldops.observations.models import Observation
from fieldops.photos.models import Photo
from tests.helpers import count, errors_of, image_bytes
from tests.photos.test_api import upload

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built

ISSUE_FIELDS = {"category": "hardware", "severity": "high", "title": "Card reader dead"}


def give_photos(app, how_many: int, **parent: int) -> None:
    """`how_many` photos already on the record (rows only: counting needs no image)."""
    with app.app_context():
        record = db.session.get(Issue if "issue_id" in parent else Observation, *parent.values())
        for _ in range(how_many):
            db.session.add(
                Photo(
                    store_id=record.store_id,
                    uploader_id=record.reporter_id if "issue_id" in parent else record.author_id,
                    client_id=uuid.uuid4(),
                    content_type="image/jpeg",
                    width=1,
                    height=1,
                    size_bytes=1,
                    storage_name=secrets.token_hex(16),
                    **parent,
                )
            )
        db.session.commit()


def files(how_many: int, data: bytes | None = None) -> list[FileStorage]:
    return [
        FileStorage(io.BytesIO(data or image_bytes("PNG")), filename=f"p{n}.png")
        for n in range(how_many)
    ]


def post_form(browser, form_url: str, fields: dict, field: str, photos: list, action=None):
    """The form posted as a browser posts it, several files under one name. The body is
    encoded in memory (the test client spools a large one to a file it never closes)."""
    body = MultiDict({**fields, "csrf_token": browser.token(form_url)})
    for photo in photos:
        body.add(field, photo)
    boundary, data = encode_multipart(body)
    return browser.client.post(
        action or form_url,
        data=data,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


# --- the API: one photo a request ---


@pytest.mark.parametrize("parent", ["issue", "observation"])
def test_an_eleventh_photo_is_refused_in_words(app, as_engineer, issue, observation, parent):
    record = issue if parent == "issue" else observation
    key = f"{parent}_id"
    give_photos(app, 9, **{key: record.id})
    assert upload(as_engineer, image_bytes(), **{key: record.id}).status_code == 201
    r = upload(as_engineer, image_bytes(), **{key: record.id})
    assert r.status_code == 422
    message = f"This {parent} already has 10 photos, the most it can have."
    assert errors_of(r) == {"file": [message]}
    assert count(app, Photo, getattr(Photo, key) == record.id) == 10


def test_a_repeated_upload_of_a_full_record_answers_the_original(app, as_engineer, issue):
    give_photos(app, 9, issue_id=issue.id)
    client_id = str(uuid.uuid4())
    first = upload(as_engineer, image_bytes(), issue_id=issue.id, client_id=client_id)
    again = upload(as_engineer, image_bytes(), issue_id=issue.id, client_id=client_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]


# --- the HTML forms without JavaScript: several files at once ---


def test_an_issue_is_filed_with_three_photos(app, world, browser_as_manager):
    fields = {**ISSUE_FIELDS, "store_id": world.store.id}
    r = post_form(browser_as_manager, "/issues/new", fields, "photo", files(3))
    assert r.status_code == 302, r.get_data(as_text=True)
    issue_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert count(app, Photo, Photo.issue_id == issue_id) == 3


def test_eleven_photos_with_a_new_issue_are_refused_before_anything_is_saved(
    app, world, browser_as_manager
):
    fields = {**ISSUE_FIELDS, "store_id": world.store.id}
    r = post_form(browser_as_manager, "/issues/new", fields, "photo", files(11))
    assert r.status_code == 422
    assert "An issue can have at most 10 photos; 11 were chosen." in r.get_data(as_text=True)
    assert count(app, Issue) == 0 and count(app, Photo) == 0


def test_an_observation_is_saved_with_two_photos(app, world, browser_as_engineer):
    url = f"/observations/new?store_id={world.store.id}&category=general"
    r = post_form(browser_as_engineer, url, {"text": "Two shelves"}, "photo", files(2))
    assert r.status_code == 302, r.get_data(as_text=True)
    assert count(app, Photo, Photo.observation_id.is_not(None)) == 2


def test_photos_added_to_an_issue_count_those_it_has(app, issue, browser_as_engineer):
    page = f"/issues/{issue.id}"
    action = f"{page}/photos"
    give_photos(app, 8, issue_id=issue.id)
    r = post_form(browser_as_engineer, page, {}, "file", files(3), action)
    assert r.status_code == 422
    assert "This issue already has 8 photos; 2 more can be added (at most 10)." in r.get_data(
        as_text=True
    )
    r = post_form(browser_as_engineer, page, {}, "file", files(2), action)
    assert r.status_code == 302
    assert "2 photos added." in browser_as_engineer.get(page).get_data(as_text=True)
    assert count(app, Photo, Photo.issue_id == issue.id) == 10


def test_adding_no_photo_to_an_issue_says_so(app, issue, browser_as_engineer):
    page = f"/issues/{issue.id}"
    empty = FileStorage(io.BytesIO(b""), filename="")
    r = post_form(browser_as_engineer, page, {}, "file", [empty], f"{page}/photos")
    assert r.status_code == 422 and "Choose a photo first." in r.get_data(as_text=True)


def noise_png(side: int) -> bytes:
    """A PNG of random pixels: it hardly compresses, like a large camera photo."""
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(
        out, "PNG", compress_level=1
    )
    return out.getvalue()


def test_the_forms_take_several_large_photos_at_once(app, world, browser_as_manager):
    big = noise_png(1200)  # about 4.3 MB: three are more than an API request may carry
    assert 3 * len(big) > app.config["MAX_CONTENT_LENGTH"]
    fields = {**ISSUE_FIELDS, "store_id": world.store.id}
    r = post_form(browser_as_manager, "/issues/new", fields, "photo", files(3, big))
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    assert count(app, Photo) == 3
