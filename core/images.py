"""The photo pipeline shared by patrols and aspirations.

Nothing a phone uploads is ever stored as sent. `process_photo` decodes the upload
with Pillow (JPEG, PNG or WebP only), refuses anything that is not a whole, sensibly
sized image, applies the EXIF orientation, and re-encodes the pixels to a fresh JPEG
(plus a thumbnail) with no metadata at all: no EXIF, no GPS, no ICC or comment
chunks, and no trailing bytes, so a PNG+HTML polyglot comes out as a plain JPEG.
Files get random names; they live in the media storage (MEDIA_ROOT, or the private
S3 bucket several app servers share), which no URL serves: views check permission
first and then call `photo_response`, which streams through the storage API only.
"""

from __future__ import annotations

import io
import secrets
import struct
import warnings
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 8000
DISPLAY_SIDE = 1600
THUMB_SIDE = 400

# Lossless formats are decoded whole: 24 MP (a 6000 x 4000 screenshot) at most, and
# at most 200 pixels per byte of file (real PNG/WebP photos hold under 5).
MAX_LOSSLESS_PIXELS = 24_000_000
MAX_PIXELS_PER_BYTE = 200

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp"
JPEG_QUALITY = 82
THUMB_QUALITY = 75
CONTENT_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".webp": "image/webp"}


@dataclass(frozen=True)
class ProcessedPhoto:
    """A re-encoded photo ready to be saved into a FileField (nothing is stored yet)."""

    image: ContentFile[bytes]
    thumbnail: ContentFile[bytes]
    width: int
    height: int


def _error(message: StrOrPromise, code: str, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params=params or None)


def _not_an_image() -> ValidationError:
    return _error(
        _("This file is not a photo we can read. Send a JPEG, PNG or WebP picture."),
        "not_an_image",
    )


def process_photo(upload: IO[bytes], *, max_bytes: int = MAX_UPLOAD_BYTES, max_side: int = MAX_SIDE) -> ProcessedPhoto:
    """Validate an uploaded file and return its cleaned, re-encoded JPEG and thumbnail.

    Raises ValidationError with code "too_large", "not_an_image", "too_many_pixels"
    or "too_wide". Costs at most one decode of the image; JPEGs are decoded at a
    reduced scale (libjpeg's DCT scaling), so a 48-megapixel photo never needs
    48 megapixels of memory.
    """
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > max_bytes:
        raise _error(
            _("The photo is too large (%(size)s); the limit is %(limit)s."),
            "too_large",
            size=filesizeformat(size),
            limit=filesizeformat(max_bytes),
        )
    if size == 0:
        raise _not_an_image()
    max_pixels = max_side * max_side
    upload.seek(0)
    try:
        # Pillow's own bomb guard only warns below twice its limit: make it an error.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=ACCEPTED_FORMATS) as original:
                width, height = original.size
                if width * height > max_pixels:
                    raise _too_many_pixels(max_side)
                if width > max_side or height > max_side:
                    raise _error(
                        _("The photo is too wide or too tall; at most %(max_side)s pixels a side."),
                        "too_wide",
                        max_side=max_side,
                    )
                if original.format in {"JPEG", "MPO"}:
                    # libjpeg decodes at 1/2, 1/4 or 1/8 scale: a 48 MP photo never
                    # needs 48 MP of memory.
                    original.draft("RGB", (DISPLAY_SIDE, DISPLAY_SIDE))
                else:
                    # PNG and WebP decode at full size: refuse sizes no phone takes and
                    # files whose pixels are out of all proportion to their bytes (a few
                    # KB claiming 64 MP), which would cost seconds and a gigabyte each.
                    if width * height > MAX_LOSSLESS_PIXELS or width * height > size * MAX_PIXELS_PER_BYTE:
                        raise _too_many_pixels(max_side)
                # Shrink first, then rotate and flatten the small copy only.
                original.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE), Image.Resampling.LANCZOS)
                picture = ImageOps.exif_transpose(original)
                picture = _to_rgb(picture)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(max_side) from None
    except UnidentifiedImageError:
        raise _not_an_image() from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError) as exc:
        # Truncated or corrupt data (pixels or EXIF) surfaces as one of these from the decoders.
        raise _error(
            _("The photo is damaged or incomplete. Try sending it again."),
            "not_an_image",
        ) from exc

    display = _fit(picture, DISPLAY_SIDE)
    thumb = _fit(display, THUMB_SIDE)
    token = secrets.token_hex(16)
    return ProcessedPhoto(
        image=ContentFile(_encode(display, JPEG_QUALITY), name=f"{token}.jpg"),
        thumbnail=ContentFile(_encode(thumb, THUMB_QUALITY), name=f"{token}_t.jpg"),
        width=display.width,
        height=display.height,
    )


