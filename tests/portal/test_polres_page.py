"""A Polres's public page (/polres/<code>/) and the home page of a Polda or of the whole country,
which lists Polres under their Polda instead of every Polsek (the country has 7,285)."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from krangkeng_portal.dashboard import transparency
from tests.factories import AspirationFactory, OfficerFactory, PatrolFactory, unit
from tests.portal import polres_world
from tests.queries import page_queries
from units.models import Unit, UnitKind
from units.selectors import NATIONAL, deployment_root

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_figures():
    """The public figures are kept for minutes: every test starts and ends without them."""
    cache.clear()
    yield
    cache.clear()


def url(code: str) -> str:
    return reverse("polres", args=[code])


def polda(code: str, name: str) -> Unit:
    return Unit.objects.create(kind=UnitKind.POLDA, code=code, name=name)


def polres(number: int, parent: Unit | None, *, polsek: list[int], patrols: int = 1) -> Unit:
    """Polres number `number` under `parent` with a Polsek of each number in `polsek`, each with
    `patrols` patrols yesterday and one aspiration."""
    created = Unit.objects.create(
        kind=UnitKind.POLRES,
        code=f"polres{number}",
        name=f"Polres Kota {number}",
        parent=parent,
        address=f"Jl. Bhayangkara No. {number}",
        phone=f"0231-{number:06d}",
        whatsapp="0812-3333-4444",
    )
    for each in polsek:
        polres_world.fill(polres_world.polsek(each, parent=created), patrols=patrols, aspirations=1)
    return created


@pytest.fixture
def jabar() -> Unit:
    """Polda Jawa Barat: Polres Indramayu (Polsek Krangkeng, one patrol) and Polres Kota 1
    (two Polsek, two patrols each)."""
    polres_world.fill(unit("krangkeng"), patrols=1, aspirations=1)
    polres(1, unit("jabar"), polsek=[1, 2], patrols=2)
    return unit("jabar")


@pytest.fixture
def metro() -> Unit:
    """Polda Metro Jaya, another Polda, with Polres Kota 9 and its Polsek Sektor 9."""
    metro = polda("metro", "Polda Metro Jaya")
    polres(9, metro, polsek=[9])
    return metro


class TestPolresPage:
    def test_its_polsek_by_kecamatan_its_contact_and_figures(self, client, settings, jabar, metro):
        settings.KRK_HOME_UNIT = "jabar"
        html = client.get(url("polres1")).content.decode()
        assert "Polres Kota 1</h1>" in html
        assert "Jl. Bhayangkara No. 1" in html and 'href="tel:0231-000001"' in html
        assert 'href="https://wa.me/6281233334444"' in html
        section = html.split('id="polsek-heading"', 1)[1].split("</section>", 1)[0]
        assert section.index("Sektor 1") < section.index("Sektor 2")  # by kecamatan name
        for code in ("sektor1", "sektor2"):
            assert f'href="{reverse("polsek", args=[code])}"' in section
        assert section.count("2 patroli dalam 30 hari terakhir") == 2
        for elsewhere in ("Krangkeng", "Sektor 9"):  # another Polres's, another Polda's
            assert elsewhere not in section
        figures = html.split('aria-labelledby="transparency-heading"', 1)[1].split("</section>", 1)[0]
        assert '<dd class="col-4 fs-5 fw-semibold text-end mb-1">4</dd>' in figures  # its patrols
        assert '<dd class="col-4 fs-5 fw-semibold text-end mb-1">2</dd>' in figures  # its aspirations
        assert "Patroli per desa" not in html  # several Polsek: no table of every village

    def test_the_polres_of_a_polres_deployment_has_its_page_too(self, client):
        html = client.get(url("indramayu")).content.decode()
        section = html.split('id="polsek-heading"', 1)[1].split("</section>", 1)[0]
        assert f'href="{reverse("polsek", args=["krangkeng"])}"' in section

    def test_no_personal_data(self, client, settings, jabar):
        settings.KRK_HOME_UNIT = "jabar"
        officer = OfficerFactory(
            unit=unit("sektor1"), first_name="Rahasia", last_name="Petugas", phone="081299998888", phone_public=False
        )
        yesterday = timezone.now() - datetime.timedelta(days=1)
        village = unit("sektor1").villages.first()
        PatrolFactory(village=village, leader=officer, started_at=yesterday, place="Rumah Pak Kuwu")
        aspiration = AspirationFactory(
            village=village,
            reporter_name="Siti Aminah",
            reporter_phone="081234567890",
            consent_given_at=timezone.now(),
        )
        html = client.get(url("polres1")).content.decode()
        for private in ("Rahasia", "081299998888", "Rumah Pak Kuwu", "Siti Aminah", "081234567890", aspiration.code):
            assert private not in html
        assert aspiration.title not in html

    @pytest.mark.parametrize(
        ("home", "code"),
        [
            ("jabar", "tidak-ada"),  # no such unit
            ("jabar", "krangkeng"),  # a Polsek: it has its own page
            ("jabar", "jabar"),  # a Polda
            ("jabar", "polres9"),  # a Polres of another Polda
            ("indramayu", "polres1"),  # another Polres of the same Polda
            (NATIONAL, "tidak-ada"),
        ],
    )
    def test_unknown_other_kinds_and_units_outside_the_deployment_are_404(
        self, client, settings, jabar, metro, home, code
    ):
        settings.KRK_HOME_UNIT = home
        assert client.get(url(code)).status_code == 404

    def test_any_polres_of_the_country_in_a_national_deployment(self, client, settings, jabar, metro):
        settings.KRK_HOME_UNIT = NATIONAL
        assert client.get(url("polres9")).status_code == 200
        assert client.get(url("indramayu")).status_code == 200

    def test_queries_do_not_grow_with_the_polsek(self, client, settings, jabar):
        settings.KRK_HOME_UNIT = "jabar"
        with page_queries() as few:
            client.get(url("polres1"))
        for number in range(3, 13):
            polres_world.fill(polres_world.polsek(number, parent=unit("polres1")), patrols=1, aspirations=1)
        cache.clear()
        with page_queries() as more:
            html = client.get(url("polres1")).content.decode()
        assert "Polsek Sektor 12" in html
        assert len(more) == len(few) == 4
        with page_queries() as kept:
            client.get(url("polres1"))
        assert len(kept) == 1  # the unit; its figures are kept for minutes

    def test_cached_like_the_other_public_pages(self, client, settings, jabar):
        """No HTTP caching of its own, as the home and Polsek pages: its figures are kept in the cache."""
        settings.KRK_HOME_UNIT = "jabar"
        page, polsek = client.get(url("polres1")), client.get(reverse("polsek", args=["sektor1"]))
        for header in ("Cache-Control", "Vary", "ETag", "Last-Modified", "Expires"):
            assert page.get(header) == polsek.get(header), header
        assert "no-store" not in (page.get("Cache-Control") or "")

    def test_text_is_escaped(self, client, settings, jabar):
        settings.KRK_HOME_UNIT = "jabar"
        Unit.objects.filter(code="polres1").update(address="<script>alert(1)</script>")
        Unit.objects.filter(code="sektor1").update(name="<img src=x onerror=alert(1)>")
        html = client.get(url("polres1")).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def polres_section(html: str) -> str:
    return html.split('id="polres-heading"', 1)[1].split("</section>", 1)[0]


class TestHomeOfAPolda:
    def test_lists_its_polres_with_links_and_not_every_polsek(self, client, settings, jabar, metro):
        settings.KRK_HOME_UNIT = "jabar"
        html = client.get(reverse("home")).content.decode()
        section = polres_section(html)
        assert section.index("Polres Indramayu") < section.index("Polres Kota 1")
        assert "<caption>Polda Jawa Barat</caption>" in section
        # Indramayu: Krangkeng's one patrol; Kota 1: two Polsek, two each.
        assert f'<a href="{url("indramayu")}">Polres Indramayu</a></th><td class="text-end">1</td>' in section
        assert f'<a href="{url("polres1")}">Polres Kota 1</a></th><td class="text-end">4</td>' in section
        assert "Polda Metro Jaya" not in html and "Polres Kota 9" not in html  # another Polda
        assert 'id="polsek-heading"' not in html and "Polsek Sektor 1" not in html

    def test_queries_do_not_grow_with_the_units(self, client, settings, jabar):
        settings.KRK_HOME_UNIT = "jabar"
        with page_queries() as few:
            client.get(reverse("home"))
        for number in range(2, 8):
            polres(number, unit("jabar"), polsek=[10 + 2 * number, 11 + 2 * number])
        cache.clear()
        with page_queries() as more:
            html = client.get(reverse("home")).content.decode()
        assert "Polres Kota 7" in html
        assert len(more) == len(few) == 4
        with page_queries() as kept:
            client.get(reverse("home"))
        assert len(kept) == 0  # kept for minutes, the units with the figures


class TestHomeOfTheCountry:
    def test_lists_every_polda_with_its_polres(self, client, settings, jabar, metro):
        settings.KRK_HOME_UNIT = NATIONAL
        section = polres_section(client.get(reverse("home")).content.decode())
        assert section.index("<caption>Polda Jawa Barat</caption>") < section.index(
            "<caption>Polda Metro Jaya</caption>"
        )
        jawa_barat, metro_jaya = section.split("<caption>Polda Metro Jaya</caption>")
        assert f'href="{url("indramayu")}"' in jawa_barat and f'href="{url("polres1")}"' in jawa_barat
        assert "Polres Indramayu" not in metro_jaya
        assert f'<a href="{url("polres9")}">Polres Kota 9</a></th><td class="text-end">1</td>' in metro_jaya

    def test_figures_of_the_whole_country(self, client, settings, jabar, metro):
        settings.KRK_HOME_UNIT = NATIONAL
        html = client.get(reverse("home")).content.decode()
        figures = html.split('aria-labelledby="transparency-heading"', 1)[1].split("</section>", 1)[0]
        assert '<dd class="col-4 fs-5 fw-semibold text-end mb-1">6</dd>' in figures  # 1 + 4 + 1 patrols

    def test_queries_do_not_grow_with_the_units(self, client, settings, jabar, metro):
        settings.KRK_HOME_UNIT = NATIONAL
        with page_queries() as few:
            client.get(reverse("home"))
        for number in range(2, 6):
            parent = polda(f"polda-{number}", f"Polda Nomor {number}")
            polres(10 + number, parent, polsek=[20 + 2 * number, 21 + 2 * number])
        cache.clear()
        with page_queries() as more:
            html = client.get(reverse("home")).content.decode()
        assert "Polda Nomor 5" in html and "Polres Kota 15" in html
        assert len(more) == len(few) == 3  # no root to read: the aspirations, the patrols, the Polres


class TestDeploymentRoot:
    def test_names_a_unit_or_the_country(self, settings):
        settings.KRK_HOME_UNIT = "jabar"
        assert deployment_root() == unit("jabar")
        settings.KRK_HOME_UNIT = NATIONAL
        assert deployment_root() is None

    def test_a_code_that_names_no_unit_fails_loudly(self, settings):
        settings.KRK_HOME_UNIT = "tidak-ada"
        with pytest.raises(ImproperlyConfigured, match="tidak-ada"):
            deployment_root()


class TestOnlyTheDeployment:
    """The home page counts and lists the deployment's units only, whatever else the database holds."""

    def test_a_polda_home_counts_only_its_own_aspirations(self, client, settings, jabar, metro):
        settings.KRK_HOME_UNIT = "jabar"
        figures = transparency.last_30_days()
        assert figures["received"] == 3  # Krangkeng, Sektor 1 and Sektor 2; not Metro's Sektor 9
        settings.KRK_HOME_UNIT = NATIONAL
        cache.clear()
        assert transparency.last_30_days()["received"] == 4

    def test_a_polres_home_lists_only_its_polsek_and_only_they_have_a_page(self, client, settings, jabar):
        settings.KRK_HOME_UNIT = "indramayu"
        html = client.get(reverse("home")).content.decode()
        assert "Polsek Krangkeng" in html
        assert "Polsek Sektor 1" not in html  # under Polres Kota 1, another deployment's
        assert client.get(reverse("polsek", args=["krangkeng"])).status_code == 200
        assert client.get(reverse("polsek", args=["sektor1"])).status_code == 404

    def test_roll_ups_read_the_unit_tally_not_the_villages(self, client, settings, jabar, metro):
        for home in (NATIONAL, "jabar", "indramayu"):
            settings.KRK_HOME_UNIT = home
            cache.clear()
            with page_queries() as queries:
                client.get(reverse("home"))
            tables = " ".join(queries)
            assert "patrols_unitpatroltally" in tables
            # A Polres of one Polsek shows that Polsek's villages (from the village tally); above, never.
            assert ("patrols_patroltally" in tables) == (home == "indramayu")


def test_a_polres_without_a_polda_is_listed_under_other_polres(client, settings, jabar):
    settings.KRK_HOME_UNIT = NATIONAL
    polres(20, None, polsek=[30])
    section = polres_section(client.get(reverse("home")).content.decode())
    assert "<caption>Polres lainnya</caption>" in section and "<caption></caption>" not in section
