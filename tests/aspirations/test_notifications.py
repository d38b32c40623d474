"""Emails leave only after the change is committed, and only to people who gave an address."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from aspirations import notifications, services
from aspirations.models import Aspiration, RejectionReason, Status
from tests.aspirations.builders import in_status
from tests.aspirations.conftest import status_link_in

pytestmark = pytest.mark.django_db

EMAIL = "siti@contoh.id"


def identified(status, **fields):
    return in_status(
        status,
        reporter_name="Siti Aminah",
        reporter_phone="081234567890",
        reporter_email=EMAIL,
        consent_given_at=timezone.now(),
        **fields,
    )


class TestAssignmentEmail:
    def test_sent_to_the_officer_only_after_commit(self, operator, bhabin, django_capture_on_commit_callbacks):
        bhabin.email = "ahmad.fauzi@polri.example"
        bhabin.save()
        aspiration = in_status(Status.TERVERIFIKASI)
        with django_capture_on_commit_callbacks() as callbacks:
            services.aspiration_assign(aspiration=aspiration, actor=operator, officer=bhabin)
            assert mail.outbox == []
        assert len(callbacks) == 1  # the anonymous reporter gets nothing
        callbacks[0]()
        [message] = mail.outbox
        assert message.to == ["ahmad.fauzi@polri.example"]
        assert aspiration.code in message.subject
        assert f"/aspirasi/staf/{aspiration.pk}/" in message.body

    def test_not_sent_to_an_officer_without_an_address(self, operator, bhabin, django_capture_on_commit_callbacks):
        bhabin.email = ""
        bhabin.save()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.aspiration_assign(aspiration=in_status(Status.TERVERIFIKASI), actor=operator, officer=bhabin)
        assert callbacks == [] and mail.outbox == []

    def test_never_carries_the_reporters_identity(self, operator, bhabin, django_capture_on_commit_callbacks):
        bhabin.email = "ahmad.fauzi@polri.example"
        bhabin.save()
        aspiration = identified(Status.TERVERIFIKASI)
        with django_capture_on_commit_callbacks(execute=True):
            services.aspiration_assign(aspiration=aspiration, actor=operator, officer=bhabin)
        to_officer = next(m for m in mail.outbox if m.to == [bhabin.email])
        assert "Siti Aminah" not in to_officer.body and "081234567890" not in to_officer.body


class TestReporterEmail:
    def test_a_public_reply_is_mailed_with_the_status_link(self, bhabin, settings, django_capture_on_commit_callbacks):
        settings.KRK_SITE_URL = "https://portal.polsek-krangkeng.example"
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin)
        with django_capture_on_commit_callbacks(execute=True):
            services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Petugas sudah ke lokasi.")
        [message] = mail.outbox
        assert message.to == [EMAIL]
        assert "Petugas sudah ke lokasi." in message.body
        link = status_link_in(message.body)
        assert link.startswith("https://portal.polsek-krangkeng.example/aspirasi/status/tautan/")
        assert aspiration.code not in link
        assert bhabin.get_full_name() not in message.body  # the public never sees who answered

    @pytest.mark.parametrize(
        ("status", "act", "word"),
        [
            (Status.BARU, lambda a, p: services.aspiration_verify(aspiration=a, actor=p["operator"]), "Terverifikasi"),
            (
                Status.BARU,
                lambda a, p: services.aspiration_reject(aspiration=a, actor=p["operator"], reason=RejectionReason.SPAM),
                "Ditolak",
            ),
            (
                Status.TERVERIFIKASI,
                lambda a, p: services.aspiration_assign(aspiration=a, actor=p["operator"], officer=p["bhabin"]),
                "Dalam Tindak Lanjut",
            ),
            (
                Status.DITINDAKLANJUTI,
                lambda a, p: services.aspiration_resolve(aspiration=a, actor=p["bhabin"], body="Sudah aman."),
                "Selesai",
            ),
            (
                Status.SELESAI,
                lambda a, p: services.aspiration_reopen(aspiration=a, actor=p["commander"], reason="Terulang."),
                "Dalam Tindak Lanjut",
            ),
        ],
    )
    def test_every_status_change_is_mailed(
        self, status, act, word, operator, bhabin, commander, django_capture_on_commit_callbacks
    ):
        bhabin.email = ""
        bhabin.save()
        aspiration = identified(status, officer=bhabin if status in (Status.DITINDAKLANJUTI, Status.SELESAI) else None)
        with django_capture_on_commit_callbacks(execute=True):
            act(aspiration, {"operator": operator, "bhabin": bhabin, "commander": commander})
        [message] = mail.outbox
        assert message.to == [EMAIL]
        assert word in message.subject

    def test_an_internal_note_is_never_mailed(self, operator, django_capture_on_commit_callbacks):
        aspiration = identified(Status.BARU)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.aspiration_note(aspiration=aspiration, actor=operator, body="Pelapor kerabat terlapor.")
        assert callbacks == [] and mail.outbox == []

    def test_anonymous_reporters_get_nothing(self, bhabin, django_capture_on_commit_callbacks):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        assert callbacks == [] and mail.outbox == []

    def test_a_phone_only_reporter_gets_nothing_by_email(self, bhabin, django_capture_on_commit_callbacks):
        aspiration = in_status(
            Status.DITINDAKLANJUTI,
            officer=bhabin,
            reporter_name="Darsono",
            reporter_phone="081234567890",
            consent_given_at=timezone.now(),
        )
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        assert callbacks == []


class TestChannels:
    def test_a_channel_is_anything_with_send(self, monkeypatch, bhabin, django_capture_on_commit_callbacks):
        sent = []

        class Recorder:
            def send(self, *, to, message):
                sent.append((to, message.subject))

        monkeypatch.setitem(notifications.CHANNELS, "email", Recorder())
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin)
        with django_capture_on_commit_callbacks(execute=True):
            services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        assert sent == [(EMAIL, f"Tanggapan untuk aspirasi Anda {aspiration.code}")]
        assert mail.outbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestRollback:
    def test_a_rolled_back_change_mails_nobody(self, bhabin):
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
            raise RuntimeError("something later in the same transaction failed")
        assert mail.outbox == []
        assert not Aspiration.objects.get(pk=aspiration.pk).first_response_at

    def test_a_mail_server_failure_never_undoes_the_reply(self, bhabin, monkeypatch):
        def refuse(*args, **kwargs):
            raise ConnectionRefusedError("smtp down")

        monkeypatch.setattr(notifications, "send_mail", refuse)
        aspiration = identified(Status.DITINDAKLANJUTI, officer=bhabin)
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        assert Aspiration.objects.get(pk=aspiration.pk).first_response_at is not None


def test_a_failed_send_logs_neither_the_address_nor_the_code(caplog, django_capture_on_commit_callbacks, monkeypatch):
    from aspirations import notifications
    from tests.aspirations.builders import in_status

    aspiration = in_status(
        notifications.Status.BARU, reporter_email="warga.rahasia@example.com", consent_given_at=timezone.now()
    )

    def broken(*, to, message):
        raise ConnectionRefusedError(f"cannot deliver to {to}")

    monkeypatch.setattr(notifications.CHANNELS["email"], "send", broken)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notify_submission(aspiration=aspiration)
    assert "ConnectionRefusedError" in caplog.text
    assert "warga.rahasia" not in caplog.text
    assert aspiration.code not in caplog.text
