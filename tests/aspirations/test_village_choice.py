"""The public form's village, kecamatan then desa: without JavaScript (a server step), the
JSON list the page's script fetches, and a page that stays small whatever the number of villages."""

import gzip
import re

import pytest
from django.urls import reverse

from aspirations.forms import OUTSIDE_KRANGKENG, STEP_FIELD, STEP_KECAMATAN
from aspirations.models import Aspiration
from patrols.models import Village
from tests.aspirations.conftest import form_data
from tests.factories import neighbour_village, unit, village
from tests.queries import page_queries
from units.models import Kecamatan, Unit, UnitKind

pytestmark = pytest.mark.django_db
URL = reverse("aspirations:submit")
KRANGKENG = "32.12.09"
KARANGAMPEL = "32.12.10"


def village_options(html: str) -> list[str]:
    select = re.search(r'<select name="village".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r">([^<]+)</option>", select.group(0))


def many_kecamatan(count: int, villages_each: int) -> None:
    """`count` kecamatan of a new Polres, each with its Polsek and `villages_each` villages."""
    polres = Unit.objects.create(kind=UnitKind.POLRES, name="Polres Uji", code="uji", parent=unit("jabar"))
    for number in range(count):
        polsek = Unit.objects.create(
            kind=UnitKind.POLSEK, name=f"Polsek Uji {number}", code=f"uji-{number}", parent=polres
        )
        code = f"32.99.{number:02d}"
        kecamatan = Kecamatan.objects.create(
            code=code, name=f"Uji {number:02d}", regency_code="32.99", regency_name="Uji", unit=polsek
        )
        Village.objects.bulk_create(
            Village(
                code=f"{code}.{2001 + n}",
                name=f"Desa Uji {number}-{n}",
                kecamatan=kecamatan,
                unit=polsek,
                visit_target_days=14,
            )
            for n in range(villages_each)
        )


class TestOneKecamatan:
    def test_the_kecamatan_is_hidden_and_its_villages_listed_at_once(self, client):
        html = client.get(URL).content.decode()
        assert f'<input type="hidden" name="kecamatan" value="{KRANGKENG}"' in html
        assert "data-krk-village-step" not in html
        assert len(village_options(html)) == 1 + 11 + 1


class TestSeveralKecamatan:
    @pytest.fixture(autouse=True)
    def _neighbour(self):
        neighbour_village()

    def test_the_form_asks_for_the_kecamatan_first(self, client):
        html = client.get(URL).content.decode()
        assert '<select name="kecamatan"' in html
        assert ">Karangampel</option>" in html and ">Krangkeng</option>" in html
        # No village of any kecamatan yet: only "choose the kecamatan first" and "outside".
        assert len(village_options(html)) == 2
        assert "data-krk-village-step" in html and "formnovalidate" in html

    def test_a_kecamatan_in_the_address_lists_its_villages_only(self, client):
        html = client.get(URL, {"kecamatan": KARANGAMPEL}).content.decode()
        assert village_options(html)[1:] == ["Tanjungpura", village_options(html)[-1]]
        assert "Purwajaya" not in html
        assert re.search(rf'value="{KARANGAMPEL}" selected', html)

    def test_the_step_without_javascript_keeps_everything_typed_and_stores_nothing(self, client, settings):
        settings.KRK_RATELIMITS = {**settings.KRK_RATELIMITS, "aspiration_submit": (1, 3600)}
        data = form_data(
            kecamatan=KARANGAMPEL,
            village="",
            title="Balap liar tiap malam",
            identity="kontak",
            reporter_name="Siti Aminah",
            reporter_phone="0812 3456 7890",
            consent="on",
            **{STEP_FIELD: STEP_KECAMATAN},
        )
        for _ in range(3):  # a step is not a submission: never rate-limited
            response = client.post(URL, data)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Tanjungpura" in village_options(html)
        assert 'value="Balap liar tiap malam"' in html and 'value="Siti Aminah"' in html
        assert data["description"] in html
        assert re.search(r'name="consent"[^>]*checked', html)
        assert f'value="{data["started"]}"' in html  # the fill time still counts from the first view
        assert "data-krk-error-summary" not in html and "invalid-feedback" not in html
        assert not Aspiration.objects.exists()

        chosen = village_id("Tanjungpura")
        response = client.post(URL, {**data, STEP_FIELD: "", "village": chosen})
        assert response.status_code == 302
        stored = Aspiration.objects.get()
        assert (stored.village.name, stored.unit.code) == ("Tanjungpura", "karangampel")

    def test_a_village_of_another_kecamatan_is_refused(self, client):
        response = client.post(URL, form_data(kecamatan=KARANGAMPEL, village=str(village("Krangkeng").pk)))
        assert response.status_code == 200
        assert 'id="error_1_id_village"' in response.content.decode()
        assert not Aspiration.objects.exists()

    def test_a_form_without_a_kecamatan_finds_the_village_s_own(self, client):
        """A page opened before the kecamatan were asked for still sends."""
        response = client.post(URL, form_data(village=str(village("Krangkeng").pk)))
        assert response.status_code == 302
        assert Aspiration.objects.get().unit == unit("krangkeng")

    def test_outside_needs_no_kecamatan(self, client):
        assert client.post(URL, form_data(village=OUTSIDE_KRANGKENG)).status_code == 302
        assert Aspiration.objects.get().village is None


class TestSeveralRegencies:
    """A Polda or the country: regency (kabupaten/kota), then kecamatan, then desa."""

    @pytest.fixture(autouse=True)
    def _cirebon(self):
        neighbour_village()
        polres = Unit.objects.create(kind=UnitKind.POLRES, name="Polres Cirebon", code="cirebon", parent=unit("jabar"))
        polsek = Unit.objects.create(kind=UnitKind.POLSEK, name="Polsek Losari", code="losari", parent=polres)
        losari = Kecamatan.objects.create(
            code="32.09.01", name="Losari", regency_code="32.09", regency_name="Cirebon", unit=polsek
        )
        Village.objects.create(code="32.09.01.2001", name="Ambulu", kecamatan=losari, unit=polsek, visit_target_days=14)

    def test_the_form_asks_for_the_regency_first(self, client):
        html = client.get(URL).content.decode()
        assert '<select name="kabupaten"' in html and ">Cirebon</option>" in html and ">Indramayu</option>" in html
        kecamatan = re.search(r'<select name="kecamatan".*?</select>', html, re.S).group(0)
        assert kecamatan.count("<option") == 1  # none until a regency is chosen
        assert "data-krk-regency-step" in html

    def test_a_regency_lists_its_kecamatan_only(self, client):
        html = client.get(URL, {"kabupaten": "32.12"}).content.decode()
        assert ">Krangkeng</option>" in html and ">Karangampel</option>" in html and ">Losari</option>" not in html

    def test_a_kecamatan_brings_its_regency(self, client):
        html = client.get(URL, {"kecamatan": "32.09.01"}).content.decode()
        assert re.search(r'value="32.09" selected', html)
        assert village_options(html)[1:-1] == ["Ambulu"]

    def test_the_step_lists_the_chosen_regency_s_kecamatan(self, client):
        data = form_data(kabupaten="32.09", kecamatan="", village="", **{STEP_FIELD: STEP_KECAMATAN})
        html = client.post(URL, data).content.decode()
        assert ">Losari</option>" in html and ">Krangkeng</option>" not in html
        assert data["title"] in html

    def test_sent_to_the_village_s_polsek(self, client):
        ambulu = village_id("Ambulu")
        assert client.post(URL, form_data(kabupaten="32.09", kecamatan="32.09.01", village=ambulu)).status_code == 302
        assert Aspiration.objects.get().unit.code == "losari"


def village_id(name: str) -> str:
    return str(Village.objects.get(name=name).pk)


class TestVillageList:
    def test_lists_one_kecamatan_s_villages_by_name(self, client):
        neighbour_village()
        response = client.get(reverse("aspirations:villages", args=[KRANGKENG]))
        assert response.status_code == 200
        rows = response.json()["villages"]
        assert [name for _pk, name in rows] == sorted(
            Village.objects.filter(kecamatan__code=KRANGKENG).values_list("name", flat=True)
        )
        assert "Tanjungpura" not in response.content.decode()
        assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]

    def test_an_unknown_kecamatan_is_a_404(self, client):
        assert client.get(reverse("aspirations:villages", args=["99.99.99"])).status_code == 404

    def test_no_query_once_kept(self, client, django_assert_num_queries):
        url = reverse("aspirations:villages", args=[KRANGKENG])
        client.get(url)
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200


class TestScale:
    def test_the_page_and_its_queries_do_not_grow_with_the_villages(self, client):
        """With 40 kecamatan of 100 villages besides Krangkeng's, the form lists one
        kecamatan's villages: the same queries, and far below 100 KB compressed."""
        url = f"{URL}?kecamatan={KRANGKENG}"
        with page_queries() as few:
            small = client.get(url).content
        many_kecamatan(40, 100)
        with page_queries() as more:
            big = client.get(url).content
        # A second regency: the lists read the chosen regency's kecamatan apart (kept per regency).
        assert len(more) == len(few) + 1
        with page_queries() as kept:
            client.get(url)
        assert kept == []
        assert len(village_options(big.decode())) == 1 + 11 + 1
        assert len(gzip.compress(big)) < 100_000
        assert len(big) - len(small) < 40 * 60  # one option per kecamatan, no village of theirs
