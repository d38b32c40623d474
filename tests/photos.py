"""Image files for tests: real photos, photos with EXIF/GPS, bombs, polyglots, fakes.

Shared by the patrol and aspiration tests; everything is generated in memory.
"""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
MODEL = 0x0110


def jpeg_bytes(
    width: int = 640,
    height: int = 480,
    *,
    orientation: int | None = None,
    gps: bool = False,
    colour: tuple[int, int, int] = (40, 120, 200),
) -> bytes:
    """A JPEG whose left half is red and right half `colour`; optional EXIF orientation and GPS."""
    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).rectangle([0, 0, width // 2 - 1, height - 1], fill=(220, 20, 20))
    exif = Image.Exif()
    exif[MAKE] = "Samsung"
    exif[MODEL] = "Galaxy A05"
    if orientation is not None:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {
            1: "S",
            2: (6.0, 29.0, 15.0),
            3: "E",
            4: (108.0, 30.0, 11.0),
        }
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


def png_bytes(width: int = 320, height: int = 240, *, mode: str = "RGB", text: dict[str, str] | None = None) -> bytes:
    from PIL import PngImagePlugin

    fill = (10, 200, 90, 128) if mode == "RGBA" else (10, 200, 90)
    image = Image.new(mode, (width, height), fill)
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that *declares* width x height (a decompression bomb as far as the header goes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def png_zero_bomb(side: int) -> bytes:
    """A real, complete 1-bit PNG of side x side zeros: a few KB that decode to side² pixels."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    raw = zlib.compress(row * side, 9)
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", raw) + _chunk(b"IEND", b"")


HTML_PAYLOAD = b"<html><body><script>alert(document.cookie)</script></body></html>"


def png_html_polyglot() -> bytes:
    """A valid PNG carrying HTML in a text chunk and again after IEND."""
    return png_bytes(64, 64, text={"Comment": HTML_PAYLOAD.decode()}) + HTML_PAYLOAD


def upload(content: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def photo_upload(name: str = "foto.jpg", **kwargs) -> SimpleUploadedFile:
    return upload(jpeg_bytes(**kwargs), name)


def phone_photo_bytes(*, width: int = 4000, height: int = 3000) -> bytes:
    """A 12-megapixel "phone photo" of about 2.5 MB: a gradient under grain, which JPEG
    cannot squeeze much at full size but which shrinks like a real photo when scaled."""
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    grain = Image.effect_noise((width, height), 40).convert("RGB")
    buffer = io.BytesIO()
    Image.blend(base, grain, 0.3).save(buffer, format="JPEG", quality=74)
    return buffer.getvalue()
