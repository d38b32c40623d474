"""The officers' service worker and manifest (krangkeng_portal.offline) and the pages it may keep."""

import json

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from core.offline import OFFLINE_HEADER
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


class TestServiceWorker:
    def test_is_javascript_allowed_to_cover_the_whole_site_and_never_stale(self):
        response = Client().get(reverse("service_worker"))
        assert response["Content-Type"].startswith("text/javascript")
        assert response["Service-Worker-Allowed"] == "/"
        assert response["Cache-Control"] == "no-cache"
        body = response.content.decode()
        assert body.startswith("const KRK = {")
        assert '"/patroli/catat/"' in body and '"/patroli/kotak-keluar/"' in body
        assert "/static/js/outbox.js" in body

    def test_keeps_the_menus_emblem_and_only_files_that_exist(self):
        """One missing file fails the worker's whole install (cache.addAll)."""
        body = Client().get(reverse("service_worker")).content.decode()
        precache = json.loads(body.removeprefix("const KRK = ").split(";\n", 1)[0])["precache"]
        assert "/static/img/emblem.svg" in precache
        for url in precache:
            assert finders.find(url.removeprefix(settings.STATIC_URL)), url


class TestManifest:
    def test_starts_at_catat_patroli(self):
        response = Client().get(reverse("manifest"))
        assert response["Content-Type"] == "application/manifest+json"
        assert response.json()["start_url"] == reverse("patrols:patrol_create")


class TestPagesKeptOffline:
    def test_catat_patroli_and_kotak_keluar_name_their_officer(self, bhabin):
        client = client_for(bhabin)
        for name in ("patrols:patrol_create", "patrols:outbox"):
            response = client.get(reverse(name))
            assert response[OFFLINE_HEADER] == str(bhabin.pk)

    def test_no_other_page_may_be_kept(self, bhabin):
        client = client_for(bhabin)
        for url in (reverse("home"), reverse("patrols:my_patrols"), reverse("aspirations:submit")):
            assert OFFLINE_HEADER not in client.get(url)

    def test_public_pages_load_no_outbox_and_no_manifest(self):
        html = Client().get(reverse("aspirations:submit")).content.decode()
        assert "outbox.js" not in html and "manifest" not in html
