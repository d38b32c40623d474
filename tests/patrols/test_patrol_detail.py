import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core import roles
from patrols.models import ImbauanTopic, Patrol, PatrolEdit
from tests.conftest import client_for
from tests.factories import OfficerFactory
from tests.patrols.conftest import log
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

# User, permissions (user and roles, one query), the scoped patrol, its members, topics,
# photos and edits, besides the session: the same whatever the patrol holds (the sign-in
# timeout stamp is saved at most once a minute, not on this request).
DETAIL_QUERIES = 7


def url(patrol: Patrol) -> str:
    return reverse("patrols:patrol_detail", kwargs={"pk": patrol.pk})


class TestPatrolDetail:
    def test_shows_the_whole_report(self, bhabin, other_bhabin):
        patrol = log(
            bhabin,
            photos=2,
            members=[other_bhabin],
            topics=list(ImbauanTopic.objects.filter(slug="narkoba")),
            partners="Serda Hadi (Babinsa)",
            residents_met=17,
            findings="Lampu jalan mati di Blok Pahing.",
            actions="Dilaporkan ke Kuwu.",
            latitude="-6.487612",
            longitude="108.503145",
            started_at=timezone.make_aware(datetime.datetime(2024, 5, 20, 8, 0)),
            ended_at=timezone.make_aware(datetime.datetime(2024, 5, 20, 10, 0)),
        )
        html = client_for(bhabin).get(url(patrol)).content.decode()
        for text in [
            "Patroli Sambang · Krangkeng",
            "Senin, 20 Mei 2024",
            "WIB",
            "Sepeda motor (R2)",
            "Ketua Tim",
            bhabin.display_name,
            other_bhabin.display_name,
            "Serda Hadi (Babinsa)",
            "17",
            "Bahaya narkoba",
            "Aman dan kondusif",
            "Lampu jalan mati di Blok Pahing.",
            "Dilaporkan ke Kuwu.",
            "-6.487612, 108.503145",
            "geo:-6.487612,108.503145",
            f"Dicatat oleh {bhabin.display_name}",
        ]:
            assert text in html, text
        for photo in patrol.photos.all():
            assert photo.get_thumbnail_url() in html
            assert photo.get_absolute_url() in html

    def test_map_point_is_drawn_by_a_static_script_only_when_there_is_one(self, bhabin, settings):
        settings.KRK_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
        with_point = log(bhabin, latitude="-6.487612", longitude="108.503145")
        html = client_for(bhabin).get(url(with_point)).content.decode()
        assert 'data-krk-map data-lat="-6.487612" data-lon="108.503145"' in html
        assert "vendor/leaflet/leaflet.js" in html and "patrols/patrol_map.js" in html
        html = client_for(bhabin).get(url(log(bhabin))).content.decode()
        assert "leaflet" not in html
        assert "Titik lokasi tidak dicatat." in html

    def test_without_a_tile_server_no_map_script_only_the_coordinates(self, bhabin):
        html = client_for(bhabin).get(url(log(bhabin, latitude="-6.487612", longitude="108.503145"))).content.decode()
        assert "leaflet" not in html and "data-krk-map" not in html
        assert "-6.487612, 108.503145" in html

    def test_edit_link_and_deadline_for_the_leader(self, bhabin):
        patrol = log(bhabin)
        response = client_for(bhabin).get(url(patrol))
        assert response.context["can_edit"]
        html = response.content.decode()
        assert reverse("patrols:patrol_edit", kwargs={"pk": patrol.pk}) in html
        assert "Anda dapat mengubah laporan ini sampai" in html

    def test_no_edit_link_for_a_reader(self, bhabin, operator):
        patrol = log(bhabin)
        response = client_for(operator).get(url(patrol))
        assert response.status_code == 200
        assert not response.context["can_edit"]
        assert reverse("patrols:patrol_edit", kwargs={"pk": patrol.pk}) not in response.content.decode()

    def test_edit_history_is_shown(self, bhabin, commander):
        patrol = log(bhabin)
        PatrolEdit.objects.create(patrol=patrol, editor=commander, changed_fields=["residents_met", "photos"])
        html = client_for(bhabin).get(url(patrol)).content.decode()
        assert f"Diubah oleh {commander.display_name}" in html
        assert "warga yang ditemui, foto" in html

    def test_outsider_gets_404(self, bhabin, other_bhabin):
        assert client_for(other_bhabin).get(url(log(bhabin))).status_code == 404

    def test_an_outsider_who_took_part_may_see_it(self, bhabin, other_bhabin):
        assert client_for(other_bhabin).get(url(log(bhabin, members=[other_bhabin]))).status_code == 200

    def test_anonymous_is_sent_to_sign_in(self, client, bhabin):
        assert client.get(url(log(bhabin))).status_code == 302

    def test_missing_patrol_is_404(self, bhabin):
        assert client_for(bhabin).get(reverse("patrols:patrol_detail", kwargs={"pk": 424242})).status_code == 404


class TestPatrolDetailQueries:
    def test_constant_whatever_the_patrol_holds(self, bhabin):
        small = log(bhabin, photos=1)
        crew = [OfficerFactory(role=roles.OFFICER) for _ in range(5)]
        big = log(bhabin, photos=5, members=crew, topics=list(ImbauanTopic.objects.all()))
        for n in range(4):
            PatrolEdit.objects.create(patrol=big, editor=crew[n], changed_fields=["summary"])
        client = client_for(bhabin)
        client.get(reverse("home"))  # the first request also sets up the session
        for patrol in (small, big):
            with page_queries() as queries:
                assert client.get(url(patrol)).status_code == 200
            assert len(queries) == DETAIL_QUERIES
