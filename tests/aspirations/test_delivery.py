"""Notifications sent by the real worker to the fake providers, receipts sent back to the live server.

Nothing is mocked: the service writes the rows and queues the jobs, `manage.py
db_worker` runs in its own process against the test database, the providers are a real
HTTP server on loopback (tests/fake_providers.py), and their webhooks reach the portal
through the live server.
"""

import time

import pytest
from django.core.management import call_command

from aspirations import services
from aspirations.models import Notification, NotificationState
from tests.factories import category, village
from tests.fake_providers import APP_SECRET, PHONE_NUMBER_ID, SMS_SECRET, RunningFake
from tests.jobs import WorkerProcess, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = "081234567890"
LEASE_SECONDS = 1


@pytest.fixture
def providers(live_server, settings):
    """The fake providers, and the portal (this process: the live server's webhooks) set up for them."""
    running = RunningFake()
    running.fake.portal_url = live_server.url
    settings.KRK_SITE_URL = live_server.url
    settings.KRK_WHATSAPP_APP_SECRET = APP_SECRET
    settings.KRK_SMS_WEBHOOK_SECRET = SMS_SECRET
    settings.KRK_JOB_LEASE_SECONDS = LEASE_SECONDS
    yield running
    running.stop()


@pytest.fixture
def worker_env(providers, live_server):
    return {
        "KRK_SITE_URL": live_server.url,
        "KRK_WHATSAPP_API_URL": providers.whatsapp_url,
        "KRK_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "KRK_WHATSAPP_TOKEN": "fake-token",
        "KRK_WHATSAPP_APP_SECRET": APP_SECRET,
        "KRK_SMS_API_URL": providers.sms_url,
        "KRK_SMS_API_KEY": "fake-key",
        "KRK_SMS_WEBHOOK_SECRET": SMS_SECRET,
        "KRK_NOTIFY_BACKOFF_SECONDS": "0",
        "KRK_NOTIFY_MAX_ATTEMPTS": "3",
        "KRK_JOB_LEASE_SECONDS": str(LEASE_SECONDS),
    }


@pytest.fixture
def worker(worker_env):
    process = WorkerProcess(**worker_env).start()
    yield process
    process.stop()


def submit(channel: str = "whatsapp", language: str = "id"):
    """A resident's aspiration, through the service the public form calls."""
    return services.aspiration_submit(
        type="keluhan",
        category=category(),
        title="Lampu jalan mati",
        description="Lampu jalan di depan balai desa mati sejak seminggu.",
        village=village("Krangkeng"),
        reporter_name="Siti Aminah",
        reporter_phone=PHONE,
        reporter_email="siti@contoh.id",
        consent=True,
        notify_channel=channel,
        notify_language=language,
    )


def notification_of(aspiration) -> Notification:
    return Notification.objects.get(aspiration=aspiration)


def state_is(notification: Notification, *states: str):
    def check() -> bool:
        notification.refresh_from_db()
        return notification.state in states

    return check


