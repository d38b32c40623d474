"""The admin: categories are master data; aspirations are read-only and hide identity."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import AspirationFactory, category

pytestmark = pytest.mark.django_db


class TestAspirationAdmin:
    def test_lists_and_shows_without_the_reporter_identity(self, site_admin):
        aspiration = AspirationFactory(
            reporter_name="Wiranata Kusumawardhani",
            reporter_phone="081299887766",
            consent_given_at=timezone.now(),
            ip_hash="e" * 64,
        )
        client = client_for(site_admin)
        listing = client.get(reverse("admin:aspirations_aspiration_changelist"))
        assert listing.status_code == 200 and aspiration.code in listing.content.decode()
        detail = client.get(reverse("admin:aspirations_aspiration_change", args=[aspiration.pk]))
        html = detail.content.decode()
        assert detail.status_code == 200
        assert aspiration.code in html
        for secret in ("Wiranata", "081299887766", "e" * 64):
            assert secret not in html

    def test_nobody_edits_or_deletes_aspirations_here(self, site_admin):
        aspiration = AspirationFactory()
        client = client_for(site_admin)
        url = reverse("admin:aspirations_aspiration_change", args=[aspiration.pk])
        client.post(url, {"title": "diubah"})
        aspiration.refresh_from_db()
        assert aspiration.title != "diubah"
        assert client.get(reverse("admin:aspirations_aspiration_delete", args=[aspiration.pk])).status_code == 403


class TestCategoryAdmin:
    def test_admin_edits_categories(self, site_admin):
        drugs = category("narkoba")
        client = client_for(site_admin)
        response = client.get(reverse("admin:aspirations_category_change", args=[drugs.pk]))
        assert response.status_code == 200