def _format(message: Any, **params: Any) -> str:
    return str(message % params)


def _too_large() -> str:
    return str(_("This photo is larger than %(limit)s.") % {"limit": filesizeformat(MAX_UPLOAD_BYTES)})


_lazy_format = lazy(_format, str)
_lazy_too_large = lazy(_too_large, str)


def _too_many_pixels(max_side: int) -> ValidationError:
    return _error(
        _("The photo has too many pixels; at most %(max_side)s × %(max_side)s."),
        "too_many_pixels",
        max_side=max_side,
    )


def _to_rgb(picture: Image.Image) -> Image.Image:
    """Flatten transparency onto white and drop palettes: JPEG holds plain RGB."""
    if picture.mode in {"RGBA", "LA", "PA"} or (picture.mode == "P" and "transparency" in picture.info):
        rgba = picture.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    if picture.mode != "RGB":
        return picture.convert("RGB")
    return picture


def _fit(picture: Image.Image, side: int) -> Image.Image:
    if max(picture.size) <= side:
        return picture
    resized = picture.copy()
    resized.thumbnail((side, side), Image.Resampling.LANCZOS)
    return resized


def _encode(picture: Image.Image, quality: int) -> bytes:
    # A fresh Image carries no `info`, and nothing is passed for exif/icc/comment:
    # the output holds pixels only.
    clean = Image.new("RGB", picture.size)
    clean.paste(picture)
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one <input type=file multiple>; cleans to list[ProcessedPhoto].

    Every file is decoded and re-encoded during form validation, so a form that
    fails validation has stored nothing.
    """

    widget = MultiplePhotoInput
    default_error_messages = {
        "too_many_files": ngettext_lazy(
            "Send at most %(max_files)d photo.",
            "Send at most %(max_files)d photos.",
            "max_files",
        ),
    }

    def __init__(self, *, max_files: int, **kwargs: Any) -> None:
        self.max_files = max_files
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        """The limits and their messages for static/js/photos.js, which checks a choice
        before anything is sent and shrinks each photo in the browser.

        Lazy: fields are built once per process, the messages are read in the
        language of each request that renders them.
        """
        attrs = super().widget_attrs(widget)
        too_many = self.default_error_messages["too_many_files"]
        attrs.update(
            {
                "data-krk-max-files": self.max_files,
                "data-krk-max-bytes": MAX_UPLOAD_BYTES,
                "data-krk-max-side": DISPLAY_SIDE,
                "data-krk-too-many": _lazy_format(too_many, max_files=self.max_files),
                "data-krk-too-large": _lazy_too_large(),
            }
        )
        return attrs

    def clean(self, data: Any, initial: Any = None) -> list[ProcessedPhoto]:
        if data is None or data is False:
            files = []
        elif isinstance(data, list | tuple):
            files = [upload for upload in data if upload]
        else:
            files = [data]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise ValidationError(
                self.error_messages["too_many_files"], code="too_many_files", params={"max_files": self.max_files}
            )
        photos: list[ProcessedPhoto] = []
        errors: list[ValidationError] = []
        for upload in files:
            try:
                super().clean(upload, initial)
                photos.append(process_photo(upload))
            except ValidationError as error:
                # Name the file, keep the code: "IMG_2041.jpg: The photo is too large ...".
                name = PurePath(getattr(upload, "name", "") or "").name
                for item in error.error_list:
                    errors.append(
                        ValidationError(
                            "%(name)s: %(message)s", code=item.code, params={"name": name, "message": next(iter(item))}
                        )
                    )
        if errors:
            raise ValidationError(errors)
        return photos

    def has_changed(self, initial: Any, data: Any) -> bool:
        return bool(data)


def photo_response(file_field: FieldFile, *, download_name: str) -> FileResponse:
    """Serve a stored photo inline, for views that have already checked permission.

    The response can never be sniffed into HTML; the site-wide Content-Security-Policy
    applies as to any page. The views add `never_cache`: residents' photos must not
    stay in a shared computer's cache. From a bucket, opening costs one HEAD request
    (404 when the object is gone) and one GET that fetches the object (into memory,
    or a temporary file past the storage's 2.5 MB read buffer) before the
    response starts.
    """
    suffix = PurePath(file_field.name or "").suffix.lower()
    content_type = CONTENT_TYPES.get(suffix, "application/octet-stream")
    try:
        handle = file_field.open("rb")
    except FileNotFoundError:
        raise Http404 from None  # the row outlived its file (restored database, lost disk)
    response = FileResponse(handle, content_type=content_type, filename=download_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
