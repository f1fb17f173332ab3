"""JSON routes for photos: upload, and the image files themselves (never as HTML)."""

from __future__ import annotations

from typing import Any

from flask import Response, send_file
from flask_login import current_user

from fieldops.auth import Action, requires
from fieldops.clock import utcnow
from fieldops.core.arguments import Blueprint
from fieldops.photos import services
from fieldops.photos.images import EXTENSIONS, FORMATS
from fieldops.photos.models import Photo
from fieldops.photos.schemas import PhotoFileSchema, PhotoFormSchema, PhotoSchema
from fieldops.stores import get_visible

blp = Blueprint("Photos", __name__, url_prefix="/api/photos", description="Photos")

EXTENSION_OF = {FORMATS[fmt]: EXTENSIONS[fmt] for fmt in FORMATS}


@blp.route("", methods=["POST"])
@requires(Action.CREATE_RECORDS)
@blp.arguments(PhotoFormSchema, location="form")
@blp.arguments(PhotoFileSchema, location="files")
@blp.response(201, PhotoSchema)
@blp.alt_response(200, schema=PhotoSchema, description="repeated client_id: the original")
def upload_photo(form: dict[str, Any], files: dict[str, Any]) -> tuple[Photo, int]:
    """Attach a JPEG, PNG or WebP (at most 10 MB) to an observation or an issue, which
    hold at most 10 photos each (PHOTO_MAX_PER_RECORD; an 11th is refused with 422).

    The type is checked by content; EXIF data (location included) is removed. An image of
    more than 40 megapixels (PHOTO_MAX_PIXELS) is refused (422) before it is decoded, as is
    an upload to a record the user may not add to (404/403); a repeated client_id answers
    the original without decoding the image again.
    """
    observation_id, issue_id = form["observation_id"], form["issue_id"]
    client_id = form["client_id"]
    # who may attach, and a repeated upload, are answered before the image is decoded
    earlier = services.photo_target(observation_id, issue_id, current_user, client_id).existing
    if earlier is not None:
        return earlier, 200
    image = services.clean_photo(services.read_upload(files["file"].stream))
    photo, created = services.add_photo(
        image, client_id, current_user, utcnow(), observation_id=observation_id, issue_id=issue_id
    )
    return photo, 201 if created else 200


def _send(photo_id: int, thumbnail: bool) -> Response:
    photo = get_visible(Photo, photo_id, current_user)
    response = send_file(
        services.file_path(photo, thumbnail),
        mimetype=photo.content_type,
        download_name=f"photo-{photo.id}.{EXTENSION_OF[photo.content_type]}",
        max_age=86400,
    )
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@blp.route("/<int:photo_id>", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, description="the image")
def get_photo(photo_id: int) -> Response:
    return _send(photo_id, thumbnail=False)


@blp.route("/<int:photo_id>/thumbnail", methods=["GET"])
@requires(Action.READ_RECORDS)
@blp.response(200, description="a thumbnail of the image")
def get_thumbnail(photo_id: int) -> Response:
    return _send(photo_id, thumbnail=True)
