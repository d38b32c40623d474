"""aspiration_submit: the one way an aspiration is written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aspirations import choices, services, tickets
from aspirations.models import Aspiration, AspirationEvent, Attachment, Channel, EventKind, Notification, Status
from core import roles
from core.images import process_photo
from tests.aspirations.conftest import status_link_in, stored_files
from tests.factories import AspirationFactory, OfficerFactory, PatrolFactory, category, neighbour_village, unit, village
from tests.jobs import run_jobs
from tests.photos import jpeg_bytes, upload
from units.scoping import unit_scope

pytestmark = pytest.mark.django_db


def submit(**overrides) -> Aspiration:
    arguments = {
        "type": "aspirasi",
        "category": category("lalu-lintas"),
        "title": "Lampu jalan mati",
        "description": "Lampu jalan di tikungan dekat balai desa mati sejak seminggu.",
        "village": village("Kalianyar"),
    }
    arguments.update(overrides)
    return services.aspiration_submit(**arguments)


class TestAspirationSubmit:
    def test_stores_a_new_aspiration_with_a_valid_code_and_deadline(self):
        before = timezone.now()
        aspiration = submit()
        assert tickets.is_valid(aspiration.code)
        assert aspiration.status == Status.BARU
        assert aspiration.channel == Channel.WEB
        assert before <= aspiration.submitted_at <= timezone.now()
        assert timezone.localtime(aspiration.verification_due).time().hour == 23
        assert aspiration.followup_due is None

    def test_arguments_are_keyword_only(self):
        with pytest.raises(TypeError):
            services.aspiration_submit("aspirasi")  # type: ignore[misc]

    def test_writes_the_first_timeline_event(self):
        officer = OfficerFactory(role=roles.OPERATOR)
        aspiration = submit(channel=Channel.PHONE, created_by=officer)
        event = AspirationEvent.objects.get(aspiration=aspiration)
        assert event.kind == EventKind.CREATED
        assert event.to_status == Status.BARU
        assert event.is_public
        assert event.author == officer
        assert event.created_at == aspiration.submitted_at

    def test_identity_without_consent_is_refused(self):
        with pytest.raises(ValidationError):
            submit(reporter_name="Siti Aminah", reporter_phone="081234567890", consent=False)
        assert Aspiration.objects.count() == 0

    def test_consent_is_stamped_only_with_identity(self):
        assert submit(consent=True).consent_given_at is None
        identified = submit(reporter_name="Siti", reporter_phone="081234567890", consent=True)
        assert identified.consent_given_at == identified.submitted_at

    def test_spam_signals_flag_but_keep_the_aspiration(self):
        aspiration = submit(spam_signals=["honeypot", "too_fast"])
        assert aspiration.is_spam_suspected
        assert aspiration.spam_signals == "honeypot,too_fast"
        assert Aspiration.objects.filter(is_spam_suspected=True).count() == 1

    def test_stores_photos_with_their_thumbnails(self, media_root):
        photos = [process_photo(upload(jpeg_bytes(2000, 1000))), process_photo(upload(jpeg_bytes()))]
        aspiration = submit(photos=photos)
        attachments = list(aspiration.attachments.all())
        assert [(a.width, a.height) for a in attachments] == [(1600, 800), (640, 480)]
        assert len(stored_files(media_root)) == 4

    def test_a_failure_while_recording_leaves_no_files(self, media_root, monkeypatch):
        def broken(self, *args, **kwargs):
            raise ValidationError("broken")

        monkeypatch.setattr(AspirationEvent, "full_clean", broken)
        with pytest.raises(ValidationError):
            submit(photos=[process_photo(upload(jpeg_bytes()))])
        assert Attachment.objects.count() == 0
        assert stored_files(media_root) == []


class TestHandlingUnit:
    def test_the_polsek_of_the_village(self):
        assert submit().unit == unit("krangkeng")
        assert submit(village=neighbour_village()).unit.code == "karangampel"

    def test_without_a_village_the_deployments_own_unit(self, settings):
        assert submit(village=None).unit == unit("indramayu")
        settings.KRK_HOME_UNIT = "krangkeng"
        assert submit(village=None).unit == unit("krangkeng")

    def test_without_a_village_the_patrols_or_the_recorders_unit(self):
        patrol = PatrolFactory(village=neighbour_village())
        assert submit(village=None, patrol=patrol, channel=Channel.PATROL).unit.code == "karangampel"
        operator = OfficerFactory(role=roles.OPERATOR)
        assert submit(village=None, created_by=operator, channel=Channel.PHONE).unit == unit("krangkeng")

    def test_a_home_unit_that_does_not_exist_fails_loudly(self, settings):
        settings.KRK_HOME_UNIT = "tidak-ada"
        with pytest.raises(ImproperlyConfigured):
            submit(village=None)
        assert not Aspiration.objects.exists()

    def test_the_listed_village_of_the_public_form_carries_its_unit(self):
        neighbour = neighbour_village()
        listed = choices.form_choices()
        kecamatan = choices.kecamatan_by_code(listed, "32.12.10")
        assert kecamatan is not None
        assert (neighbour.pk, "Tanjungpura", neighbour.unit_id) in choices.villages_of(listed, kecamatan.pk)


class TestUniqueCode:
    def test_a_taken_code_is_drawn_again(self, monkeypatch):
        existing = AspirationFactory()
        fresh = tickets.format_code("FRESH000".replace("0", "1"))
        drawn = iter([existing.code, existing.code, fresh])
        monkeypatch.setattr(tickets, "generate", lambda: next(drawn))
        assert submit().code == fresh

    def test_the_retry_leaves_one_row_and_one_event(self, monkeypatch):
        existing = AspirationFactory()
        fresh = tickets.format_code("RACE1234")
        drawn = iter([existing.code, fresh])
        monkeypatch.setattr(tickets, "generate", lambda: next(drawn))
        aspiration = submit()
        assert aspiration.code == fresh
        assert Aspiration.objects.count() == 2
        assert AspirationEvent.objects.filter(aspiration=aspiration).count() == 1

    def test_a_code_another_polsek_holds_is_drawn_again_inside_a_polsek_scope(self, monkeypatch):
        """An API client or a Polsek's staff submit inside their unit's scope, which does not
        see Karangampel's rows: the unique index does, and so must the check before a retry."""
        existing = AspirationFactory(village=neighbour_village())
        fresh = tickets.format_code("SKPE2345")
        drawn = iter([existing.code, fresh])
        monkeypatch.setattr(tickets, "generate", lambda: next(drawn))
        with unit_scope(unit("krangkeng")):
            assert submit().code == fresh
        assert Aspiration.objects.count() == 2

    def test_gives_up_loudly_after_three_draws(self, monkeypatch):
        existing = AspirationFactory()
        monkeypatch.setattr(tickets, "generate", lambda: existing.code)
        with pytest.raises(IntegrityError):
            submit()
        assert Aspiration.objects.count() == 1

    def test_another_integrity_error_is_not_retried(self, monkeypatch):
        drawn = []
        monkeypatch.setattr(tickets, "generate", lambda: drawn.append(1) or tickets.format_code("ANY12345"))
        monkeypatch.setattr(Aspiration, "save", broken_insert)
        with pytest.raises(IntegrityError):
            submit()
        assert len(drawn) == 1

    def test_the_code_is_not_looked_up_first(self):
        arguments = in_hand()
        with CaptureQueriesContext(connection) as queries:
            services.aspiration_submit(**arguments)
        statements = [query["sql"] for query in queries]
        assert not [sql for sql in statements if sql.startswith("SELECT") and '"code"' in sql]
        assert len([sql for sql in statements if sql.startswith("INSERT")]) == 2  # the aspiration, its first event


