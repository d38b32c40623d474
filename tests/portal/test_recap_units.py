"""Rekap Bulanan per unit: the letterhead of the chosen unit (its parent, its name, its address),
the signature of its commander, and for a Polres a table of its Polsek, each linking to its recap."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import client_for
from tests.factories import AspirationFactory, unit
from tests.portal import polres_world
from tests.queries import page_queries

pytestmark = pytest.mark.django_db

URL = reverse("dashboard:recap")


def part(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


class TestLetterheadAndSignature:
    def test_a_polsek(self):
        polres_world.polres(2)
        sektor = unit("sektor1")
        sektor.commander_name, sektor.commander_rank = "Budi Santoso", "AKP"
        sektor.save()
        html = client_for(polres_world.kapolres()).get(URL, {"unit": "sektor1"}).content.decode()
        letterhead = part(html, '<header class="krk-letterhead">', "</header>")
        assert "KEPOLISIAN NEGARA REPUBLIK INDONESIA" in letterhead
        assert "Polres Indramayu" in letterhead and "Polsek Sektor 1" in letterhead
        assert "Jl. Raya Sektor 1 No. 1" in letterhead
        signature = part(html, '<div class="krk-signature">', "Dicetak dari portal")
        assert "Sektor 1, " in signature
        assert "Kapolsek Sektor 1" in signature
        assert "Budi Santoso" in signature and "AKP" in signature
        assert 'id="recap-units"' not in html

    def test_the_polres(self):
        polres_world.polres(3)
        polres = unit("indramayu")
        polres.commander_name, polres.commander_rank, polres.address = "Dr. Fahri Siregar", "AKBP", "Jl. Gatot Subroto"
        polres.save()
        html = client_for(polres_world.kapolres()).get(URL, {"bulan": this_month()}).content.decode()
        letterhead = part(html, '<header class="krk-letterhead">', "</header>")
        assert "Polda Jawa Barat" in letterhead and "Polres Indramayu" in letterhead
        assert "Jl. Gatot Subroto" in letterhead
        signature = part(html, '<div class="krk-signature">', "Dicetak dari portal")
        assert "Indramayu, " in signature and "Kapolres Indramayu" in signature
        assert "Dr. Fahri Siregar" in signature and "AKBP" in signature
        table = part(html, 'id="recap-units"', "</table>")
        assert f'href="{URL}?bulan={this_month()}&amp;unit=sektor2">Polsek Sektor 2</a>' in table
        summary = part(html, "I. Ringkasan", "</table>")
        assert '<td class="text-end">3</td>' in summary  # one patrol in each of the three Polsek

    def test_a_polsek_commander_prints_only_their_own(self, commander):
        polres_world.polres(2)
        html = client_for(commander).get(URL).content.decode()
        assert "Polsek Krangkeng" in part(html, '<header class="krk-letterhead">', "</header>")
        assert 'name="unit" value="krangkeng"' in html  # no selector: the month form keeps the unit
        assert client_for(commander).get(URL, {"unit": "indramayu"}).status_code == 404


class TestAboveAPolsek:
    """A Polres's recap compares its Polsek and names its worst overdue villages; it does not list
    each of its villages (317 in Indramayu): each Polsek's recap does."""

    def test_the_polres_prints_its_overdue_villages_not_every_village(self):
        polres_world.polres(3)  # each Polsek patrolled its first village yesterday, not its second
        html = client_for(polres_world.kapolres()).get(URL, {"bulan": this_month()}).content.decode()
        section = part(html, 'id="recap-villages"', '<div class="row">')
        assert "II. Desa terlambat dikunjungi pada akhir bulan" in section
        assert "Desa 1-2" in section and "Polsek Sektor 1" in section  # the village and its Polsek
        assert "Desa 1-1" not in section  # visited yesterday: on target, not listed
        assert "Kerawanan (target)" not in html  # no per-village table

    def test_an_overdue_village_links_to_its_polseks_recap_of_the_same_month(self):
        polres_world.polres(3)
        month = this_month()
        html = client_for(polres_world.kapolres()).get(URL, {"bulan": month}).content.decode()
        section = part(html, 'id="recap-villages"', '<div class="row">')
        recap = reverse("dashboard:recap")
        assert f'href="{recap}?bulan={month}&amp;unit=' in section
        assert reverse("dashboard:dashboard") + "?" not in section

    def test_the_polres_prints_its_aspirations_from_outside_every_village(self):
        polres_world.polres(2)
        AspirationFactory(village=None, unit=unit("indramayu"))
        html = client_for(polres_world.kapolres()).get(URL, {"bulan": this_month()}).content.decode()
        assert "Di luar wilayah: 1 aspirasi, 0 selesai, 1 masih terbuka." in part(html, 'id="recap-outside"', "</p>")

    def test_a_polsek_still_prints_every_village(self, commander):
        html = client_for(commander).get(URL, {"bulan": this_month()}).content.decode()
        section = part(html, 'id="recap-villages"', "</table>")
        assert "II. Patroli dan aspirasi per desa" in section
        assert "Tanjakan" in section and "Kerawanan (target)" in section

    def test_the_polres_recap_costs_the_same_queries_with_3_and_8_polsek(self):
        polres_world.polres(3)
        client = client_for(polres_world.kapolres())
        client.get(URL)
        with page_queries() as three:
            client.get(URL, {"bulan": this_month()})
        for number in range(3, 8):
            polres_world.fill(polres_world.polsek(number), patrols=1, aspirations=1)
        with page_queries() as eight:
            client.get(URL, {"bulan": this_month()})
        assert len(three) == len(eight)
