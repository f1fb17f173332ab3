"""Checking and cleaning uploaded images with Pillow.

The type is read from the content, never from the name or the declared type. Every image
is re-encoded without its metadata (EXIF location included), turned upright first.

A small file can hold a huge image (a one-colour PNG of 60 megapixels fits in 250 KB and
decodes to 240 MB), so the cost is bounded before any pixel is decoded: `Image.open` reads
only the header, and an image over the pixel cap is refused from it. The one full-size
decode is then turned upright in place and thumbnailed from a reduced copy, never copied
at full size; a JPEG's thumbnail is decoded on its own at 1/2 to 1/8 scale (`draft`, which
libjpeg does while decoding). One image is worked on at a time per process
(`DECODE_LOCK`): a worker running threads never holds several decoded images at once.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# What Pillow may name a format it opens with `formats=list(FORMATS)`: a JPEG holding more
# pictures (a phone's depth or stereo shot) opens as "MPO", a JPEG subclass. Its first
# picture is kept, as a plain JPEG.
STORED_AS = {"MPO": "JPEG"} | {fmt: fmt for fmt in FORMATS}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
DECODE_LOCK = threading.Lock()
BAND_ROWS = 64  # rows of a reduced image made at a time
NOT_AN_IMAGE = "Must be a JPEG, PNG or WebP image."


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


def too_many_pixels(max_pixels: int) -> NotAnImage:
    return NotAnImage(
        f"The image has too many pixels (at most {max_pixels / 1_000_000:g} megapixels)."
    )


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        rgb = image if image.mode == "RGB" else image.convert("RGB")  # no full-size copy
        rgb.save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "WEBP":
        image.save(out, "WEBP", quality=88)
    else:
        image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _cleaned(image: Image.Image) -> Image.Image:
    """`image` (decoded) upright, in a mode its format can store, without metadata."""
    ImageOps.exif_transpose(image, in_place=True)
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    image.info.clear()  # drop EXIF, XMP, text chunks: only pixels go back out
    return image


def _reduce(image: Image.Image, factor: int) -> Image.Image:
    """`image.reduce(factor)`, a band of rows at a time: Pillow reduces an image with alpha
    through a premultiplied copy of its input, which for the whole image would be as large
    as the image itself. Every band but the last is a whole number of blocks, so the
    result is the same."""
    width, height = image.size
    out = Image.new(image.mode, (-(-width // factor), -(-height // factor)))
    step = factor * BAND_ROWS
    for top in range(0, height, step):
        band = image.crop((0, top, width, min(top + step, height)))
        out.paste(band.reduce(factor), (0, top // factor))
    return out


def _thumbnail(image: Image.Image, px: int) -> Image.Image:
    """A thumbnail of a decoded image, reduced by a whole factor first instead of copied.

    Like `Image.thumbnail` with its reducing gap of 2: the reduced image is still at least
    twice the thumbnail's size, so the final resampling keeps its quality.
    """
    factor = max(image.size) // (2 * px)
    reducible = factor > 1 and image.mode != "P"  # a palette image is resized by nearest
    thumb = _reduce(image, factor) if reducible else image.copy()
    thumb.thumbnail((px, px))
    return thumb


def _jpeg_thumbnail(raw: bytes, px: int) -> Image.Image:
    """A JPEG's thumbnail decoded at reduced scale: `thumbnail` on an image not yet loaded
    calls `draft`, so libjpeg decodes 1/2 to 1/8 of the pixels."""
    with Image.open(io.BytesIO(raw), formats=["JPEG"]) as small:
        small.thumbnail((px, px))
        return _cleaned(small)


def _clean_decoded(probe: Image.ImageFile.ImageFile, raw: bytes, px: int) -> CleanImage:
    fmt = STORED_AS[probe.format]
    thumb = _jpeg_thumbnail(raw, px) if fmt == "JPEG" else None
    image = _cleaned(probe)
    if thumb is None:
        thumb = _thumbnail(image, px)
    return CleanImage(
        content_type=FORMATS[fmt],
        extension=EXTENSIONS[fmt],
        width=image.width,
        height=image.height,
        data=_encode(image, fmt),
        thumbnail=_encode(thumb, fmt),
    )


def clean(raw: bytes, thumbnail_px: int, max_pixels: int) -> CleanImage:
    """Validate `raw` as a JPEG, PNG or WebP image of at most `max_pixels`; return it
    re-encoded, with a thumbnail. The pixel count is checked before anything is decoded."""
    try:
        with Image.open(io.BytesIO(raw), formats=list(FORMATS)) as probe:
            if probe.format not in STORED_AS:
                raise NotAnImage(NOT_AN_IMAGE)
            if probe.width * probe.height > max_pixels:
                raise too_many_pixels(max_pixels)
            with DECODE_LOCK:
                return _clean_decoded(probe, raw, thumbnail_px)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as err:
        # Pillow's own limits (well above the cap): an error past twice MAX_IMAGE_PIXELS,
        # a warning past it, raised only where warnings are errors (the test suite).
        raise too_many_pixels(max_pixels) from err
    except (UnidentifiedImageError, OSError, SyntaxError) as err:
        raise NotAnImage(NOT_AN_IMAGE) from err
