"""Checking and cleaning uploaded images with Pillow.

The type is read from the content, never from the name or the declared type. Every image
is re-encoded without its metadata (EXIF location included), turned upright first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 60_000_000


class NotAnImage(ValueError):
    pass


@dataclass(frozen=True)
class CleanImage:
    content_type: str
    extension: str
    width: int
    height: int
    data: bytes
    thumbnail: bytes


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=88)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def clean(raw: bytes, thumbnail_px: int) -> CleanImage:
    """Validate `raw` as a JPEG, PNG or WebP image; return it re-encoded, with a thumbnail."""
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format
            if fmt not in FORMATS:
                raise NotAnImage("Must be a JPEG, PNG or WebP image.")
            if probe.width * probe.height > MAX_PIXELS:
                raise NotAnImage("The image has too many pixels (at most 60 megapixels).")
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as err:
        raise NotAnImage("Must be a JPEG, PNG or WebP image.") from err
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    image.info.clear()  # drop EXIF, XMP, text chunks: only pixels go back out
    thumb = image.copy()
    thumb.thumbnail((thumbnail_px, thumbnail_px))
    return CleanImage(
        content_type=FORMATS[fmt],
        extension=EXTENSIONS[fmt],
        width=image.width,
        height=image.height,
        data=_encode(image, fmt),
        thumbnail=_encode(thumb, fmt),
    )
