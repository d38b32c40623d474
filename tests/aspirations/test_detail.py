"""The staff detail page: what it shows, which actions it offers to whom, officers limited to their own."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from aspirations import services
from aspirations.models import AspirationEvent, EventKind, Notification, NotificationState, Status
from tests.aspirations.builders import in_status, with_photo
from tests.conftest import client_for
from tests.factories import AspirationFactory, OfficerFactory, category, village
from tests.queries import page_queries

pytestmark = pytest.mark.django_db


def url(aspiration, name="aspirations:detail"):
    return reverse(name, kwargs={"pk": aspiration.pk})


def page(user, aspiration) -> str:
    response = client_for(user).get(url(aspiration))
    assert response.status_code == 200
    return response.content.decode()


def action_urls(aspiration) -> dict[str, str]:
    names = ("verify", "reject", "assign", "reply", "note", "resolve", "reopen")
    return {name: url(aspiration, f"aspirations:{name}") for name in names}


def offered(html, aspiration) -> set[str]:
    return {name for name, action in action_urls(aspiration).items() if f'action="{action}"' in html}


class TestWhatItShows:
    def test_report_photos_timeline_and_officer(self, operator, bhabin):
        aspiration = with_photo(in_status(Status.DITINDAKLANJUTI, officer=bhabin, description="Motor hilang malam."))
        AspirationEvent.objects.create(
            aspiration=aspiration, kind=EventKind.INTERNAL_NOTE, author=operator, body="Sudah telepon Kuwu."
        )
        html = page(operator, aspiration)
        assert aspiration.code in html and "Motor hilang malam." in html
        photo = aspiration.attachments.get()
        assert reverse("aspirations:photo_thumbnail", kwargs={"pk": photo.pk}) in html
        assert "Sudah telepon Kuwu." in html and "Internal" in html
        assert f"Ditugaskan kepada {bhabin.display_name}" in html

    def test_spam_signals_are_said_in_words_not_codes(self, operator):
        aspiration = AspirationFactory(is_spam_suspected=True, spam_signals="honeypot,too_fast")
        html = page(operator, aspiration)
        assert "dikirim beberapa detik setelah formulir dibuka" in html
        assert "too_fast" not in html

    def test_an_overdue_verification_says_terlambat(self, operator):
        aspiration = in_status(Status.BARU, submitted_at=timezone.now() - datetime.timedelta(days=10))
        assert "Terlambat" in page(operator, aspiration)

    def test_a_fresh_one_is_not_overdue(self, operator):
        assert "Terlambat" not in page(operator, in_status(Status.BARU))

    def test_a_late_verification_stays_visible_after_the_fact(self, operator):
        aspiration = in_status(Status.BARU, submitted_at=timezone.now() - datetime.timedelta(days=10))
        services.aspiration_verify(aspiration=aspiration, actor=operator)
        html = page(operator, aspiration)
        assert "Lewat batas waktu" in html and "Terlambat" not in html

    def test_the_patrol_it_was_heard_on_links_when_visible(self, operator, bhabin):
        from tests.factories import PatrolFactory

        patrol = PatrolFactory(leader=bhabin)
        aspiration = in_status(Status.BARU, patrol=patrol, channel="patrol", created_by=bhabin)
        assert patrol.get_absolute_url() in page(operator, aspiration)


class TestActionsOffered:
    @pytest.mark.parametrize(
        ("status", "persona", "expected"),
        [
            (Status.BARU, "operator", {"verify", "reject", "note"}),
            (Status.TERVERIFIKASI, "operator", {"assign", "reply", "reject", "note"}),
            (Status.DITINDAKLANJUTI, "operator", {"reply", "resolve", "note"}),
            (Status.DITINDAKLANJUTI, "officer", {"reply", "resolve", "note"}),
            (Status.DITINDAKLANJUTI, "command", {"assign", "note"}),
            (Status.SELESAI, "command", {"reopen", "note"}),
            (Status.SELESAI, "officer", {"note"}),
            (Status.DITOLAK, "operator", {"note"}),
        ],
    )
    def test_only_what_the_status_and_role_allow(self, status, persona, expected, bhabin, operator, commander):
        users = {"officer": bhabin, "operator": operator, "command": commander}
        aspiration = in_status(status, officer=bhabin if status in ("ditindaklanjuti", "selesai") else None)
        assert offered(page(users[persona], aspiration), aspiration) == expected

    def test_assign_suggests_the_villages_bhabinkamtibmas(self, operator, bhabin, other_bhabin):
        html = page(operator, in_status(Status.TERVERIFIKASI))
        assert f'<option value="{bhabin.pk}" selected>' in html
        assert f'<option value="{other_bhabin.pk}">' in html

    def test_an_officer_reassigned_away_reads_but_cannot_act(self, commander, bhabin, other_bhabin):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        services.aspiration_assign(aspiration=aspiration, actor=commander, officer=other_bhabin)
        html = page(bhabin, aspiration)
        assert offered(html, aspiration) == set()


class TestDuplicates:
    def test_lists_open_ones_in_the_same_village_and_category_from_the_last_30_days(self, operator):
        now = timezone.now()
        aspiration = in_status(Status.BARU)
        same = in_status(Status.TERVERIFIKASI, submitted_at=now - datetime.timedelta(days=5))
        too_old = in_status(Status.BARU, submitted_at=now - datetime.timedelta(days=40))
        closed = in_status(Status.DITOLAK, submitted_at=now - datetime.timedelta(days=2))
        elsewhere = in_status(Status.BARU, village=village("Tanjakan"))
        other_topic = in_status(Status.BARU, category=category("narkoba"))
        html = page(operator, aspiration)
        assert same.code in html
        for other in (too_old, closed, elsewhere, other_topic):
            assert other.code not in html

    def test_one_click_rejects_as_a_duplicate_of_it(self, operator):
        original = in_status(Status.TERVERIFIKASI)
        copy = in_status(Status.BARU)
        html = page(operator, copy)
        assert f'name="reject-duplicate_code" value="{original.code}"' in html
        response = client_for(operator).post(
            url(copy, "aspirations:reject"), {"reject-reason": "duplikat", "reject-duplicate_code": original.code}
        )
        assert response.status_code == 302
        copy.refresh_from_db()
        assert copy.status == Status.DITOLAK and copy.duplicate_of == original

    def test_not_shown_to_whoever_cannot_reject(self, operator, commander):
        in_status(Status.BARU)
        aspiration = in_status(Status.BARU)
        assert "Kemungkinan duplikat" in page(operator, aspiration)
        assert "Kemungkinan duplikat" not in page(commander, aspiration)


class TestOfficersSeeOnlyTheirOwn:
    """IDOR: an officer asking for a colleague's aspiration by number gets 404 everywhere."""

    @pytest.fixture
    def theirs(self, other_bhabin):
        return with_photo(in_status(Status.DITINDAKLANJUTI, officer=other_bhabin))

    @pytest.mark.parametrize("name", ["aspirations:detail", "aspirations:slip"])
    def test_pages_are_404(self, bhabin, theirs, name):
        assert client_for(bhabin).get(url(theirs, name)).status_code == 404

    @pytest.mark.parametrize("name", ["aspirations:photo", "aspirations:photo_thumbnail"])
    def test_photos_are_404(self, bhabin, theirs, name):
        photo = theirs.attachments.get()
        assert client_for(bhabin).get(reverse(name, kwargs={"pk": photo.pk})).status_code == 404

    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("verify", {}),
            ("reject", {"reject-reason": "spam"}),
            ("assign", {}),
            ("reply", {"reply-body": "Sudah saya cek."}),
            ("note", {"note-body": "Catatan."}),
            ("resolve", {"resolve-body": "Selesai."}),
            ("reopen", {"reopen-reason": "Buka lagi."}),
            ("reveal_identity", {}),
        ],
    )
    def test_actions_are_404_and_change_nothing(self, bhabin, theirs, name, data):
        events = theirs.events.count()
        response = client_for(bhabin).post(url(theirs, f"aspirations:{name}"), data)
        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.status == Status.DITINDAKLANJUTI and theirs.events.count() == events

    def test_unassigned_new_ones_are_404_too(self, bhabin):
        assert client_for(bhabin).get(url(in_status(Status.BARU))).status_code == 404

    def test_an_officer_still_sees_what_was_once_theirs(self, bhabin, other_bhabin, commander):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        services.aspiration_assign(aspiration=aspiration, actor=commander, officer=other_bhabin)
        assert client_for(bhabin).get(url(aspiration)).status_code == 200

    def test_the_admin_role_sees_no_aspirations(self, site_admin, bhabin):
        aspiration = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        assert client_for(site_admin).get(url(aspiration)).status_code == 404

    def test_missing_is_404(self, operator):
        assert client_for(operator).get(reverse("aspirations:detail", kwargs={"pk": 424242})).status_code == 404


