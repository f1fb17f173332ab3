"""Rules for photos: attach to a record the user may see (at most PHOTO_MAX_PER_RECORD to
one record), once per client id, stored safely."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from flask import current_app

from fieldops.auth import User
from fieldops.core.errors import Invalid, TooLarge
from fieldops.core.idempotency import create_once
from fieldops.database import has_written
from fieldops.extensions import db
from fieldops.issues import Issue
from fieldops.observations import Observation, check_may_name_visit
from fieldops.photos.images import CleanImage, NotAnImage, clean
from fieldops.photos.models import Photo
from fieldops.stores import get_visible


def storage_dir() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


def file_path(photo: Photo, thumbnail: bool = False) -> Path:
    name = photo.storage_name + ("-thumb" if thumbnail else "")
    return storage_dir() / photo.storage_name[:2] / name


def read_upload(upload: IO[bytes]) -> bytes:
    """An uploaded file's bytes, read no further than one byte past PHOTO_MAX_BYTES: enough
    for `clean_photo` to refuse it, however large the file is."""
    return upload.read(current_app.config["PHOTO_MAX_BYTES"] + 1)


def clean_photo(raw: bytes) -> CleanImage:
    """`raw` checked and cleaned: 413 over PHOTO_MAX_BYTES, 422 on `file` when it is no
    JPEG, PNG or WebP or has more than PHOTO_MAX_PIXELS (refused from its header).

    Call it before the request writes anything: it ends the request's transaction, which
    has only read so far (who is asking), and works on the image with none open. A large
    image takes seconds to decode and encode; on SQLite a request that may write holds the
    write lock from its first query (BEGIN IMMEDIATE), so every other write would wait for
    the image, and on PostgreSQL a connection would sit idle in transaction. The writes
    that follow (`add_photo`, the record a form creates with it) begin a new transaction.
    Ending a transaction that wrote would lose its writes, so that is refused: pending
    changes, and writes already sent (a flush, an UPDATE: `has_written`).
    """
    if len(raw) > current_app.config["PHOTO_MAX_BYTES"]:
        limit_mb = current_app.config["PHOTO_MAX_BYTES"] // (1024 * 1024)
        raise TooLarge(f"The photo is larger than {limit_mb} MB.", "file")
    session = db.session()
    if session.new or session.dirty or session.deleted or has_written(session):
        raise RuntimeError("clean_photo() must run before the request changes anything")
    db.session.rollback()
    try:
        return clean(
            raw,
            current_app.config["PHOTO_THUMBNAIL_PX"],
            current_app.config["PHOTO_MAX_PIXELS"],
        )
    except NotAnImage as err:
        raise Invalid(str(err), "file") from None


def photos_of(observation_id: int | None, issue_id: int | None) -> int:
    """How many photos the observation (or the issue) has."""
    column = Photo.observation_id if observation_id is not None else Photo.issue_id
    record_id = observation_id if observation_id is not None else issue_id
    return db.session.scalar(sa.select(sa.func.count()).where(column == record_id)) or 0


def check_room(present: int, adding: int, record: str) -> None:
    """Refuse (422 on `file`) `adding` photos to a `record` ("issue", "observation") that
    has `present`: a record holds at most PHOTO_MAX_PER_RECORD."""
    limit = current_app.config["PHOTO_MAX_PER_RECORD"]
    if present + adding <= limit:
        return
    if present == 0:
        message = f"An {record} can have at most {limit} photos; {adding} were chosen."
    elif present >= limit:
        message = f"This {record} already has {present} photos, the most it can have."
    else:
        left = limit - present
        message = (
            f"This {record} already has {present} photos; "
            f"{left} more can be added (at most {limit})."
        )
    raise Invalid(message, "file")


@dataclass(frozen=True)
class PhotoTarget:
    """Where a photo goes: its record's store, and the photo the uploader already sent with
    the same client_id, if any."""

    store_id: int
    existing: Photo | None


def photo_target(
    observation_id: int | None, issue_id: int | None, uploader: User, client_id: uuid.UUID
) -> PhotoTarget:
    """The record a photo goes to, once `uploader` may attach to it (404 unseen, 403 a visit
    not theirs, 422 a record that has its PHOTO_MAX_PER_RECORD photos already), only
    reading: run it before `clean_photo`, so a refused or repeated upload is answered
    without its image being decoded."""
    if (observation_id is None) == (issue_id is None):
        raise Invalid("Give exactly one of observation_id and issue_id.", "observation_id")
    if observation_id is not None:
        observation = get_visible(Observation, observation_id, uploader, "observation_id")
        if observation.visit is not None:
            check_may_name_visit(uploader, observation.visit, "observation_id")
        store_id = observation.store_id
    else:
        store_id = get_visible(Issue, issue_id, uploader, "issue_id").store_id
    existing = db.session.scalar(
        sa.select(Photo).where(Photo.uploader_id == uploader.id, Photo.client_id == client_id)
    )
    if existing is None:
        record = "observation" if observation_id is not None else "issue"
        check_room(photos_of(observation_id, issue_id), 1, record)
    return PhotoTarget(store_id, existing)


def add_photo(
    image: CleanImage,
    client_id: uuid.UUID,
    uploader: User,
    now: datetime,
    observation_id: int | None = None,
    issue_id: int | None = None,
) -> tuple[Photo, bool]:
    """(photo, created) for an image `clean_photo` made. A repeated client_id answers with
    the first upload. The target is checked again, in the transaction that writes: the
    image was worked on in between, with no transaction open. Its record's row is locked
    first (on PostgreSQL; SQLite writes one at a time anyway), so two uploads at once
    cannot both take a record's last free place."""
    _lock(observation_id, issue_id)
    target = photo_target(observation_id, issue_id, uploader, client_id)
    if target.existing is not None:
        return target.existing, False

    def build() -> Photo:
        return Photo(
            store_id=target.store_id,
            observation_id=observation_id,
            issue_id=issue_id,
            uploader_id=uploader.id,
            client_id=client_id,
            content_type=image.content_type,
            width=image.width,
            height=image.height,
            size_bytes=len(image.data),
            storage_name=secrets.token_hex(16),
            created_at=now,
        )

    photo, created = create_once(Photo, Photo.uploader_id, uploader.id, client_id, build)
    if created:
        _write(photo, image)
    return photo, created


def _lock(observation_id: int | None, issue_id: int | None) -> None:
    model, record_id = (
        (Observation, observation_id) if observation_id is not None else (Issue, issue_id)
    )
    db.session.execute(sa.select(model.id).where(model.id == record_id).with_for_update())


def _write(photo: Photo, image: CleanImage) -> None:
    for thumbnail, data in ((False, image.data), (True, image.thumbnail)):
        path = file_path(photo, thumbnail)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
