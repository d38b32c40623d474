"""A form sent with more files or fields than Django reads: the portal's own page, in Indonesian."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from aspirations.models import Aspiration
from patrols.models import Patrol
from tests.aspirations.conftest import form_data
from tests.photos import jpeg_bytes, upload

pytestmark = pytest.mark.django_db
SUBMIT = reverse("aspirations:submit")


def csrf_client(user=None) -> Client:
    """A browser as in production: the CSRF check reads the form before any view does."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def token_from(client: Client, path: str) -> str:
    html = client.get(path).content.decode()
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def photos(count: int) -> list:
    return [upload(jpeg_bytes(), f"foto-{number}.jpg") for number in range(count)]


class TestTooManyFiles:
    def test_the_public_form_says_so_in_indonesian_and_leads_back(self, settings):
        client = csrf_client()
        data = {**form_data(), "csrfmiddlewaretoken": token_from(client, SUBMIT)}
        data["photos"] = photos(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
        response = client.post(SUBMIT, data)
        html = response.content.decode()
        assert response.status_code == 400
        assert "Terlalu banyak foto dalam satu kiriman" in html
        assert f"paling banyak {settings.DATA_UPLOAD_MAX_NUMBER_FILES} berkas" in html
        assert "tombol Kembali" in html
        assert f'href="{SUBMIT}"' in html
        assert not Aspiration.objects.exists()

    def test_catat_patroli_says_so_too(self, bhabin, settings):
        url = reverse("patrols:patrol_create")
        client = csrf_client(bhabin)
        # Refused before the form is read: what the fields hold does not matter.
        data = {"place": "Pos Kamling", "csrfmiddlewaretoken": token_from(client, url)}
        data["photos"] = photos(settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Terlalu banyak foto dalam satu kiriman" in response.content.decode()
        assert f'href="{url}"' in response.content.decode()
        assert not Patrol.objects.exists()


class TestTooManyFields:
    def test_the_public_form_says_so_in_indonesian(self, settings):
        client = csrf_client()
        data = {**form_data(), "csrfmiddlewaretoken": token_from(client, SUBMIT)}
        data.update({f"extra{number}": "x" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS)})
        response = client.post(SUBMIT, data)
        html = response.content.decode()
        assert response.status_code == 400
        assert "Terlalu banyak isian dalam satu kiriman" in html
        assert "tombol Kembali" in html
        assert not Aspiration.objects.exists()

    def test_an_ordinary_bad_request_keeps_the_generic_page(self):
        response = Client(raise_request_exception=False).get("/", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert "Terlalu banyak" not in response.content.decode()
