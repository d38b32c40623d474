"""Patroli and Patroli Saya: scoped, newest first, filtered, paged without counting."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import roles
from core.pagination import PER_PAGE
from patrols.models import Patrol, PatrolPhoto
from tests.conftest import client_for
from tests.factories import OfficerFactory, PatrolFactory, village
from tests.patrols.conftest import log
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

LIST = reverse("patrols:patrol_list")
MINE = reverse("patrols:my_patrols")
# User, permissions (user and roles, one query), the page of patrols (one query: the
# photo count is a subquery), the village, officer and imbauan choices of the filter
# form (one query each), besides the session (the sign-in timeout stamp is saved at most
# once a minute, not here).
LIST_QUERIES = 6


def warmed_up(user):
    """A signed-in client past its first request (which also sets up the session)."""
    client = client_for(user)
    client.get(reverse("home"))
    return client


def wib(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def shown(response) -> list[Patrol]:
    return list(response.context["page"].rows)


def bulk(leader, count: int, **fields) -> list[Patrol]:
    """`count` patrols an hour apart, the newest ending an hour ago."""
    now = timezone.now()
    return [
        PatrolFactory(
            leader=leader,
            started_at=now - datetime.timedelta(hours=3 + n),
            ended_at=now - datetime.timedelta(hours=2 + n),
            **fields,
        )
        for n in range(count)
    ]


class TestPatrolList:
    def test_newest_first(self, bhabin):
        old = PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 1, 8), ended_at=wib(2024, 5, 1, 9))
        new = PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 2, 8), ended_at=wib(2024, 5, 2, 9))
        assert shown(client_for(bhabin).get(LIST)) == [new, old]

    def test_only_what_the_user_may_see(self, bhabin, other_bhabin):
        mine = PatrolFactory(leader=bhabin)
        theirs = PatrolFactory(leader=other_bhabin, village=village("Tanjakan"))
        assert shown(client_for(bhabin).get(LIST)) == [mine]
        assert set(shown(client_for(OfficerFactory(role=roles.COMMAND)).get(LIST))) == {mine, theirs}

    def test_rows_link_to_the_patrol_and_count_photos(self, bhabin):
        patrol = log(bhabin, photos=2)
        html = client_for(bhabin).get(LIST).content.decode()
        assert patrol.get_absolute_url() in html
        assert "2 foto" in html
        assert "Patroli Sambang · Krangkeng" in html

    def test_pages_of_25_without_counting(self, bhabin, django_assert_num_queries):
        patrols = bulk(bhabin, PER_PAGE + 3)
        client = client_for(bhabin)
        first = client.get(LIST)
        assert shown(first) == patrols[:PER_PAGE]
        assert first.context["page"].has_next
        assert "?page=2" in first.content.decode()
        second = client.get(LIST, {"page": 2})
        assert shown(second) == patrols[PER_PAGE:]
        assert not second.context["page"].has_next
        assert "?page=1" in second.content.decode()

    @pytest.mark.parametrize("page", ["0", "-3", "abc", ""])
    def test_nonsense_page_numbers_show_the_first_page(self, bhabin, page):
        patrol = PatrolFactory(leader=bhabin)
        assert shown(client_for(bhabin).get(LIST, {"page": page})) == [patrol]

    def test_beyond_the_last_page_is_empty_not_an_error(self, bhabin):
        PatrolFactory(leader=bhabin)
        response = client_for(bhabin).get(LIST, {"page": 9})
        assert response.status_code == 200
        assert shown(response) == []
        assert "Tidak ada patroli lagi." in response.content.decode()

    def test_empty_list_says_so(self, bhabin):
        assert "Belum ada patroli yang dicatat." in client_for(bhabin).get(LIST).content.decode()


class TestPatrolListRows:
    def test_the_time_in_wib_in_indonesian(self, bhabin):
        PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 7, 8, 0), ended_at=wib(2024, 5, 7, 9, 30))
        html = client_for(bhabin).get(LIST).content.decode()
        assert '<time datetime="2024-05-07T08:00:00+07:00">Sel, 7 Mei 2024 8.00–9.30 WIB</time>' in html

    def test_the_time_in_english(self, bhabin):
        PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 7, 20, 0), ended_at=wib(2024, 5, 7, 21, 30))
        client = client_for(bhabin)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        html = client.get(LIST).content.decode()
        assert '<time datetime="2024-05-07T20:00:00+07:00">Tue, 7 May 2024 8 p.m.–9:30 p.m. WIB</time>' in html
        assert "Patroli Sambang (visits) · Krangkeng" in html

    def test_edited_officer_and_village_names_show_at_once(self, bhabin, commander):
        PatrolFactory(leader=bhabin)
        client = client_for(commander)
        client.get(LIST)
        bhabin.first_name, bhabin.rank = "Budi", "aiptu"
        bhabin.save()
        renamed = village("Krangkeng")
        renamed.name = "Krangkeng Kulon"
        renamed.save()
        html = client.get(LIST).content.decode()
        row = html.split("krk-patrol-list", 1)[1]
        assert "Patroli Sambang · Krangkeng Kulon" in row
        assert "Aiptu Budi Fauzi" in row
        # The filter form's choices too (its rendering is reused while they stay the same).
        assert f'<option value="{renamed.pk}">Krangkeng Kulon</option>' in html
        assert f'<option value="{bhabin.pk}">Aiptu Budi Fauzi</option>' in html


class TestPatrolListQueries:
    @pytest.mark.parametrize("rows", [1, 50])
    def test_constant_in_the_number_of_rows(self, bhabin, other_bhabin, rows):
        patrols = bulk(bhabin, rows, members=[other_bhabin])
        for patrol in patrols[:3]:
            PatrolPhoto.objects.create(
                patrol=patrol, image="patrols/x.jpg", thumbnail="patrols/x_t.jpg", width=1, height=1
            )
        client = warmed_up(bhabin)
        with page_queries() as queries:
            response = client.get(LIST)
        assert len(queries) == LIST_QUERIES
        assert len(shown(response)) == min(rows, PER_PAGE)
        filters = {"village": village("Krangkeng").pk, "q": "warga", "officer": other_bhabin.pk}
        # Validating the chosen village and officer costs one query each.
        with page_queries() as queries:
            assert len(shown(client.get(LIST, filters))) == min(rows, PER_PAGE)
        assert len(queries) == LIST_QUERIES + 2

    def test_rows_leave_the_report_texts_in_the_database(self, bhabin):
        PatrolFactory(leader=bhabin)
        row = shown(client_for(bhabin).get(LIST))[0]
        assert {"summary", "findings", "actions", "partners"} <= row.get_deferred_fields()
        assert "password" in row.leader.get_deferred_fields()

    @pytest.mark.parametrize("rows", [1, 50])
    def test_my_patrols_constant_too(self, bhabin, rows):
        bulk(bhabin, rows)
        client = warmed_up(bhabin)
        # No officer filter on Patroli Saya: one query fewer (the villages and imbauan topics only).
        with page_queries() as queries:
            assert len(shown(client.get(MINE))) == min(rows, PER_PAGE)
        assert len(queries) == LIST_QUERIES - 1


class TestPatrolListFilters:
    @pytest.fixture
    def commander_client(self, commander):
        return client_for(commander)

    def test_date_range_uses_wib_days(self, bhabin, commander_client):
        late = PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 20, 23, 30), ended_at=wib(2024, 5, 21, 1, 0))
        early = PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 21, 0, 30), ended_at=wib(2024, 5, 21, 2, 0))
        before = PatrolFactory(leader=bhabin, started_at=wib(2024, 5, 19, 8, 0), ended_at=wib(2024, 5, 19, 9, 0))
        assert shown(commander_client.get(LIST, {"date_from": "2024-05-20", "date_to": "2024-05-20"})) == [late]
        assert shown(commander_client.get(LIST, {"date_from": "2024-05-21"})) == [early]
        assert shown(commander_client.get(LIST, {"date_to": "2024-05-19"})) == [before]

    def test_village(self, bhabin, commander_client):
        here = PatrolFactory(leader=bhabin)
        PatrolFactory(leader=bhabin, village=village("Kalianyar"))
        assert shown(commander_client.get(LIST, {"village": here.village_id})) == [here]

    def test_type(self, bhabin, commander_client):
        PatrolFactory(leader=bhabin)
        night = PatrolFactory(leader=bhabin, patrol_type="kryd")
        assert shown(commander_client.get(LIST, {"patrol_type": "kryd"})) == [night]

    def test_officer_as_leader_or_member(self, bhabin, other_bhabin, commander_client):
        led = PatrolFactory(leader=other_bhabin)
        joined = PatrolFactory(
            leader=bhabin, members=[other_bhabin], started_at=led.started_at - datetime.timedelta(hours=1)
        )
        PatrolFactory(leader=bhabin, started_at=led.started_at - datetime.timedelta(hours=2))
        assert shown(commander_client.get(LIST, {"officer": other_bhabin.pk})) == [led, joined]
        assert shown(commander_client.get(LIST, {"officer": other_bhabin.pk, "role": "memimpin"})) == [led]
        assert shown(commander_client.get(LIST, {"officer": other_bhabin.pk, "role": "ikut"})) == [joined]
        # Without an officer the role means nothing: every patrol.
        assert len(shown(commander_client.get(LIST, {"role": "ikut"}))) == 3

    def test_patroli_saya_has_no_officer_or_role_filter(self, bhabin):
        response = client_for(bhabin).get(reverse("patrols:my_patrols"))
        assert not {"officer", "role"} & set(response.context["filter"].form.fields)

    def test_situation(self, bhabin, commander_client):
        PatrolFactory(leader=bhabin)
        incident = PatrolFactory(leader=bhabin, situation="kejadian")
        response = commander_client.get(LIST, {"situation": "kejadian"})
        assert shown(response) == [incident]
        assert "Ada kejadian" in response.content.decode()

    def test_text_search_over_place_and_report(self, bhabin, commander_client):
        market = PatrolFactory(leader=bhabin, place="Pasar Desa")
        PatrolFactory(leader=bhabin, place="Balai Desa", summary="Sambang.")
        findings = PatrolFactory(leader=bhabin, place="Lapangan", findings="Lampu PJU mati dekat pasar")
        assert set(shown(commander_client.get(LIST, {"q": "pasar"}))) == {market, findings}
        assert shown(commander_client.get(LIST, {"q": "lampu pasar"})) == [findings]

    def test_filters_combine(self, bhabin, commander_client):
        target = PatrolFactory(leader=bhabin, patrol_type="dds", village=village("Kalianyar"))
        PatrolFactory(leader=bhabin, patrol_type="dds")
        PatrolFactory(leader=bhabin, village=village("Kalianyar"))
        response = commander_client.get(LIST, {"patrol_type": "dds", "village": target.village_id})
        assert shown(response) == [target]

    def test_filters_never_widen_the_scope(self, bhabin, other_bhabin):
        PatrolFactory(leader=other_bhabin, village=village("Tanjakan"))
        response = client_for(bhabin).get(LIST, {"village": village("Tanjakan").pk})
        assert shown(response) == []
        assert "Tidak ada patroli yang cocok" in response.content.decode()

    def test_invalid_filter_is_reported_not_crashing(self, bhabin, commander_client):
        PatrolFactory(leader=bhabin)
        response = commander_client.get(LIST, {"date_from": "kemarin"})
        assert response.status_code == 200
        assert response.context["is_filtered"]

    def test_filter_form_is_closed_until_used_and_keeps_filters_in_page_links(self, bhabin, commander_client):
        html = commander_client.get(LIST).content.decode()
        assert re.search(r"<details[^>]*krk-filter[^>]*>", html).group(0).endswith('krk-filter">')
        bulk(bhabin, PER_PAGE + 1)
        html = commander_client.get(LIST, {"village": village("Krangkeng").pk}).content.decode()
        assert re.search(r"<details[^>]*krk-filter[^>]*open", html)
        assert f"?village={village('Krangkeng').pk}&amp;page=2" in html


class TestMyPatrols:
    def test_led_joined_or_logged_but_not_just_my_village(self, bhabin, other_bhabin):
        colleague = OfficerFactory(role=roles.OFFICER)
        led = PatrolFactory(leader=bhabin)
        joined = PatrolFactory(leader=other_bhabin, village=village("Tanjakan"), members=[bhabin])
        PatrolFactory(leader=colleague)  # in my village, but not mine
        response = client_for(bhabin).get(MINE)
        assert set(shown(response)) == {led, joined}
        assert "Patroli Saya" in response.content.decode()
        assert "officer" not in response.context["filter"].form.fields

    def test_operator_has_none(self, bhabin, operator):
        PatrolFactory(leader=bhabin)
        assert shown(client_for(operator).get(MINE)) == []
