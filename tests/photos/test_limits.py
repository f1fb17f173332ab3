"""What a large image may cost: refused over the pixel cap from its header, decoded once at
a time per process, with no database transaction open meanwhile."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from PIL import Image, ImageFile
from sqlalchemy.pool import NullPool

from fieldops.extensions import db
from fieldops.issues.models import Issue
from fieldops.photos import images
from fieldops.photos.images import clean
from fieldops.photos.models import Photo
from fieldops.photos.services import clean_photo
from tests.helpers import count, errors_of, image_bytes
from tests.photos.test_api import upload
from tests.photos.test_services import ORIENTATION, png_claiming

MAX_PIXELS = 40_000_000


class Decodes:
    """The images Pillow decodes: (format, size) as each starts, and how many finished."""

    def __init__(self) -> None:
        self.started: list[tuple[str, tuple[int, int]]] = []
        self.finished = 0


pytestmark = pytest.mark.usefixtures("now")  # time frozen before the world is built


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Decodes]:
    """decodes(during) watches every decode from now on; `during()` runs inside each, before
    its pixels are read."""

    def watch(during: Callable[[], None] = lambda: None) -> Decodes:
        seen = Decodes()
        original = ImageFile.ImageFile.load

        def load(image: ImageFile.ImageFile):  # noqa: ANN202 (Pillow's own signature)
            if not image.tile:  # loaded already: nothing left to decode
                return original(image)
            seen.started.append((image.format, image.size))
            during()
            pixels = original(image)
            seen.finished += 1
            return pixels

        monkeypatch.setattr(ImageFile.ImageFile, "load", load)
        return seen

    return watch


@pytest.mark.parametrize(
    "size",
    [(8000, 8000), (10_000, 10_000), (100_000, 100_000)],
    ids=["over-the-cap", "over-pillows-warning", "over-pillows-error"],
)
def test_a_tiny_file_claiming_many_pixels_is_refused_without_decoding(
    app, as_engineer, observation, decodes, size
):
    seen = decodes()
    data = png_claiming(*size)
    assert len(data) < 100
    r = upload(as_engineer, data, "huge.png", observation_id=observation.id)
    assert r.status_code == 422
    assert errors_of(r)["file"] == ["The image has too many pixels (at most 40 megapixels)."]
    assert seen.started == [] and count(app, Photo) == 0


def test_the_pixel_cap_is_a_setting(app, as_engineer, observation, decodes, monkeypatch):
    monkeypatch.setitem(app.config, "PHOTO_MAX_PIXELS", 10_000)
    seen = decodes()
    r = upload(as_engineer, image_bytes("PNG", (101, 100)), observation_id=observation.id)
    assert r.status_code == 422
    assert errors_of(r)["file"] == ["The image has too many pixels (at most 0.01 megapixels)."]
    assert seen.started == [] and count(app, Photo) == 0
    r = upload(as_engineer, image_bytes("PNG", (100, 100)), observation_id=observation.id)
    assert r.status_code == 201, r.get_json()
    assert seen.started == [("PNG", (100, 100))]


def test_a_jpeg_thumbnail_is_decoded_at_reduced_scale(decodes):
    seen = decodes()
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # sideways: the thumbnail is turned upright too
    cleaned = clean(image_bytes("JPEG", (2400, 1600), exif=exif), 320, MAX_PIXELS)
    # the image once at full size; its thumbnail by draft, at half scale (still at least
    # twice the thumbnail's size, for quality), not resized from the full image
    assert sorted(seen.started) == [("JPEG", (1200, 800)), ("JPEG", (2400, 1600))]
    assert (cleaned.width, cleaned.height) == (1600, 2400)
    assert Image.open(io.BytesIO(cleaned.thumbnail)).size == (213, 320)


def test_a_large_png_is_decoded_once(decodes):
    seen = decodes()
    cleaned = clean(image_bytes("PNG", (3000, 2000)), 320, MAX_PIXELS)
    assert seen.started == [("PNG", (3000, 2000))]
    assert Image.open(io.BytesIO(cleaned.thumbnail)).size == (320, 213)


def test_while_a_photo_is_decoded_the_request_holds_no_transaction(
    app, issue, as_engineer, observation, decodes
):
    """Another request can write meanwhile: on SQLite the write lock is free (a writer that
    may not wait at all gets through), and no transaction of the upload is open."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    issue_id = issue.id
    during: dict[str, bool] = {}

    def write_elsewhere() -> None:
        during["in_transaction"] = db.session().in_transaction()
        engine = sa.create_engine(url, poolclass=NullPool)
        with engine.connect() as conn:  # a writer that waits for no lock
            sqlite = url.startswith("sqlite")
            conn.exec_driver_sql("PRAGMA busy_timeout = 0" if sqlite else "SET lock_timeout = 1")
            conn.execute(
                sa.update(Issue).where(Issue.id == issue_id).values(title="Written meanwhile")
            )
            conn.commit()
        engine.dispose()
        during["wrote"] = True

    decodes(write_elsewhere)
    r = upload(as_engineer, image_bytes("PNG"), observation_id=observation.id)
    assert r.status_code == 201, r.get_json()
    assert during == {"in_transaction": False, "wrote": True}
    assert count(app, Issue, Issue.title == "Written meanwhile") == 1
    assert count(app, Photo) == 1


def test_one_image_is_decoded_at_a_time(decodes):
    first_inside, release = threading.Event(), threading.Event()
    overlapped: list[int] = []

    def hold_the_first() -> None:
        if len(seen.started) == 1:
            first_inside.set()
            release.wait(timeout=30)
        elif seen.finished == 0:
            overlapped.append(len(seen.started))

    seen = decodes(hold_the_first)
    data = image_bytes("PNG", (1500, 1000))
    results: list[images.CleanImage] = []
    threads = [
        threading.Thread(target=lambda: results.append(clean(data, 320, MAX_PIXELS)))
        for _ in range(2)
    ]
    threads[0].start()
    assert first_inside.wait(timeout=30)
    assert images.DECODE_LOCK.locked()  # while one image is worked on, no other starts
    threads[1].start()
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 2 and seen.finished == 2
    assert overlapped == []


@pytest.mark.parametrize("how", ["flushed", "executed"])
def test_an_image_is_not_worked_on_once_the_request_has_written(app, issue, how):
    """clean_photo ends the transaction; one that has written (its changes flushed, or an
    UPDATE sent) would lose the writes, so it is refused and they are kept."""
    with app.app_context():
        if how == "flushed":
            db.session.get(Issue, issue.id).title = "Written first"
            db.session.flush()
            assert not db.session.dirty  # nothing pending: the write is in the transaction
        else:
            db.session.execute(sa.update(Issue).values(title="Written first"))
        with pytest.raises(RuntimeError, match="before the request changes anything"):
            clean_photo(image_bytes("PNG"))
        db.session.commit()
        assert clean_photo(image_bytes("PNG")).content_type == "image/png"  # a new transaction
    assert count(app, Issue, Issue.title == "Written first") == 1
