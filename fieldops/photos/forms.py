"""The photo an HTML form sends with its record (a new observation, an issue)."""

from __future__ import annotations

from flask import request

from fieldops.photos.images import CleanImage
from fieldops.photos.services import clean_photo


def form_photo(field: str = "photo") -> CleanImage | None:
    """The form's photo, checked and cleaned, or None when none was chosen.

    Call it before the form's record is written (see `clean_photo`), then attach the result
    with `add_photo`.
    """
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    return clean_photo(upload.read())
