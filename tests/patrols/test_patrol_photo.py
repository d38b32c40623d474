"""Patrol photos are served only through the permission-checked view."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from core.images import THUMB_SIDE
from tests.conftest import client_for
from tests.patrols.conftest import log

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(media_storage, bhabin):
    """A patrol's photo, on the local disk and (a second run) in the S3 bucket."""
    return log(bhabin, photos=1).photos.get()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


class TestPatrolPhoto:
    def test_someone_who_may_see_the_patrol_gets_the_jpeg(self, photo, bhabin, commander):
        for user in (bhabin, commander):
            response = client_for(user).get(photo.get_absolute_url())
            assert response.status_code == 200
            assert response["Content-Type"] == "image/jpeg"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert (
                response["Content-Disposition"] == f'inline; filename="patroli-{photo.patrol_id}-foto-{photo.pk}.jpg"'
            )
            assert "no-store" in response["Cache-Control"]
            assert body(response).startswith(b"\xff\xd8")

    def test_thumbnail_is_small(self, photo, bhabin):
        response = client_for(bhabin).get(photo.get_thumbnail_url())
        assert response.status_code == 200
        assert max(Image.open(io.BytesIO(body(response))).size) <= THUMB_SIDE
        assert "kecil" in response["Content-Disposition"]

    @pytest.mark.parametrize("name", ["patrols:photo", "patrols:photo_thumbnail"])
    def test_outsider_gets_404(self, photo, other_bhabin, name):
        assert client_for(other_bhabin).get(reverse(name, kwargs={"pk": photo.pk})).status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, photo, client):
        response = client.get(photo.get_absolute_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_missing_photo_is_404(self, bhabin):
        assert client_for(bhabin).get(reverse("patrols:photo", kwargs={"pk": 31337})).status_code == 404

    def test_the_stored_file_has_no_public_url(self, photo, bhabin, client):
        # MEDIA_URL is not routed: knowing (or guessing) the path gives nothing.
        for user_client in (client, client_for(bhabin)):
            assert user_client.get(f"/media/{photo.image.name}").status_code == 404
        assert len(photo.image.name.rsplit("/", 1)[1]) >= 32

    def test_a_lost_file_is_404_not_an_error(self, photo, bhabin):
        photo.image.storage.delete(photo.image.name)
        assert client_for(bhabin).get(photo.get_absolute_url()).status_code == 404

    def test_post_is_not_allowed(self, photo, bhabin):
        assert client_for(bhabin).post(photo.get_absolute_url()).status_code == 405
