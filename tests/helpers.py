"""Helpers shared by the API and service tests (plain functions, not fixtures)."""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from PIL import Image

from config import TestingConfig
from fieldops import create_app
from fieldops.extensions import db, limiter

GPS_IFD = 0x8825  # the EXIF tag that points at the GPS block


@contextmanager
def other_app(app: Flask, base: type = TestingConfig, **settings: Any) -> Iterator[Flask]:
    """A second app (`base` config plus `settings`), for what the session app cannot show.

    It shares the session app's database and upload folder unless `settings` say otherwise.
    The Limiter is one object bound to the last app initialised, so its storage is put
    back afterwards and the session app keeps its own counters.
    """
    settings.setdefault("SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"])
    settings.setdefault("UPLOAD_FOLDER", app.config["UPLOAD_FOLDER"])
    config = type("OtherConfig", (base,), settings)
    saved = limiter._storage, limiter._limiter
    try:
        second = create_app(config)
        yield second
    finally:
        limiter._storage, limiter._limiter = saved
        if "second" in locals():
            with second.app_context():
                db.engine.dispose()


def count(app: Flask, model: type[Any], *where: Any) -> int:
    """How many rows of `model` (matching `where`) the database holds now."""
    with app.app_context():
        stmt = sa.select(sa.func.count()).select_from(model)
        for clause in where:
            stmt = stmt.where(clause)
        return db.session.scalar(stmt)


def fetch(app: Flask, model: type[Any], record_id: int) -> Any:
    """The row as stored now, detached (its plain columns loaded)."""
    with app.app_context():
        record = db.session.get(model, record_id)
        if record is not None:
            db.session.expunge(record)
        return record


def new_client_id() -> str:
    return str(uuid.uuid4())


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), **save: Any) -> bytes:
    """A small real image in `fmt` (JPEG, PNG or WEBP), made with Pillow."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A JPEG whose EXIF holds a GPS position (as a phone camera writes it)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[GPS_IFD] = {
        1: "N",  # GPSLatitudeRef
        2: (41.0, 52.0, 41.0),  # GPSLatitude
        3: "W",  # GPSLongitudeRef
        4: (87.0, 37.0, 47.0),  # GPSLongitude
    }
    return image_bytes("JPEG", exif=exif)


def errors_of(response: Any) -> dict[str, Any]:
    """The field errors of a 4xx answer (the one error shape of the API)."""
    body = response.get_json()
    assert body is not None, response.data[:200]
    return body.get("errors", {})


def race(clients: list[Any], url: str, payload: dict[str, Any], method: str = "post") -> list[Any]:
    """Send the same request from every client at the same moment."""
    barrier = threading.Barrier(len(clients))
    answers: list[Any] = [None] * len(clients)
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            answers[i] = getattr(clients[i], method)(url, json=payload)
        except BaseException as err:  # noqa: BLE001  (re-raised in the main thread)
            errors.append(err)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return answers


def list_page_naming(client: Any, url: str, heading: str, named: str) -> str:
    """The list page at `url`, which has a bad parameter: shown anyway (422), with its
    heading and the parameter's problem named. Its HTML, for further checks."""
    r = client.get(url)
    page = r.get_data(as_text=True)
    assert r.status_code == 422, page[:500]
    assert heading in page
    assert named in page
    return page


def refuses_nul(client: Any, url: str) -> None:
    """A NUL in `url`'s query is refused (422) and said to be one."""
    r = client.get(url)
    assert r.status_code == 422
    assert "NUL" in r.get_data(as_text=True)