class TestSending:
    def test_the_ticket_code_reaches_whatsapp_with_a_template(self, providers, worker):
        aspiration = submit("whatsapp")
        notification = notification_of(aspiration)
        wait_for(state_is(notification, NotificationState.SENT))
        sent = providers.fake.find(str(notification.reference))
        assert sent.to == "6281234567890"
        template = sent.body["template"]
        assert template["name"] == "krk_tiket_diterima"
        assert template["language"] == {"code": "id"}
        params = [parameter["text"] for parameter in template["components"][0]["parameters"]]
        assert params[0] == aspiration.code
        assert "Siti" not in str(sent.body)
        assert notification.provider_message_id.startswith("wamid.")
        assert notification.attempts == 1

    def test_an_sms_in_english_when_the_form_was_in_english(self, providers, worker):
        notification = notification_of(submit("sms", language="en"))
        wait_for(state_is(notification, NotificationState.SENT))
        sent = providers.fake.find(str(notification.reference))
        text = sent.body["messages"][0]["text"]
        assert "Ticket" in text and notification.aspiration.code in text
        assert sent.body["messages"][0]["callbackData"] == str(notification.reference)

    def test_a_server_error_is_retried_then_succeeds(self, providers, worker):
        providers.fake.fail_next("whatsapp", 500, times=2)
        notification = notification_of(submit("whatsapp"))
        wait_for(state_is(notification, NotificationState.SENT))
        assert notification.attempts == 3
        assert providers.fake.requests["whatsapp"] == 3
        assert providers.fake.counts()[str(notification.reference)] == 1

    def test_a_permanent_refusal_fails_without_retrying(self, providers, worker):
        providers.fake.fail_next("whatsapp", 400)
        notification = notification_of(submit("whatsapp"))
        wait_for(state_is(notification, NotificationState.FAILED))
        time.sleep(0.5)  # a retry, if there were one, would have been sent by now
        assert providers.fake.requests["whatsapp"] == 1
        assert notification.attempts == 1
        assert notification.error_type == "WhatsApp 131026"

    def test_tries_stop_after_the_maximum(self, providers, worker):
        providers.fake.fail_next("sms", 503, times=5)
        notification = notification_of(submit("sms"))
        wait_for(state_is(notification, NotificationState.FAILED))
        assert notification.attempts == 3 == providers.fake.requests["sms"]
        assert notification.error_type == "HTTP 503"


class TestReceipts:
    def test_whatsapp_delivered_then_read(self, providers, worker):
        notification = notification_of(submit("whatsapp"))
        wait_for(state_is(notification, NotificationState.SENT))
        reference = str(notification.reference)
        assert providers.fake.report(reference, "delivered") == 200
        assert state_is(notification, NotificationState.DELIVERED)()
        assert providers.fake.report(reference, "read") == 200
        assert state_is(notification, NotificationState.READ)()

    def test_sms_delivery_report(self, providers, worker):
        notification = notification_of(submit("sms"))
        wait_for(state_is(notification, NotificationState.SENT))
        assert providers.fake.report(str(notification.reference), "delivered") == 200
        assert state_is(notification, NotificationState.DELIVERED)()

    def test_a_forged_signature_is_refused(self, providers, worker):
        notification = notification_of(submit("whatsapp"))
        wait_for(state_is(notification, NotificationState.SENT))
        assert providers.fake.report(str(notification.reference), "read", secret="not-the-app-secret") == 403
        assert state_is(notification, NotificationState.SENT)()

    def test_sms_report_with_wrong_credentials_is_refused(self, providers, worker):
        notification = notification_of(submit("sms"))
        wait_for(state_is(notification, NotificationState.SENT))
        assert providers.fake.report(str(notification.reference), "failed", secret="guess") == 401
        assert state_is(notification, NotificationState.SENT)()


class TestWorkerKilled:
    def test_every_notification_is_sent_exactly_once(self, providers, worker_env):
        """kill -9 in the middle of a batch, start again: nothing lost, nothing sent twice."""
        providers.fake.delay = 0.05
        notifications = [notification_of(submit("whatsapp" if n % 3 else "sms")) for n in range(30)]
        first = WorkerProcess(**worker_env).start()
        wait_for(lambda: len(providers.fake.accepted) >= 8)
        first.kill()
        sent_before_the_kill = len(providers.fake.accepted)
        assert sent_before_the_kill < len(notifications)

        time.sleep(LEASE_SECONDS + 0.2)
        call_command("recover_jobs", verbosity=0)  # cron's, and the worker unit's ExecStartPre
        second = WorkerProcess(**worker_env).start()
        try:
            for notification in notifications:
                wait_for(state_is(notification, NotificationState.SENT))
        finally:
            second.stop()
        counts = providers.fake.counts()
        assert set(counts) == {str(notification.reference) for notification in notifications}
        assert set(counts.values()) == {1}
