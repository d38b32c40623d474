"""Who is told what: notifications are written with the change, and sent by the job queued with them.

The jobs run here in this process (`run_jobs`, db_worker --batch) on the test's own
transaction; tests/aspirations/test_delivery.py runs the real worker process against
the fake WhatsApp and SMS providers.
"""

import socket

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aspirations import services
from aspirations.delivery import send_notification
from aspirations.models import Aspiration, Notification, NotificationState, RejectionReason, Status
from tests.aspirations.builders import in_status
from tests.aspirations.conftest import status_link_in
from tests.jobs import run_jobs

pytestmark = pytest.mark.django_db

EMAIL = "siti@contoh.id"
PHONE = "081234567890"


def identified(status, **fields):
    identity = {
        "reporter_name": "Siti Aminah",
        "reporter_phone": PHONE,
        "reporter_email": EMAIL,
        "consent_given_at": timezone.now(),
        "notify_channel": "email",
    }
    return in_status(status, **{**identity, **fields})


def closed_port() -> int:
    """A local port nothing listens on: a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TestAssignment:
    def test_emailed_to_the_officer_by_the_job(self, operator, bhabin):
        bhabin.email = "ahmad.fauzi@polri.example"
        bhabin.save()
        aspiration = in_status(Status.TERVERIFIKASI)
        services.aspiration_assign(aspiration=aspiration, actor=operator, officer=bhabin)
        assert mail.outbox == []  # queued, not sent in the request
        [notification] = Notification.objects.all()  # the anonymous reporter gets nothing
        assert (notification.channel, notification.officer, notification.kind) == ("email", bhabin, "assigned")
        run_jobs()
        [message] = mail.outbox
        assert message.to == ["ahmad.fauzi@polri.example"]
        assert aspiration.code in message.subject
        assert f"/aspirasi/staf/{aspiration.pk}/" in message.body
        notification.refresh_from_db()
        assert notification.state == NotificationState.SENT

    def test_not_sent_to_an_officer_without_an_address(self, operator, bhabin):
        bhabin.email = ""
        bhabin.save()
        services.aspiration_assign(aspiration=in_status(Status.TERVERIFIKASI), actor=operator, officer=bhabin)
        assert not Notification.objects.exists() and not DBTaskResult.objects.exists()

    def test_on_whatsapp_when_the_officer_opted_in(self, operator, bhabin):
        bhabin.email = ""
        bhabin.phone = "081311112222"
        bhabin.notify_whatsapp = True
        bhabin.save()
        aspiration = in_status(Status.TERVERIFIKASI)
        services.aspiration_assign(aspiration=aspiration, actor=operator, officer=bhabin)
        [notification] = Notification.objects.all()
        assert notification.channel == "whatsapp" and notification.officer == bhabin
        assert notification.params[0] == aspiration.code
        assert notification.params[3].endswith(f"/aspirasi/staf/{aspiration.pk}/")

    def test_not_on_whatsapp_without_opting_in(self, operator, bhabin):
        bhabin.email = ""
        bhabin.phone = "081311112222"
        bhabin.save()
        services.aspiration_assign(aspiration=in_status(Status.TERVERIFIKASI), actor=operator, officer=bhabin)
        assert not Notification.objects.exists()

    def test_never_carries_the_reporters_identity(self, operator, bhabin):
        bhabin.email = "ahmad.fauzi@polri.example"
        bhabin.save()
        services.aspiration_assign(aspiration=identified(Status.TERVERIFIKASI), actor=operator, officer=bhabin)
        run_jobs()
        to_officer = next(m for m in mail.outbox if m.to == [bhabin.email])
        assert "Siti Aminah" not in to_officer.body and PHONE not in to_officer.body


class TestReporter:
    def test_a_public_reply_is_mailed_with_the_status_link(self, bhabin, settings):
        settings.KRK_SITE_URL = "https://portal.polsek-krangkeng.example"
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin)
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Petugas sudah ke lokasi.")
        run_jobs()
        [message] = mail.outbox
        assert message.to == [EMAIL]
        assert "Petugas sudah ke lokasi." in message.body
        link = status_link_in(message.body)
        assert link.startswith("https://portal.polsek-krangkeng.example/aspirasi/status/tautan/")
        assert aspiration.code not in link
        assert bhabin.get_full_name() not in message.body  # the public never sees who answered

    @pytest.mark.parametrize(
        ("status", "act", "word", "kind"),
        [
            (
                Status.BARU,
                lambda a, p: services.aspiration_verify(aspiration=a, actor=p["operator"]),
                "Terverifikasi",
                "status_changed",
            ),
            (
                Status.BARU,
                lambda a, p: services.aspiration_reject(aspiration=a, actor=p["operator"], reason=RejectionReason.SPAM),
                "Ditolak",
                "status_changed",
            ),
            (
                Status.TERVERIFIKASI,
                lambda a, p: services.aspiration_assign(aspiration=a, actor=p["operator"], officer=p["bhabin"]),
                "Dalam Tindak Lanjut",
                "status_changed",
            ),
            (
                Status.DITINDAKLANJUTI,
                lambda a, p: services.aspiration_resolve(aspiration=a, actor=p["bhabin"], body="Sudah aman."),
                "Selesai",
                "resolved",
            ),
            (
                Status.SELESAI,
                lambda a, p: services.aspiration_reopen(aspiration=a, actor=p["commander"], reason="Terulang."),
                "Dalam Tindak Lanjut",
                "status_changed",
            ),
        ],
    )
    def test_every_status_change_is_mailed(self, status, act, word, kind, operator, bhabin, commander):
        bhabin.email = ""
        bhabin.save()
        aspiration = identified(status, officer=bhabin if status in (Status.DITINDAKLANJUTI, Status.SELESAI) else None)
        act(aspiration, {"operator": operator, "bhabin": bhabin, "commander": commander})
        assert Notification.objects.get().kind == kind
        run_jobs()
        [message] = mail.outbox
        assert message.to == [EMAIL]
        assert word in message.subject

    def test_whatsapp_carries_the_code_the_reply_and_the_link_only(self, bhabin):
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin, notify_channel="whatsapp")
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Petugas sudah ke lokasi.")
        [notification] = Notification.objects.all()
        assert notification.kind == "reply" and notification.channel == "whatsapp"
        code, reply, link = notification.params
        assert (code, reply) == (aspiration.code, "Petugas sudah ke lokasi.")
        assert "/aspirasi/status/tautan/" in link and aspiration.code not in link
        assert notification.text == "" and "Siti" not in str(notification.params)

    def test_in_the_language_of_the_form_they_used(self, bhabin):
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin, notify_channel="sms", notify_language="en")
        services.aspiration_resolve(aspiration=aspiration, actor=bhabin, body="Sudah aman.")
        notification = Notification.objects.get(officer=None)
        assert notification.language == "en"
        assert "is resolved" in notification.text and aspiration.code in notification.text

    def test_an_internal_note_is_never_sent(self, operator):
        aspiration = identified(Status.BARU)
        services.aspiration_note(aspiration=aspiration, actor=operator, body="Pelapor kerabat terlapor.")
        assert not Notification.objects.exists()

    def test_anonymous_reporters_get_nothing(self, bhabin):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        assert not Notification.objects.exists()

    def test_a_reporter_who_asked_for_no_messages_gets_none(self, bhabin):
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin, notify_channel="")
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        assert not Notification.objects.exists()


class TestSentOnce:
    def test_a_second_job_for_a_sent_notification_sends_nothing(self, bhabin):
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin)
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        notification = Notification.objects.get()
        run_jobs()
        send_notification.enqueue(notification.pk)  # a retried or duplicated job
        run_jobs()
        assert len(mail.outbox) == 1

    def test_a_mail_server_that_is_down_is_retried_later(self, bhabin, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", closed_port(), False
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin)
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        run_jobs()
        notification = Notification.objects.get()
        assert notification.state == NotificationState.QUEUED
        assert notification.attempts == 1 and notification.error_type == "ConnectionRefusedError"
        assert notification.next_attempt_at > timezone.now()
        assert Aspiration.objects.get(pk=aspiration.pk).first_response_at is not None

    def test_a_failed_send_logs_neither_the_address_nor_the_code(self, bhabin, settings, caplog):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", closed_port(), False
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin, reporter_email="warga.rahasia@example.com")
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        run_jobs()
        assert "ConnectionRefusedError" in caplog.text
        assert "warga.rahasia" not in caplog.text
        assert aspiration.code not in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestRollback:
    def test_a_rolled_back_change_leaves_no_notification_and_no_job(self, bhabin):
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
            raise RuntimeError("something later in the same transaction failed")
        assert not Notification.objects.exists() and not DBTaskResult.objects.exists()
        assert not Aspiration.objects.get(pk=aspiration.pk).first_response_at

    def test_a_committed_change_has_its_notification_and_its_job(self, bhabin):
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin)
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        notification = Notification.objects.get()
        [job] = DBTaskResult.objects.all()
        assert job.task_path == "aspirations.delivery.send_notification"
        assert job.args_kwargs["args"] == [notification.pk]
