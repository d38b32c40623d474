"""Uploaded files are never served as public media."""

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from tests.conftest import client_for


@pytest.mark.django_db
class TestNoPublicMediaRoute:
    def test_an_existing_file_under_media_root_is_not_served(self, settings, site_admin):
        (settings.MEDIA_ROOT / "aspirations").mkdir(parents=True, exist_ok=True)
        (settings.MEDIA_ROOT / "aspirations" / "foto.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
        url = f"/{settings.MEDIA_URL}aspirations/foto.jpg"
        for user in (None, site_admin):
            response = client_for(user).get(url)
            assert response.status_code == 404
            assert b"not really a jpeg" not in response.content

    def test_no_url_pattern_matches_the_media_prefix(self):
        with pytest.raises(Resolver404):
            resolve(f"/{settings.MEDIA_URL}anything.jpg")


def test_uploads_are_written_owner_and_group_readable_only():
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o640
    assert settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o750
