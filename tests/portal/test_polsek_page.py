"""A Polsek's public page (/polsek/<code>/) and the home page's list of Polsek by kecamatan."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from patrols.models import Village
from patrols.services import assignment_start
from tests.factories import OfficerFactory, PatrolFactory, neighbour_village, unit, village
from tests.queries import page_queries
from units.models import Kecamatan

pytestmark = pytest.mark.django_db
START = datetime.date(2024, 1, 1)


def url(code: str = "krangkeng") -> str:
    return reverse("polsek", args=[code])


@pytest.fixture
def two_polsek():
    """Polsek Krangkeng (with its contact and a Bhabinkamtibmas) and Polsek Karangampel (with one of its own)."""
    krangkeng = unit("krangkeng")
    krangkeng.address = "Jl. Raya Krangkeng No. 1"
    krangkeng.phone = "0234-111222"
    krangkeng.whatsapp = "0812-1111-2222"
    krangkeng.save()
    tanjungpura = neighbour_village()
    ours = OfficerFactory(first_name="Publik", last_name="Krangkeng", phone="081200001111", phone_public=True)
    private = OfficerFactory(first_name="Rahasia", last_name="Krangkeng", phone="081299998888", phone_public=False)
    theirs = OfficerFactory(first_name="Tetangga", last_name="Karangampel", unit=unit("karangampel"))
    assignment_start(officer=ours, village=village("Srengseng"), start_date=START)
    assignment_start(officer=private, village=village("Kalianyar"), start_date=START)
    assignment_start(officer=theirs, village=tanjungpura, start_date=START)
    now = timezone.now() - datetime.timedelta(hours=2)
    hour = datetime.timedelta(hours=1)
    PatrolFactory(village=village("Srengseng"), leader=ours, started_at=now, ended_at=now + hour)
    PatrolFactory(village=tanjungpura, leader=theirs, started_at=now, ended_at=now + hour)
    return ours, theirs


class TestPolsekPage:
    def test_its_villages_officers_figures_and_contact(self, client, two_polsek):
        html = client.get(url()).content.decode()
        assert "<h1" in html and "Polsek Krangkeng</h1>" in html
        assert "Kecamatan Krangkeng" in html
        for name in ("Purwajaya", "Srengseng", "Tanjakan"):  # its villages, by name
            assert f'<th scope="row" class="fw-normal">{name}</th>' in html
        assert '<th scope="row" class="fw-normal">Srengseng</th><td class="text-end">1</td>' in html
        assert "Publik Krangkeng" in html and "Rahasia Krangkeng" in html
        assert "Tetangga" not in html and "Tanjungpura" not in html  # another Polsek's
        assert "Jl. Raya Krangkeng No. 1" in html
        assert 'href="tel:0234-111222"' in html and 'href="https://wa.me/6281211112222"' in html
        assert f'href="{reverse("aspirations:submit")}?kecamatan=32.12.09"' in html

    def test_no_personal_data(self, client, two_polsek):
        html = client.get(url()).content.decode()
        assert "081299998888" not in html  # a number the officer keeps private
        assert 'href="tel:0234-111222"' in html  # the Polsek's number stands in for it

    def test_the_other_polsek_has_its_own(self, client, two_polsek):
        html = client.get(url("karangampel")).content.decode()
        assert "Tetangga Karangampel" in html and "Tanjungpura" in html
        assert "Publik Krangkeng" not in html and "Purwajaya" not in html

    @pytest.mark.parametrize("code", ["tidak-ada", "indramayu", "jabar"])
    def test_unknown_and_other_kinds_of_unit_are_404(self, client, code):
        assert client.get(url(code)).status_code == 404

    def test_queries_do_not_grow_with_the_villages(self, client, two_polsek):
        cache.clear()  # figures another test kept
        with page_queries() as few:
            client.get(url())
        kecamatan = Kecamatan.objects.get(code="32.12.09")
        Village.objects.bulk_create(
            Village(
                code=f"32.12.09.{3000 + n}",
                name=f"Desa Baru {n}",
                kecamatan=kecamatan,
                unit=unit(),
                visit_target_days=14,
            )
            for n in range(30)
        )
        cache.clear()  # the figures kept by the first visit
        with page_queries() as more:
            html = client.get(url()).content.decode()
        assert "Desa Baru 29" in html
        assert len(more) == len(few) == 6
        with page_queries() as kept:
            client.get(url())
        assert len(kept) == 4  # the figures are kept for minutes

    def test_text_is_escaped(self, client, two_polsek):
        krangkeng = unit()
        krangkeng.address = "<script>alert(1)</script>"
        krangkeng.save()
        ours, _ = two_polsek
        ours.first_name = '"><img src=x onerror=alert(1)>'
        ours.save()
        html = client.get(url()).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestHomePage:
    def test_lists_the_polsek_by_kecamatan_with_links(self, client, two_polsek):
        html = client.get(reverse("home")).content.decode()
        section = html.split('id="polsek-heading"', 1)[1].split("</section>", 1)[0]
        assert section.index("Karangampel") < section.index("Krangkeng")  # by kecamatan name
        assert f'href="{url("krangkeng")}"' in section and f'href="{url("karangampel")}"' in section
        assert "1 patroli" in section

    def test_with_several_polsek_no_table_of_every_village(self, client, two_polsek):
        html = client.get(reverse("home")).content.decode()
        assert "Patroli per desa" not in html
        assert "Purwajaya" not in html
