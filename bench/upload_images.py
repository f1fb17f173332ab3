"""The images bench/uploads.py sends, made with Pillow once and cached in bench/.cache/."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from bench.generate import CACHE_DIR

ORIENTATION = 0x0112
SIZE_40MP = (7300, 5475)  # 39,967,500 pixels: just under the 40 MP cap
BOMB = (7740, 7740)  # 59,907,600 pixels of one colour: a 232 KB PNG, 240 MB decoded


def _gradient(size: tuple[int, int]) -> Image.Image:
    """Smooth colours over the whole frame: a large image that still compresses well."""
    across = Image.linear_gradient("L").rotate(90).resize(size)
    down = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (across, down, Image.new("L", size, 90)))


def _png_rgba_40mp() -> bytes:
    image = _gradient(SIZE_40MP)
    image.putalpha(Image.linear_gradient("L").resize(SIZE_40MP))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _jpeg_40mp_sideways() -> bytes:
    """A 40 MP JPEG as a phone held on its side writes it (EXIF orientation 6)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = io.BytesIO()
    _gradient(SIZE_40MP).save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def _png_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", BOMB, (200, 30, 30, 255)).save(out, "PNG", optimize=True)
    return out.getvalue()


def _small_jpeg() -> bytes:
    out = io.BytesIO()
    _gradient((1600, 1200)).save(out, "JPEG", quality=85)
    return out.getvalue()


@dataclass(frozen=True)
class UploadImage:
    key: str
    label: str
    name: str
    make: Callable[[], bytes]

    def data(self) -> bytes:
        path = CACHE_DIR / f"upload-{self.key}"
        if not path.exists():
            CACHE_DIR.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.make())
        return path.read_bytes()


# The first is the warm-up image; the others are measured.
IMAGES = [
    UploadImage("small.jpg", "1600 × 1200 JPEG", "small.jpg", _small_jpeg),
    UploadImage("bomb.png", "7,740 × 7,740 RGBA PNG (60 MP)", "bomb.png", _png_bomb),
    UploadImage("40mp.png", "7,300 × 5,475 RGBA PNG (40 MP)", "big.png", _png_rgba_40mp),
    UploadImage("40mp.jpg", "7,300 × 5,475 JPEG (40 MP, sideways)", "big.jpg", _jpeg_40mp_sideways),
]
