"""The providers' delivery receipts: signature first, then forward-only state, replays refused."""

import base64
import json
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aspirations import services
from aspirations.models import Notification, NotificationState, Status, WebhookReceipt
from tests.aspirations.builders import in_status
from tests.fake_providers import APP_SECRET, SMS_SECRET, Accepted, sign, sms_report, whatsapp_statuses

pytestmark = pytest.mark.django_db

WHATSAPP = reverse("aspirations:webhook_whatsapp")
SMS = reverse("aspirations:webhook_sms")


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.KRK_WHATSAPP_APP_SECRET = APP_SECRET
    settings.KRK_WHATSAPP_VERIFY_TOKEN = "verify-me"
    settings.KRK_SMS_WEBHOOK_SECRET = SMS_SECRET


@pytest.fixture
def client():
    """Providers have no CSRF token: the endpoints must not need one."""
    return Client(enforce_csrf_checks=True)


def notification(bhabin, channel: str, state: str = NotificationState.SENT) -> Notification:
    aspiration = in_status(
        Status.DITINDAKLANJUTI,
        officer=bhabin,
        reporter_phone="081234567890",
        consent_given_at=timezone.now(),
        notify_channel=channel,
    )
    services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
    item = Notification.objects.get(aspiration=aspiration)
    Notification.objects.filter(pk=item.pk).update(state=state, provider_message_id=f"{channel}-id-1")
    item.refresh_from_db()
    return item


def accepted(item: Notification) -> Accepted:
    notify_url = f"http://infobip:{SMS_SECRET}@testserver{SMS}"
    return Accepted(item.channel, str(item.reference), item.provider_message_id, "6281234567890", {}, notify_url)


def post_whatsapp(client, item, status: str, *, secret: str = APP_SECRET, body: bytes | None = None):
    body = body or json.dumps(whatsapp_statuses(accepted(item), status)).encode()
    return client.post(WHATSAPP, body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=sign(body, secret))


def post_sms(client, item, status: str, *, secret: str = SMS_SECRET):
    body = json.dumps(sms_report(accepted(item), status)).encode()
    credentials = base64.b64encode(f"infobip:{secret}".encode()).decode()
    return client.post(SMS, body, content_type="application/json", HTTP_AUTHORIZATION=f"Basic {credentials}")


def handshake(token: str) -> dict:
    return {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "42"}


class TestWhatsAppHandshake:
    def test_echoes_the_challenge_for_our_token(self, client):
        response = client.get(WHATSAPP, handshake("verify-me"))
        assert response.status_code == 200 and response.content == b"42"

    def test_refuses_another_token(self, client):
        response = client.get(WHATSAPP, handshake("guess"))
        assert response.status_code == 403

    def test_refuses_everything_when_no_token_is_configured(self, client, settings):
        settings.KRK_WHATSAPP_VERIFY_TOKEN = ""
        response = client.get(WHATSAPP, handshake(""))
        assert response.status_code == 403


