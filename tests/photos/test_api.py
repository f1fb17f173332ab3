"""/api/photos: images checked by content, cleaned of location, thumbnailed, served safely."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from fieldops.photos.models import Photo
from tests.helpers import GPS_IFD, count, errors_of, image_bytes, jpeg_with_gps, new_client_id
from tests.photos.test_services import mpo_bytes

pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built


def multipart(fields: dict[str, Any]) -> dict[str, Any]:
    """A multipart body encoded in memory. (Werkzeug's test client spools bodies over 500 KB
    to a temporary file it never closes; `filterwarnings = error` would fail on that.)"""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(client, data: bytes, name: str = "photo.jpg", **form: Any):
    fields = {"client_id": new_client_id(), **{k: str(v) for k, v in form.items()}}
    fields["file"] = FileStorage(io.BytesIO(data), filename=name)
    return client.post("/api/photos", **multipart(fields))


def download(client, url: str):
    """GET a photo, read to the end (a file response must be closed or it leaks a handle)."""
    return client.get(url, buffered=True)


@pytest.mark.parametrize(
    "fmt, name, content_type",
    [
        ("JPEG", "a.jpg", "image/jpeg"),
        ("PNG", "a.png", "image/png"),
        ("WEBP", "a.webp", "image/webp"),
        ("PNG", "misnamed.jpg", "image/png"),  # the content decides, not the name
    ],
)
def test_images_are_accepted_by_content(as_engineer, observation, fmt, name, content_type):
    r = upload(
        as_engineer,
        image_bytes(fmt, (64, 48)),
        name,
        observation_id=observation.id,
    )
    assert r.status_code == 201, r.get_json()
    photo = r.get_json()
    assert photo["content_type"] == content_type
    assert (photo["width"], photo["height"]) == (64, 48)
    served = download(as_engineer, photo["url"])
    assert served.status_code == 200 and served.mimetype == content_type
    assert Image.open(io.BytesIO(served.data)).format == fmt


@pytest.mark.parametrize(
    "data, name",
    [
        (b"just some text, not an image\n" * 10, "notes.jpg"),
        (b"<html><script>alert(1)</script></html>", "page.png"),
        (image_bytes("GIF"), "anim.gif"),
        (image_bytes("JPEG")[:200], "truncated.jpg"),
    ],
)
def test_non_images_are_refused_naming_the_file(app, as_engineer, observation, data, name):
    r = upload(as_engineer, data, name, observation_id=observation.id)
    assert r.status_code == 422, r.get_json()
    assert "file" in errors_of(r)
    assert count(app, Photo) == 0


def test_a_photo_over_10_mb_is_413(app, as_engineer, observation):
    # a real PNG padded past 10 MB with an ancillary chunk
    big = image_bytes("PNG") + b"\0" * (10 * 1024 * 1024)
    r = upload(as_engineer, big, observation_id=observation.id)
    assert r.status_code == 413 and r.is_json
    assert "10 MB" in r.get_json()["message"] and "file" in errors_of(r)
    assert count(app, Photo) == 0


def test_a_request_far_over_the_limit_is_413_json(app, as_engineer, issue):
    r = upload(as_engineer, b"\xff" * (12 * 1024 * 1024), issue_id=issue.id)
    assert r.status_code == 413 and r.is_json
    assert count(app, Photo) == 0


def test_exif_location_is_removed(as_engineer, observation):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test image has it
    r = upload(as_engineer, original, observation_id=observation.id)
    assert r.status_code == 201, r.get_json()
    for url in (r.get_json()["url"], r.get_json()["thumbnail_url"]):
        served = Image.open(io.BytesIO(download(as_engineer, url).data))
        exif = served.getexif()
        assert not exif.get_ifd(GPS_IFD) and GPS_IFD not in exif
        assert "exif" not in served.info


def test_thumbnail_is_served_small(as_engineer, issue):
    r = upload(as_engineer, image_bytes("JPEG", (1600, 1200)), issue_id=issue.id)
    assert r.status_code == 201
    photo = r.get_json()
    thumb = download(as_engineer, photo["thumbnail_url"])
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(thumb.data)).size == (320, 240)
    assert (photo["width"], photo["height"]) == (1600, 1200)


def test_photos_show_on_their_record(as_engineer, observation, issue):
    upload(as_engineer, image_bytes("PNG"), observation_id=observation.id)
    upload(as_engineer, image_bytes("PNG"), issue_id=issue.id)
    observation_read = as_engineer.get(f"/api/observations/{observation.id}")
    issue_read = as_engineer.get(f"/api/issues/{issue.id}")
    assert len(observation_read.get_json()["photos"]) == 1
    assert len(issue_read.get_json()["photos"]) == 1


def test_served_photos_are_never_sniffed_as_html(as_engineer, observation):
    r = upload(as_engineer, image_bytes("PNG"), observation_id=observation.id)
    served = download(as_engineer, r.get_json()["url"])
    assert served.headers["Content-Type"].startswith("image/")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert "attachment" not in served.headers.get("Content-Disposition", "")


def test_manager_of_another_store_gets_404_for_the_photo(
    as_engineer, as_manager, as_other_manager, observation
):
    r = upload(as_engineer, image_bytes("PNG"), observation_id=observation.id)
    photo = r.get_json()
    own_manager = as_manager
    stranger = as_other_manager
    assert download(own_manager, photo["url"]).status_code == 200
    assert stranger.get(photo["url"]).status_code == 404
    assert stranger.get(photo["thumbnail_url"]).status_code == 404
    assert as_engineer.get("/api/photos/999999").status_code == 404


def test_photo_needs_exactly_one_parent(app, as_engineer, observation, issue):
    r = upload(as_engineer, image_bytes("PNG"))
    assert r.status_code == 422 and "observation_id" in errors_of(r)
    r = upload(
        as_engineer,
        image_bytes("PNG"),
        observation_id=observation.id,
        issue_id=issue.id,
    )
    assert r.status_code == 422
    assert count(app, Photo) == 0


def test_photo_without_a_file_or_client_id_is_refused(as_engineer, issue):
    r = as_engineer.post(
        "/api/photos",
        data={"client_id": new_client_id(), "issue_id": str(issue.id)},
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "file" in errors_of(r)
    r = as_engineer.post(
        "/api/photos",
        **multipart(
            {
                "issue_id": str(issue.id),
                "file": FileStorage(io.BytesIO(image_bytes()), "a.jpg"),
            }
        ),
    )
    assert r.status_code == 422 and "client_id" in errors_of(r)


def test_unknown_parent_is_404(as_engineer):
    r = upload(as_engineer, image_bytes("PNG"), issue_id=999999)
    assert r.status_code == 404 and "issue_id" in errors_of(r)


def test_repeated_client_id_answers_the_first_upload(app, as_engineer, observation, tmp_upload_dir):
    client_id = new_client_id()
    first = upload(
        as_engineer,
        image_bytes("PNG"),
        client_id=client_id,
        observation_id=observation.id,
    )
    again = upload(
        as_engineer,
        image_bytes("JPEG"),
        client_id=client_id,
        observation_id=observation.id,
    )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert count(app, Photo) == 1


def test_files_are_stored_outside_static_under_server_made_names(
    app, as_engineer, observation, tmp_upload_dir
):
    def files() -> set:
        return {p for p in tmp_upload_dir.rglob("*") if p.is_file()}

    before = files()
    r = upload(
        as_engineer,
        image_bytes("PNG"),
        "../../evil.html",
        observation_id=observation.id,
    )
    assert r.status_code == 201
    stored = files() - before
    assert len(stored) == 2  # the image and its thumbnail
    assert all("evil" not in p.name and p.suffix == "" for p in stored)
    assert "static" not in str(tmp_upload_dir)


def test_a_multi_picture_jpeg_is_accepted_as_a_jpeg(as_engineer, issue):
    r = upload(as_engineer, mpo_bytes(), "depth.jpg", issue_id=issue.id)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["content_type"] == "image/jpeg"
    served = download(as_engineer, r.get_json()["url"])
    assert Image.open(io.BytesIO(served.data)).format == "JPEG"
