"""The photos an HTML form sends with its record (a new observation, an issue), up to
PHOTO_MAX_PER_RECORD in one post."""

from __future__ import annotations

from flask import request

from fieldops.photos.images import CleanImage
from fieldops.photos.services import check_room, clean_photo, read_upload


def form_photos(field: str = "photo", record: str = "issue", present: int = 0) -> list[CleanImage]:
    """The form's photos, checked and cleaned (none when none was chosen). A `record`
    ("issue", "observation") that has `present` photos is refused more than it may hold,
    before any image is worked on.

    Call it before the form's record is written (see `clean_photo`), then attach each
    result with `add_photo`.
    """
    uploads = [upload for upload in request.files.getlist(field) if upload.filename]
    check_room(present, len(uploads), record)
    return [clean_photo(read_upload(upload.stream)) for upload in uploads]