class TestWhatsAppStatuses:
    def test_delivered_then_read(self, client, bhabin):
        item = notification(bhabin, "whatsapp")
        assert post_whatsapp(client, item, "delivered").status_code == 200
        item.refresh_from_db()
        assert item.state == NotificationState.DELIVERED
        post_whatsapp(client, item, "read")
        item.refresh_from_db()
        assert item.state == NotificationState.READ

    def test_a_late_receipt_never_moves_back(self, client, bhabin):
        item = notification(bhabin, "whatsapp", NotificationState.READ)
        assert post_whatsapp(client, item, "delivered").status_code == 200
        item.refresh_from_db()
        assert item.state == NotificationState.READ

    def test_failed_keeps_the_error_code(self, client, bhabin):
        item = notification(bhabin, "whatsapp")
        post_whatsapp(client, item, "failed")
        item.refresh_from_db()
        assert (item.state, item.error_type) == (NotificationState.FAILED, "WhatsApp 131026")

    def test_found_by_our_reference_while_the_worker_still_sends(self, client, bhabin):
        """The receipt can beat the provider's answer to the worker: the reference finds the row."""
        item = notification(bhabin, "whatsapp", NotificationState.SENDING)
        Notification.objects.filter(pk=item.pk).update(provider_message_id="")
        item.provider_message_id = "wamid.from-the-receipt"
        post_whatsapp(client, item, "sent")
        item.refresh_from_db()
        assert (item.state, item.provider_message_id) == (NotificationState.SENT, "wamid.from-the-receipt")

    @pytest.mark.parametrize("secret", ["not-the-app-secret", ""])
    def test_a_forged_signature_is_refused(self, client, bhabin, secret):
        item = notification(bhabin, "whatsapp")
        assert post_whatsapp(client, item, "read", secret=secret).status_code == 403
        item.refresh_from_db()
        assert item.state == NotificationState.SENT

    def test_a_body_changed_after_signing_is_refused(self, client, bhabin):
        item = notification(bhabin, "whatsapp")
        body = json.dumps(whatsapp_statuses(accepted(item), "delivered")).encode()
        signature = sign(body)
        forged = body.replace(b'"delivered"', b'"read"')
        response = client.post(WHATSAPP, forged, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature)
        assert response.status_code == 403

    def test_a_replay_is_refused(self, client, bhabin):
        item = notification(bhabin, "whatsapp")
        body = json.dumps(whatsapp_statuses(accepted(item), "failed")).encode()
        assert post_whatsapp(client, item, "failed", body=body).status_code == 200
        Notification.objects.filter(pk=item.pk).update(state=NotificationState.SENT)  # say an admin retried it
        assert post_whatsapp(client, item, "failed", body=body).status_code == 409
        item.refresh_from_db()
        assert item.state == NotificationState.SENT
        assert WebhookReceipt.objects.count() == 1

    def test_a_receipt_older_than_a_week_is_ignored(self, client, bhabin):
        item = notification(bhabin, "whatsapp")
        payload = whatsapp_statuses(accepted(item), "read")
        payload["entry"][0]["changes"][0]["value"]["statuses"][0]["timestamp"] = str(int(time.time()) - 8 * 86400)
        post_whatsapp(client, item, "read", body=json.dumps(payload).encode())
        item.refresh_from_db()
        assert item.state == NotificationState.SENT

    def test_another_channels_notification_is_not_touched(self, client, bhabin):
        item = notification(bhabin, "sms")
        post_whatsapp(client, item, "read")
        item.refresh_from_db()
        assert item.state == NotificationState.SENT


def test_a_post_with_neither_signature_nor_credentials_is_refused(client, bhabin):
    """The webhooks are CSRF-exempt (providers have no session): their own check stands in."""
    item = notification(bhabin, "whatsapp")
    assert client.post(WHATSAPP, "{}", content_type="application/json").status_code == 403
    assert client.post(SMS, "{}", content_type="application/json").status_code == 401
    item.refresh_from_db()
    assert item.state == NotificationState.SENT


class TestSmsReports:
    def test_delivered(self, client, bhabin):
        item = notification(bhabin, "sms")
        assert post_sms(client, item, "delivered").status_code == 200
        item.refresh_from_db()
        assert item.state == NotificationState.DELIVERED

    def test_undeliverable_is_failed(self, client, bhabin):
        item = notification(bhabin, "sms")
        post_sms(client, item, "failed")
        item.refresh_from_db()
        assert (item.state, item.error_type) == (NotificationState.FAILED, "SMS UNDELIVERABLE_X")

    def test_wrong_credentials_are_refused(self, client, bhabin):
        item = notification(bhabin, "sms")
        response = post_sms(client, item, "delivered", secret="guess")
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")
        item.refresh_from_db()
        assert item.state == NotificationState.SENT

    def test_nothing_is_accepted_while_no_secret_is_configured(self, client, bhabin, settings):
        settings.KRK_SMS_WEBHOOK_SECRET = ""
        item = notification(bhabin, "sms")
        assert post_sms(client, item, "delivered", secret="").status_code == 401