def in_hand(**overrides) -> dict:
    """submit()'s arguments with the category and village already read."""
    return {
        "type": "aspirasi",
        "category": category("lalu-lintas"),
        "title": "Lampu jalan mati",
        "description": "Lampu jalan di tikungan dekat balai desa mati sejak seminggu.",
        "village": village("Kalianyar"),
        **overrides,
    }


def broken_insert(self, *args, **kwargs):
    raise IntegrityError("some other constraint")


class TestConstraints:
    """The table's CheckConstraints, checked by full_clean() before anything is written."""

    def test_a_map_point_needs_both_coordinates(self):
        with pytest.raises(ValidationError) as error:
            submit(latitude=Decimal("-6.5"))
        assert "aspiration_lat_lon_together" in str(error.value)
        assert Aspiration.objects.count() == 0

    def test_the_identity_error_is_the_constraints_own(self):
        with pytest.raises(ValidationError) as error:
            submit(reporter_name="Siti Aminah", consent=False)
        assert "aspiration_identity_needs_consent" in str(error.value)


ASKS_FOR_EMAIL = {
    "reporter_name": "Siti",
    "reporter_phone": "081234567890",
    "reporter_email": "s@example.org",
    "consent": True,
    "notify_channel": "email",
}


class TestConfirmation:
    def test_queued_with_the_aspiration_and_sent_by_the_job(self, mailoutbox):
        aspiration = submit(**ASKS_FOR_EMAIL)
        assert mailoutbox == []
        assert Notification.objects.get().aspiration == aspiration
        run_jobs()
        assert len(mailoutbox) == 1
        assert aspiration.code in mailoutbox[0].body

    def test_not_sent_without_the_chosen_channels_address(self):
        submit(reporter_name="Siti", reporter_phone="081234567890", consent=True, notify_channel="email")
        assert not Notification.objects.exists()

    def test_uses_the_site_address_for_the_link(self, mailoutbox, settings):
        settings.KRK_SITE_URL = "https://portal.polsek-krangkeng.example"
        aspiration = submit(**ASKS_FOR_EMAIL)
        run_jobs()
        link = status_link_in(mailoutbox[0].body)
        assert link.startswith("https://portal.polsek-krangkeng.example/aspirasi/status/tautan/")
        assert aspiration.code not in link

    def test_asking_for_messages_needs_consent(self):
        with pytest.raises(ValidationError) as error:
            submit(notify_channel="whatsapp")
        assert "aspiration_notify_needs_consent" in str(error.value)
