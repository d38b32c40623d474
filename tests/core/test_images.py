"""The shared photo pipeline: what comes out is a clean JPEG, what is refused is refused."""

import io

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict
from PIL import Image

from core.images import (
    DISPLAY_SIDE,
    MAX_UPLOAD_BYTES,
    THUMB_SIDE,
    MultiplePhotoField,
    ProcessedPhoto,
    photo_response,
    process_photo,
)
from tests.photos import (
    GPS_IFD,
    HTML_PAYLOAD,
    jpeg_bytes,
    png_bytes,
    png_header_only,
    png_html_polyglot,
    png_zero_bomb,
    upload,
)


def reopen(content_file) -> Image.Image:
    content_file.seek(0)
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


def error_code(excinfo) -> str:
    return excinfo.value.error_list[0].code


class TestProcessPhoto:
    def test_returns_a_jpeg_and_a_thumbnail_with_random_names(self):
        photo = process_photo(upload(jpeg_bytes(2400, 1800)))
        assert isinstance(photo, ProcessedPhoto)
        assert (photo.width, photo.height) == (DISPLAY_SIDE, 1200)
        assert reopen(photo.image).format == "JPEG"
        assert max(reopen(photo.thumbnail).size) == THUMB_SIDE
        assert photo.image.name.endswith(".jpg")
        assert len(photo.image.name) == 32 + len(".jpg")
        assert photo.image.name != process_photo(upload(jpeg_bytes())).image.name
        assert "foto" not in photo.image.name

    def test_small_photos_are_not_enlarged(self):
        photo = process_photo(upload(jpeg_bytes(300, 200)))
        assert (photo.width, photo.height) == (300, 200)

    def test_exif_orientation_is_applied(self):
        # Stored sideways (200 x 100, red on the left) with "rotate 90° clockwise to view".
        photo = process_photo(upload(jpeg_bytes(200, 100, orientation=6)))
        image = reopen(photo.image)
        assert image.size == (100, 200)
        top, bottom = image.getpixel((50, 10)), image.getpixel((50, 190))
        assert top[0] > 180 and top[2] < 80, "the red half should now be on top"
        assert bottom[2] > 150, "the other half should now be at the bottom"

    def test_no_exif_or_gps_is_left(self):
        original = jpeg_bytes(orientation=1, gps=True)
        assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test file really has GPS
        photo = process_photo(upload(original))
        for stored in (photo.image, photo.thumbnail):
            image = reopen(stored)
            assert not image.getexif()
            assert "exif" not in image.info
            assert "icc_profile" not in image.info
            stored.seek(0)
            raw = stored.read()
            assert b"Exif" not in raw
            assert b"Samsung" not in raw
            assert b"Galaxy" not in raw

    def test_png_with_transparency_becomes_a_jpeg_on_white(self):
        photo = process_photo(upload(png_bytes(mode="RGBA"), "layar.png", "image/png"))
        image = reopen(photo.image)
        assert image.format == "JPEG"
        assert image.mode == "RGB"

    def test_webp_is_accepted(self):
        buffer = io.BytesIO()
        Image.new("RGB", (50, 40), (1, 2, 3)).save(buffer, format="WEBP")
        assert process_photo(upload(buffer.getvalue(), "a.webp", "image/webp")).width == 50

    def test_text_file_named_jpg_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(b"Ini bukan foto, hanya teks.\n" * 20, "foto.jpg"))
        assert error_code(excinfo) == "not_an_image"

    def test_other_image_formats_are_refused(self):
        buffer = io.BytesIO()
        Image.new("RGB", (10, 10)).save(buffer, format="BMP")
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(buffer.getvalue(), "foto.jpg"))
        assert error_code(excinfo) == "not_an_image"

    def test_empty_file_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(b"", "foto.jpg"))
        assert error_code(excinfo) == "not_an_image"

    def test_truncated_file_is_refused(self):
        whole = jpeg_bytes(800, 600)
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(whole[: len(whole) // 2]))
        assert error_code(excinfo) == "not_an_image"

    def test_png_html_polyglot_is_re_encoded_without_the_html(self):
        photo = process_photo(upload(png_html_polyglot(), "foto.png", "image/png"))
        for stored in (photo.image, photo.thumbnail):
            stored.seek(0)
            raw = stored.read()
            assert raw.startswith(b"\xff\xd8")
            assert b"<script" not in raw
            assert b"<html" not in raw
            assert HTML_PAYLOAD not in raw

    def test_oversize_file_is_refused_before_decoding(self):
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(b"\xff\xd8" + b"\x00" * MAX_UPLOAD_BYTES))
        assert error_code(excinfo) == "too_large"
        message = excinfo.value.messages[0].replace("\xa0", " ")
        assert "10,0 MB" in message or "10.0 MB" in message

    def test_max_bytes_can_be_lowered(self):
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(jpeg_bytes()), max_bytes=1000)
        assert error_code(excinfo) == "too_large"

    @pytest.mark.parametrize("side", [10_000, 50_000])
    def test_decompression_bomb_header_is_refused(self, side):
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(png_header_only(side, side), "bom.png", "image/png"))
        assert error_code(excinfo) == "too_many_pixels"

    def test_pillow_bomb_warning_is_an_error_not_a_warning(self, recwarn):
        # With a generous max_side our own cap lets 100 Mpx through; Pillow's warning must stop it.
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(png_header_only(10_000, 10_000), "bom.png", "image/png"), max_side=20_000)
        assert error_code(excinfo) == "too_many_pixels"
        assert not [w for w in recwarn if issubclass(w.category, Image.DecompressionBombWarning)]

    def test_small_file_that_decodes_to_many_pixels_is_refused(self):
        bomb = png_zero_bomb(3000)
        assert len(bomb) < 10_000
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(bomb, "bom.png", "image/png"), max_side=1000)
        assert error_code(excinfo) == "too_many_pixels"

    def test_lossless_file_within_the_side_limit_but_tiny_for_its_pixels_is_refused(self):
        # 7000 x 7000 is inside MAX_SIDE, but a few KB of PNG claiming 49 MP would cost
        # seconds of CPU and a gigabyte to decode in full: refused before decoding.
        bomb = png_zero_bomb(7000)
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(bomb, "bom.png", "image/png"))
        assert error_code(excinfo) == "too_many_pixels"

    def test_lossless_file_over_24_megapixels_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(png_header_only(7000, 4000), "layar.png", "image/png"))
        assert error_code(excinfo) == "too_many_pixels"

    def test_too_wide_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            process_photo(upload(png_header_only(8001, 10), "panorama.png", "image/png"))
        assert error_code(excinfo) == "too_wide"


