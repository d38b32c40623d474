"""Aspirasi (the inbox) and Aspirasi Saya: who sees what, filters, order, counts, constant queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from aspirations.models import Channel, Status
from tests.aspirations.builders import in_status
from tests.conftest import client_for
from tests.factories import AspirationFactory, category, village
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

INBOX = reverse("aspirations:inbox")
MINE = reverse("aspirations:mine")


def codes(response) -> list[str]:
    """Ticket codes in the order the list shows them."""
    html = response.content.decode()
    listing = html.split('class="list-group mb-3 krk-aspiration-list"', 1)[-1] if "krk-aspiration-list" in html else ""
    return re.findall(r'<span class="ticket-code">(KRK-[0-9A-Z-]+)</span>', listing)


def tab_counts(html: str) -> dict[str, str]:
    """The status tabs that show a number, and the number."""
    return dict(re.findall(r'status=(\w*)"[^>]*>[^<]+<span class="badge text-bg-light">(\d+)</span>', html))


class TestInboxAccess:
    def test_operator_and_command_see_every_aspiration(self, operator, commander, bhabin):
        ours = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        new = in_status(Status.BARU)
        for user in (operator, commander):
            assert set(codes(client_for(user).get(INBOX))) == {ours.code, new.code}

    def test_officers_are_refused(self, bhabin):
        assert client_for(bhabin).get(INBOX).status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client):
        assert client.get(INBOX).status_code == 302

    def test_is_never_cached(self, operator):
        assert "no-store" in client_for(operator).get(INBOX)["Cache-Control"]


class TestInboxOrder:
    def test_nearest_deadline_first_overdue_on_top_answered_last(self, operator, bhabin):
        now = timezone.now()
        answered = in_status(Status.DITINDAKLANJUTI, officer=bhabin, first_response_at=now)
        overdue = in_status(Status.BARU, submitted_at=now - datetime.timedelta(days=10))
        fresh = in_status(Status.BARU, submitted_at=now - datetime.timedelta(minutes=5))
        verified = in_status(Status.TERVERIFIKASI, submitted_at=now - datetime.timedelta(days=2))
        order = codes(client_for(operator).get(INBOX))
        assert order[0] == overdue.code
        assert order[-1] == answered.code
        assert order.index(fresh.code) < order.index(verified.code)  # 3 working days come before 5

    def test_overdue_is_said_plainly(self, operator):
        in_status(Status.BARU, submitted_at=timezone.now() - datetime.timedelta(days=10))
        assert "Terlambat" in client_for(operator).get(INBOX).content.decode()

    def test_newest_first_on_request(self, operator):
        old = in_status(Status.BARU, submitted_at=timezone.now() - datetime.timedelta(days=10))
        new = in_status(Status.BARU)
        assert codes(client_for(operator).get(INBOX, {"sort": "terbaru"})) == [new.code, old.code]


class TestInboxRows:
    def test_sent_and_due_in_wib_in_indonesian(self, operator):
        sent = timezone.make_aware(datetime.datetime(2024, 5, 6, 23, 40))
        aspiration = in_status(Status.BARU, submitted_at=sent)
        html = client_for(operator).get(INBOX).content.decode()
        assert '<time datetime="2024-05-06T23:40:00+07:00">6 Mei 2024 23.40</time>' in html
        due = timezone.localtime(aspiration.verification_due)
        assert f"Batas waktu {date_format(due, 'D, j M Y')}" in html

    def test_an_edited_officer_name_shows_at_once(self, operator, bhabin):
        in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        client = client_for(operator)
        client.get(INBOX)
        bhabin.first_name = "Budi"
        bhabin.save()
        html = client.get(INBOX).content.decode()
        assert "· Bripka Budi Fauzi" in html
        assert f'<option value="{bhabin.pk}">Bripka Budi Fauzi</option>' in html


class TestInboxFilters:
    @pytest.fixture
    def spread(self, bhabin, other_bhabin):
        now = timezone.now()
        return {
            "new_web": in_status(Status.BARU, title="Balap liar di Pantura"),
            "phone": in_status(
                Status.TERVERIFIKASI,
                channel=Channel.PHONE,
                category=category("narkoba"),
                description="Dugaan peredaran obat keras di warung.",
            ),
            "tanjakan": in_status(Status.DITINDAKLANJUTI, officer=other_bhabin, village=village("Tanjakan")),
            "ours": in_status(Status.DITINDAKLANJUTI, officer=bhabin, type="aspirasi"),
            "spam": in_status(Status.BARU, is_spam_suspected=True, spam_signals="honeypot"),
            "outside": in_status(Status.DITOLAK, village=None),
            "old_overdue": in_status(Status.BARU, submitted_at=now - datetime.timedelta(days=20)),
        }

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"status": "ditindaklanjuti"}, {"tanjakan", "ours"}),
            ({"type": "aspirasi"}, {"ours"}),
            ({"channel": "phone"}, {"phone"}),
            ({"spam": "ya"}, {"spam"}),
            ({"overdue": "ya"}, {"old_overdue"}),
            ({"village": "luar"}, {"outside"}),
            ({"officer": "belum"}, {"new_web", "phone", "spam", "outside", "old_overdue"}),
            ({"q": "pantura"}, {"new_web"}),
            ({"q": "obat keras"}, {"phone"}),
        ],
    )
    def test_each_filter(self, operator, spread, query, expected):
        shown = set(codes(client_for(operator).get(INBOX, query)))
        assert shown == {spread[name].code for name in expected}

    def test_the_no_village_choice_names_no_kecamatan(self, operator):
        """Any unit's staff read it (a Polres's operator too): it names no one kecamatan."""
        html = client_for(operator).get(INBOX).content.decode()
        assert '<option value="luar">Tanpa desa (di luar wilayah)</option>' in html
        assert "Luar Kecamatan" not in html

    def test_by_category_village_and_officer(self, operator, other_bhabin, spread):
        client = client_for(operator)
        assert codes(client.get(INBOX, {"category": category("narkoba").pk})) == [spread["phone"].code]
        assert codes(client.get(INBOX, {"village": village("Tanjakan").pk})) == [spread["tanjakan"].code]
        assert codes(client.get(INBOX, {"officer": other_bhabin.pk})) == [spread["tanjakan"].code]

    def test_by_date_range_in_wib(self, operator, spread):
        day = timezone.localdate() - datetime.timedelta(days=20)
        shown = codes(client_for(operator).get(INBOX, {"date_from": day, "date_to": day}))
        assert shown == [spread["old_overdue"].code]

    def test_a_ticket_code_finds_its_aspiration(self, operator, spread):
        typed = spread["phone"].code.lower().replace("-", " ")
        assert codes(client_for(operator).get(INBOX, {"q": typed})) == [spread["phone"].code]

    def test_status_counts_follow_the_other_filters(self, operator, spread):
        html = client_for(operator).get(INBOX, {"village": village("Krangkeng").pk}).content.decode()
        # Krangkeng: new_web, phone, ours, spam, old_overdue (tanjakan and outside are elsewhere)
        assert tab_counts(html) == {"baru": "3", "terverifikasi": "1", "ditindaklanjuti": "1"}

    def test_only_the_open_statuses_are_counted(self, operator, bhabin, spread):
        in_status(Status.SELESAI, officer=bhabin)
        html = client_for(operator).get(INBOX).content.decode()
        tabs = re.findall(r'status=(\w*)"[^>]*>([^<]+)(<span class="badge[^"]*">)?', html)
        counted = {value for value, label, badge in tabs if badge}
        assert counted == {"baru", "terverifikasi", "ditindaklanjuti"}
        # "All", resolved and rejected are tabs without a number.
        assert {value for value, label, badge in tabs} == counted | {"", "selesai", "ditolak"}
        assert tab_counts(html) == {"baru": "3", "terverifikasi": "1", "ditindaklanjuti": "2"}

    def test_an_open_status_without_aspirations_counts_zero(self, operator):
        in_status(Status.BARU)
        assert tab_counts(client_for(operator).get(INBOX).content.decode()) == {
            "baru": "1",
            "terverifikasi": "0",
            "ditindaklanjuti": "0",
        }

    def test_a_nonsense_filter_shows_the_form_open(self, operator, spread):
        html = client_for(operator).get(INBOX, {"date_from": "kemarin"}).content.decode()
        assert 'krk-filter" open' in html


class TestInboxQueries:
    def test_constant_for_1_and_50_rows(self, operator, bhabin):
        client = client_for(operator)
        client.get(INBOX)  # the session is set up
        in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        with page_queries() as one:
            assert client.get(INBOX).status_code == 200
        for index in range(49):
            AspirationFactory(village=village(["Krangkeng", "Tanjakan", "Kalianyar"][index % 3]))
        with page_queries() as many:
            response = client.get(INBOX)
        assert len(codes(response)) == 25
        assert len(one) == len(many) == QUERIES

    def test_rows_leave_the_text_and_identity_in_the_database(self, operator):
        AspirationFactory(reporter_name="Warga", reporter_phone="081234567890", consent_given_at=timezone.now())
        row = client_for(operator).get(INBOX).context["page"].rows[0]
        assert {
            "description",
            "reporter_name",
            "reporter_phone",
            "reporter_email",
            "ip_hash",
        } <= row.get_deferred_fields()

    def test_filtered_costs_the_same(self, operator):
        client = client_for(operator)
        client.get(INBOX)
        AspirationFactory()
        with page_queries() as queries:
            client.get(INBOX, {"status": "baru", "q": "motor", "overdue": "ya", "sort": "terlama"})
        assert len(queries) == QUERIES


# Besides the session: user + permissions (one query) + the page of rows + the open statuses' counts
# + the filter form's categories, villages and officers (one query each).
QUERIES = 7


class TestMyAspirations:
    def test_shows_only_what_is_assigned_to_me_now(self, bhabin, other_bhabin, commander):
        mine = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        theirs = in_status(Status.DITINDAKLANJUTI, officer=other_bhabin)
        moved = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        from aspirations.services import aspiration_assign

        aspiration_assign(aspiration=moved, actor=commander, officer=other_bhabin)
        shown = codes(client_for(bhabin).get(MINE))
        assert shown == [mine.code]
        assert theirs.code not in shown

    def test_has_no_officer_or_spam_filter(self, bhabin):
        html = client_for(bhabin).get(MINE).content.decode()
        assert 'name="officer"' not in html and 'name="spam"' not in html
        assert 'name="status"' in html

    def test_opens_on_what_needs_my_action(self, bhabin):
        waiting = in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        verified = in_status(Status.TERVERIFIKASI, assigned_to=bhabin)
        done = in_status(Status.SELESAI, officer=bhabin)
        response = client_for(bhabin).get(MINE)
        assert sorted(codes(response)) == sorted([waiting.code, verified.code])
        first_tab = response.context["tabs"][0]
        assert (first_tab["label"], first_tab["count"], first_tab["current"]) == ("Perlu tindakan saya", 2, True)
        assert done.code in codes(client_for(bhabin).get(MINE, {"status": ""}))  # the "All" tab

    def test_operators_are_refused(self, operator):
        assert client_for(operator).get(MINE).status_code == 403

    def test_constant_queries(self, bhabin):
        client = client_for(bhabin)
        client.get(MINE)
        in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        with page_queries() as one:
            client.get(MINE)
        for _ in range(30):
            in_status(Status.DITINDAKLANJUTI, officer=bhabin)
        with page_queries() as many:
            client.get(MINE)
        assert len(one) == len(many) == MINE_QUERIES


# user + permissions (one query) + rows + counts + the filter form's categories and villages (one each).
MINE_QUERIES = 6
