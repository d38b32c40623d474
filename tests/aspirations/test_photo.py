"""Photos of an aspiration: served only through the permission-checked view, never sniffable as HTML."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from aspirations.models import Status
from core.images import THUMB_SIDE
from tests.aspirations.builders import in_status, with_photo
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(media_storage, bhabin):
    """A photo on an aspiration in follow-up with the Bhabinkamtibmas of Krangkeng
    (on the local disk, then in the S3 bucket)."""
    return with_photo(in_status(Status.DITINDAKLANJUTI, officer=bhabin)).attachments.get()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


class TestAspirationPhoto:
    def test_whoever_may_see_the_aspiration_gets_the_jpeg_inline_and_unsniffable(
        self, photo, bhabin, operator, commander
    ):
        for user in (bhabin, operator, commander):
            response = client_for(user).get(photo.get_absolute_url())
            assert response.status_code == 200
            assert response["Content-Type"] == "image/jpeg"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Disposition"] == (
                f'inline; filename="aspirasi-{photo.aspiration_id}-foto-{photo.pk}.jpg"'
            )
            assert "no-store" in response["Cache-Control"]
            assert body(response).startswith(b"\xff\xd8")

    def test_thumbnail_is_small_and_named_so(self, photo, operator):
        response = client_for(operator).get(photo.get_thumbnail_url())
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == (
            f'inline; filename="aspirasi-{photo.aspiration_id}-foto-{photo.pk}-kecil.jpg"'
        )
        assert max(Image.open(io.BytesIO(body(response))).size) <= THUMB_SIDE

    @pytest.mark.parametrize("name", ["aspirations:photo", "aspirations:photo_thumbnail"])
    @pytest.mark.parametrize("persona", ["other_bhabin", "site_admin"])
    def test_wrong_role_gets_404_without_the_image(self, photo, request, persona, name):
        """An officer it is not assigned to, and the admin (master data only), learn nothing."""
        response = client_for(request.getfixturevalue(persona)).get(reverse(name, kwargs={"pk": photo.pk}))
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert b"\xff\xd8" not in response.content

    def test_anonymous_is_sent_to_sign_in(self, photo, client):
        response = client.get(photo.get_absolute_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_the_stored_file_has_no_public_url(self, photo, operator, client):
        for user_client in (client, client_for(operator)):
            assert user_client.get(f"/media/{photo.image.name}").status_code == 404
        assert len(photo.image.name.rsplit("/", 1)[1]) >= 32

    def test_a_lost_file_is_404_not_an_error(self, photo, operator):
        photo.image.storage.delete(photo.image.name)
        assert client_for(operator).get(photo.get_absolute_url()).status_code == 404

    def test_post_is_not_allowed(self, photo, operator):
        assert client_for(operator).post(photo.get_absolute_url()).status_code == 405