class PhotoForm(forms.Form):
    photos = MultiplePhotoField(max_files=5, required=False)


class RequiredPhotoForm(forms.Form):
    photos = MultiplePhotoField(max_files=2)


def bound(form_class, *uploads):
    return form_class(data={}, files=MultiValueDict({"photos": list(uploads)}))


class TestMultiplePhotoField:
    def test_renders_a_multiple_file_input_for_images(self):
        html = str(PhotoForm()["photos"])
        assert 'type="file"' in html
        assert "multiple" in html
        assert 'accept="image/jpeg,image/png,image/webp"' in html

    def test_no_files_is_an_empty_list_when_optional(self):
        form = bound(PhotoForm)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["photos"] == []

    def test_no_files_is_an_error_when_required(self):
        form = bound(RequiredPhotoForm)
        assert not form.is_valid()
        assert form.errors.as_data()["photos"][0].code == "required"

    def test_cleans_to_processed_photos(self):
        form = bound(PhotoForm, upload(jpeg_bytes(), "a.jpg"), upload(png_bytes(), "b.png", "image/png"))
        assert form.is_valid(), form.errors
        assert [type(p) for p in form.cleaned_data["photos"]] == [ProcessedPhoto, ProcessedPhoto]

    def test_a_sixth_photo_is_refused(self):
        form = bound(PhotoForm, *[upload(jpeg_bytes(64, 64), f"{n}.jpg") for n in range(6)])
        assert not form.is_valid()
        error = form.errors.as_data()["photos"][0]
        assert error.code == "too_many_files"
        assert "5" in form.errors["photos"][0]

    def test_one_bad_file_fails_the_field_naming_the_file(self):
        form = bound(PhotoForm, upload(jpeg_bytes(), "baik.jpg"), upload(b"teks biasa", "jahat.jpg"))
        assert not form.is_valid()
        assert form.errors.as_data()["photos"][0].code == "not_an_image"
        assert form.errors["photos"][0].startswith("jahat.jpg: ")

    def test_every_bad_file_is_reported(self):
        form = bound(PhotoForm, upload(b"satu", "1.jpg"), upload(png_header_only(50_000, 50_000), "2.png"))
        assert not form.is_valid()
        assert [e.code for e in form.errors.as_data()["photos"]] == ["not_an_image", "too_many_pixels"]


class TestPhotoResponse:
    def test_serves_inline_jpeg_that_cannot_be_sniffed(self, tmp_path, settings):
        from django.core.files.storage import default_storage
        from django.db import models
        from django.db.models.fields.files import FieldFile

        settings.MEDIA_ROOT = tmp_path
        photo = process_photo(upload(jpeg_bytes()))
        name = default_storage.save(f"test/{photo.image.name}", photo.image)
        field = FieldFile(None, models.FileField(), name)
        response = photo_response(field, download_name="patroli-12-1.jpg")
        body = b"".join(response.streaming_content)
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == 'inline; filename="patroli-12-1.jpg"'
        assert body.startswith(b"\xff\xd8")