class TestDetailQueries:
    def test_constant_whatever_the_aspiration_holds(self, operator, bhabin):
        small = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        big = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        for _ in range(3):
            with_photo(big)
        writers = [OfficerFactory(role="operator") for _ in range(4)]
        for writer in writers:
            services.aspiration_note(aspiration=big, actor=writer, body="Catatan.")
            services.aspiration_reply(aspiration=big, actor=bhabin, body="Tanggapan.")
        client = client_for(operator)
        client.get(url(small))  # the session is set up
        for aspiration in (small, big):
            with page_queries() as queries:
                assert client.get(url(aspiration)).status_code == 200
            assert len(queries) == DETAIL_QUERIES

    def test_triage_costs_the_same_with_many_duplicates(self, operator):
        lonely = AspirationFactory()
        client = client_for(operator)
        client.get(url(lonely))
        with page_queries() as alone:
            client.get(url(lonely))
        for _ in range(12):
            AspirationFactory()
        with page_queries() as crowded:
            client.get(url(lonely))
        assert len(alone) == len(crowded) == TRIAGE_QUERIES


# Besides the session: user + permissions (one query) + the aspiration + photos + events, for one in follow-up.
DETAIL_QUERIES = 5
# ... and for one awaiting verification: + the possible duplicates.
TRIAGE_QUERIES = 6


class TestMessagesToTheReporter:
    def test_staff_see_whether_the_reporter_was_reached(self, operator, bhabin):
        aspiration = in_status(
            Status.DITINDAKLANJUTI,
            officer=bhabin,
            reporter_phone="081299887766",
            consent_given_at=timezone.now(),
            notify_channel="whatsapp",
        )
        services.aspiration_reply(aspiration=aspiration, actor=bhabin, body="Sudah dicek.")
        Notification.objects.update(state=NotificationState.READ)
        html = page(operator, aspiration)
        assert "Pesan ke pelapor" in html and "WhatsApp" in html and "Dibaca" in html
        assert "081299887766" not in html
