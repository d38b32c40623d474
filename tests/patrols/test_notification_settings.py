"""Pemberitahuan: an officer opts in to assignment notices on WhatsApp, for their own account only."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = pytest.mark.django_db

URL = reverse("patrols:notification_settings")


class TestNotificationSettings:
    def test_opting_in_with_a_number(self, bhabin):
        response = client_for(bhabin).post(URL, {"phone": "0813 1111-2222", "notify_whatsapp": "on"})
        assert response.status_code == 302
        bhabin.refresh_from_db()
        assert (bhabin.phone, bhabin.notify_whatsapp) == ("081311112222", True)

    def test_opting_in_needs_a_number(self, bhabin):
        response = client_for(bhabin).post(URL, {"phone": "", "notify_whatsapp": "on"})
        assert "phone" in response.context["form"].errors
        bhabin.refresh_from_db()
        assert not bhabin.notify_whatsapp

    def test_opting_out(self, bhabin):
        bhabin.phone, bhabin.notify_whatsapp = "081311112222", True
        bhabin.save()
        client_for(bhabin).post(URL, {"phone": "081311112222"})
        bhabin.refresh_from_db()
        assert not bhabin.notify_whatsapp

    def test_shows_the_current_choice(self, bhabin):
        bhabin.phone, bhabin.notify_whatsapp = "081311112222", True
        bhabin.save()
        html = client_for(bhabin).get(URL).content.decode()
        assert 'value="081311112222"' in html and "checked" in html
