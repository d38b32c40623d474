"""The villages and categories of the public pages, kept in the cache between requests."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from aspirations import choices
from aspirations.models import Aspiration, Category
from patrols.models import Village
from tests.aspirations.conftest import form_data
from tests.factories import unit, village
from units.models import Kecamatan, Unit, UnitKind

pytestmark = pytest.mark.django_db
FORM = reverse("aspirations:submit")


class TestFormChoices:
    def test_read_once_then_kept(self, django_assert_num_queries):
        with django_assert_num_queries(2):
            first = choices.form_choices()
        with django_assert_num_queries(0):
            assert choices.form_choices() == first
        assert [row.name for row in first.kecamatan] == ["Krangkeng"]

    def test_with_several_regencies_the_kecamatan_are_kept_per_regency(self, django_assert_num_queries):
        """Every request unpickles the kept lists: a country's 7,285 kecamatan stay out of them."""
        polres = Unit.objects.create(kind=UnitKind.POLRES, code="cirebon", name="Polres Cirebon", parent=unit("jabar"))
        polsek = Unit.objects.create(
            kind=UnitKind.POLSEK, code="arjawinangun", name="Polsek Arjawinangun", parent=polres
        )
        kecamatan = Kecamatan.objects.create(
            code="32.09.05", name="Arjawinangun", regency_code="32.09", regency_name="Cirebon", unit=polsek
        )
        Village.objects.create(
            code="32.09.05.2001", name="Jungjang", kecamatan=kecamatan, unit=polsek, visit_target_days=14
        )
        listed = choices.form_choices()
        assert listed.regencies() == [("32.09", "Cirebon"), ("32.12", "Indramayu")]
        assert listed.kecamatan == ()
        with django_assert_num_queries(1):
            assert [row.name for row in choices.kecamatan_of(listed, "32.09")] == ["Arjawinangun"]
        with django_assert_num_queries(0):
            assert choices.kecamatan_by_code(listed, "32.09.05").pk == kecamatan.pk
            assert choices.kecamatan_by_code(listed, "32.99.01") is None
            assert choices.kecamatan_of(listed, "99.99") == ()

    def test_retired_categories_are_kept_but_not_offered(self):
        Category.objects.filter(slug="narkoba").update(is_active=False)
        listed = choices.form_choices()
        retired = Category.objects.get(slug="narkoba")
        assert retired.pk in [row[0] for row in listed.categories]
        assert retired.pk not in [row[0] for row in listed.offered_categories()]

    @pytest.mark.parametrize("change", ["save", "delete"])
    def test_an_edited_category_is_read_again(self, change, django_assert_num_queries):
        choices.form_choices()
        category = Category.objects.create(slug="baru", name="Kategori Baru")
        if change == "delete":
            category.delete()
        with django_assert_num_queries(2):
            offered = [name for _pk, name, _en in choices.form_choices().offered_categories()]
        assert ("Kategori Baru" in offered) == (change == "save")

    def test_a_renamed_village_is_read_again(self):
        choices.form_choices()
        renamed = village("Krangkeng")
        renamed.name = "Krangkeng Baru"
        renamed.save()
        listed = choices.form_choices()
        assert (renamed.pk, "Krangkeng Baru", renamed.unit_id) in choices.villages_of(listed, renamed.kecamatan_id)
        assert choices.village_name(listed, renamed.pk) == "Krangkeng Baru"

    def test_dropped_again_when_the_change_commits(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as callbacks:
            Category.objects.create(slug="baru", name="Kategori Baru")
        choices.form_choices()  # a request that read between the save and the commit
        for callback in callbacks:
            callback()
        assert cache.get(choices.CACHE_KEY) is None

    def test_a_broken_cache_falls_back_to_the_database(self, monkeypatch, django_assert_num_queries):
        def down(*args, **kwargs):
            raise ConnectionError("cache down")

        monkeypatch.setattr(cache, "get", down)
        monkeypatch.setattr(cache, "set", down)
        with django_assert_num_queries(2):
            listed = choices.form_choices()
        assert len(listed.kecamatan) == 1
        with django_assert_num_queries(1):
            villages = choices.villages_of(listed, listed.kecamatan[0].pk)
        assert len(villages) == Village.objects.count()


class TestNames:
    def test_in_the_interface_language(self):
        category = Category.objects.get(slug="keamanan-lingkungan")
        listed = choices.form_choices()
        with translation.override("en"):
            assert choices.names(listed, category_id=category.pk, village_id=None) == (category.name_en, "")
        assert choices.names(listed, category_id=category.pk, village_id=village("Tanjakan").pk) == (
            category.name,
            "Tanjakan",
        )

    def test_a_category_added_since_is_read_again(self):
        listed = choices.form_choices()
        added = Category.objects.create(slug="baru", name="Kategori Baru", is_active=False)
        assert choices.names(listed, category_id=added.pk, village_id=None) == ("Kategori Baru", "")


class TestThePublicForm:
    def test_a_choice_not_listed_is_refused_with_django_s_message(self, client):
        html = client.post(FORM, form_data(category="999999")).content.decode()
        assert 'id="error_1_id_category"' in html
        assert "Masukkan pilihan yang valid. Pilihan tersebut bukan salah satu" in html

    def test_a_retired_category_is_refused(self, client):
        retired = Category.objects.get(slug="narkoba")
        retired.is_active = False
        retired.save()
        client.post(FORM, form_data(category=str(retired.pk)))
        assert not Aspiration.objects.exists()

    def test_the_stored_aspiration_points_at_the_chosen_rows(self, client):
        category = Category.objects.get(slug="narkoba")
        client.post(FORM, form_data(category=str(category.pk), village=str(village("Tanjakan").pk)))
        stored = Aspiration.objects.select_related("category", "village").get()
        assert (stored.category, stored.village) == (category, village("Tanjakan"))
