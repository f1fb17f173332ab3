"""Image checking and cleaning (fieldops/photos/images.py), without HTTP."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from fieldops.photos import images
from fieldops.photos.images import NotAnImage, clean
from tests.helpers import GPS_IFD, image_bytes, jpeg_with_gps

ORIENTATION = 0x0112
MAX_PIXELS = 40_000_000  # the setting's default


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_gps_and_all_other_exif_are_dropped():
    cleaned = clean(jpeg_with_gps(), 320, MAX_PIXELS)
    for data in (cleaned.data, cleaned.thumbnail):
        exif = opened(data).getexif()
        assert not exif.get_ifd(GPS_IFD) and len(exif) == 0


def test_a_sideways_phone_photo_is_turned_upright():
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "rotate 90 CW to view": the camera was held on its side
    cleaned = clean(image_bytes("JPEG", (80, 40), exif=exif), 320, MAX_PIXELS)
    assert (cleaned.width, cleaned.height) == (40, 80)
    assert opened(cleaned.data).size == (40, 80)
    assert ORIENTATION not in opened(cleaned.data).getexif()


@pytest.mark.parametrize("fmt, content_type", [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_transparency_survives(fmt, content_type):
    out = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 255, 100)).save(out, fmt)
    cleaned = clean(out.getvalue(), 320, MAX_PIXELS)
    assert cleaned.content_type == content_type
    assert opened(cleaned.data).mode == "RGBA"


def test_a_cmyk_jpeg_is_stored_as_rgb():
    out = io.BytesIO()
    Image.new("CMYK", (10, 10)).save(out, "JPEG")
    assert opened(clean(out.getvalue(), 320, MAX_PIXELS).data).mode == "RGB"


def test_the_thumbnail_keeps_the_aspect_ratio():
    cleaned = clean(image_bytes("PNG", (1000, 250)), 320, MAX_PIXELS)
    assert opened(cleaned.thumbnail).size == (320, 80)
    assert (cleaned.width, cleaned.height) == (1000, 250)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels."""
    data = bytearray(image_bytes("PNG", (1, 1)))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def test_an_image_with_too_many_pixels_is_refused_before_decoding():
    with pytest.raises(NotAnImage, match="too many pixels"):
        clean(png_claiming(8000, 8000), 320, MAX_PIXELS)


@pytest.mark.parametrize(
    "data",
    [b"", b"GIF89a", b"%PDF-1.7\n", image_bytes("GIF"), image_bytes("BMP")],
    ids=["empty", "gif-magic", "pdf", "gif", "bmp"],
)
def test_other_content_is_not_an_image(data):
    with pytest.raises(NotAnImage):
        clean(data, 320, MAX_PIXELS)


def mpo_bytes() -> bytes:
    """A JPEG holding a second picture (MPO, as a phone's depth or stereo shot): red first."""
    out = io.BytesIO()
    first, second = Image.new("RGB", (64, 48), (200, 0, 0)), Image.new("RGB", (64, 48), "blue")
    first.save(out, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    return out.getvalue()


def test_a_multi_picture_jpeg_is_stored_as_its_first_picture():
    cleaned = clean(mpo_bytes(), 32, MAX_PIXELS)
    assert cleaned.content_type == "image/jpeg" and cleaned.extension == "jpg"
    for data, size in ((cleaned.data, (64, 48)), (cleaned.thumbnail, (32, 24))):
        stored = opened(data)
        assert (stored.format, stored.size, getattr(stored, "n_frames", 1)) == ("JPEG", size, 1)
        red, _green, blue = stored.getpixel((5, 5))
        assert red > 150 and blue < 50


def test_a_format_pillow_opens_but_not_stored_is_not_an_image(monkeypatch):
    monkeypatch.delitem(images.STORED_AS, "MPO")  # as if Pillow named a format not expected
    with pytest.raises(NotAnImage, match="Must be a JPEG, PNG or WebP"):
        clean(mpo_bytes(), 320, MAX_PIXELS)
