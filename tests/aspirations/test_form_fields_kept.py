"""The blank public form's fields, kept in the cache and served to every visitor alike."""

import logging
import re

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from aspirations.models import Aspiration, Category
from core import release
from patrols.models import Village
from tests.aspirations.conftest import form_data
from tests.conftest import stored_cache_keys
from tests.core.test_kept import UNREACHABLE
from tests.factories import neighbour_village, unit, village
from units.models import Kecamatan, Unit, UnitKind

pytestmark = pytest.mark.django_db
FORM = reverse("aspirations:submit")
PER_VISITOR = re.compile(r'name="(csrfmiddlewaretoken|started|idempotency_key)" value="[^"]*"')


def fields_keys() -> list[str]:
    return [key for key in stored_cache_keys() if "krk:aspirations:form-fields:" in key]


def fields_markup(response) -> str:
    """The page without what is drawn for each visitor."""
    return PER_VISITOR.sub(r'name="\1" value=""', response.content.decode())


def per_visitor(response, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', response.content.decode()).group(1)


class TestBlankForm:
    def test_kept_once_and_served_to_every_visitor_with_their_own_tokens(self, django_assert_num_queries):
        first = Client(enforce_csrf_checks=True)
        second = Client(enforce_csrf_checks=True)
        shown = first.get(FORM)
        assert len(fields_keys()) == 1
        with django_assert_num_queries(0):
            again = second.get(FORM)
        assert len(fields_keys()) == 1
        assert fields_markup(again) == fields_markup(shown)
        for name in ("csrfmiddlewaretoken", "started", "idempotency_key"):
            assert per_visitor(again, name) != per_visitor(shown, name)
        # Both visitors send the form they were shown: each passes the CSRF check with their own token.
        for client, page in ((first, shown), (second, again)):
            data = form_data(
                csrfmiddlewaretoken=per_visitor(page, "csrfmiddlewaretoken"),
                idempotency_key=per_visitor(page, "idempotency_key"),
            )
            assert client.post(FORM, data).status_code == 302
        assert Aspiration.objects.count() == 2

    def test_head_reads_the_same(self, client):
        assert client.head(FORM).status_code == 200
        client.get(FORM)
        assert len(fields_keys()) == 1

    def test_a_sent_form_with_errors_is_shown_to_its_sender_only(self, client):
        data = form_data(title="", identity="kontak", reporter_name="Siti Rahayu", reporter_phone="081234567890")
        returned = client.post(FORM, data)
        assert returned.status_code == 200
        assert "Siti Rahayu" in returned.content.decode()
        assert fields_keys() == []
        blank = Client().get(FORM).content.decode()
        assert "Siti Rahayu" not in blank
        assert "081234567890" not in blank

    def test_the_village_step_keeps_what_was_typed_for_its_sender_only(self, client):
        kecamatan = village("Krangkeng").kecamatan.code
        data = form_data(title="Pencurian kabel PLN", kecamatan=kecamatan, langkah="kecamatan")
        stepped = client.post(FORM, data).content.decode()
        assert "Pencurian kabel PLN" in stepped
        assert fields_keys() == []
        assert "Pencurian kabel PLN" not in Client().get(FORM, {"kecamatan": kecamatan}).content.decode()

    def test_a_new_category_shows_at_once(self, client):
        client.get(FORM)
        Category.objects.create(slug="baru", name="Kategori Baru")
        assert "Kategori Baru" in client.get(FORM).content.decode()

    def test_a_renamed_village_shows_at_once(self, client):
        renamed = village("Kapringan")
        client.get(FORM)
        renamed.name = "Kapringan Baru"
        renamed.save()
        assert "Kapringan Baru" in client.get(FORM).content.decode()

    def test_each_language_has_its_own(self):
        indonesian = Client()
        english = Client()
        english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        assert "Identitas Anda" in indonesian.get(FORM).content.decode()
        assert "Your identity" in english.get(FORM).content.decode()
        assert "Identitas Anda" in Client().get(FORM).content.decode()
        assert len(fields_keys()) == 2

    def test_a_chosen_kecamatan_has_its_own_and_an_unknown_code_the_blank_one(self, client):
        neighbour_village()  # a second kecamatan: the form asks which one
        krangkeng = village("Krangkeng").kecamatan.code
        chosen = client.get(FORM, {"kecamatan": krangkeng}).content.decode()
        assert f'<option value="{krangkeng}" selected>' in chosen
        assert ">Kapringan</option>" in chosen
        blank = client.get(FORM).content.decode()
        assert f'<option value="{krangkeng}" selected>' not in blank
        assert ">Kapringan</option>" not in blank
        for code in ("99.99.99", "<script>", "x" * 200):
            client.get(FORM, {"kecamatan": code, "kabupaten": code})
        # The chosen kecamatan and the blank form: made-up codes never add keys to the cache.
        assert len(fields_keys()) == 2


@pytest.fixture
def cirebon() -> Village:
    """A second regency (Kabupaten Cirebon, one Polsek and one village): the form asks for the regency first."""
    polres = Unit.objects.create(kind=UnitKind.POLRES, name="Polres Cirebon", code="cirebon", parent=unit("jabar"))
    polsek = Unit.objects.create(kind=UnitKind.POLSEK, name="Polsek Losari", code="losari", parent=polres)
    losari = Kecamatan.objects.create(
        code="32.09.01", name="Losari", regency_code="32.09", regency_name="Cirebon", unit=polsek
    )
    return Village.objects.create(
        code="32.09.01.2001", name="Ambulu", kecamatan=losari, unit=polsek, visit_target_days=14
    )


class TestSeveralRegencies:
    def test_kept_per_regency_and_made_up_codes_add_no_keys(self, client, cirebon):
        assert ">Cirebon</option>" in client.get(FORM).content.decode()
        regency = client.get(FORM, {"kabupaten": "32.09"}).content.decode()
        assert '<option value="32.09" selected>' in regency
        assert ">Losari</option>" in regency
        assert len(fields_keys()) == 2
        for code in ("99.99", "<script>", "x" * 200, "32.12.09"):
            assert client.get(FORM, {"kabupaten": code}).status_code == 200
        assert len(fields_keys()) == 2

    def test_a_chosen_kecamatan_is_drawn_for_each_visitor(self, client, cirebon):
        """The country has 7,285: kept, they would be as many copies of the form."""
        chosen = client.get(FORM, {"kecamatan": "32.09.01"}).content.decode()
        assert '<option value="32.09.01" selected>' in chosen
        assert ">Ambulu</option>" in chosen
        assert fields_keys() == []

    def test_an_unknown_regency_is_refused_and_nothing_kept(self, client, cirebon):
        sent = form_data(kabupaten="99.99", kecamatan="32.09.01", village=str(cirebon.pk))
        html = client.post(FORM, sent).content.decode()
        assert ">Cirebon</option>" in html
        assert ">Indramayu</option>" in html
        assert Aspiration.objects.count() == 0
        assert fields_keys() == []


class TestRelease:
    def test_the_form_and_its_translations_are_sources(self):
        sources = {path.relative_to(settings.BASE_DIR).as_posix() for path in release._sources()}
        assert "aspirations/templates/aspirations/_aspiration_fields.html" in sources
        assert "aspirations/forms.py" in sources
        assert "locale/id/LC_MESSAGES/django.mo" in sources
        assert not any("site-packages" in source for source in sources)

    def test_a_changed_file_is_another_release(self, settings, tmp_path):
        settings.BASE_DIR = tmp_path  # the project's apps are elsewhere: only this folder counts
        settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
        settings.LOCALE_PATHS = []
        (tmp_path / "templates").mkdir()
        template = tmp_path / "templates" / "form.html"
        template.write_text("<form>")
        first = release.digest()
        assert release.digest() == first
        template.write_text("<form novalidate>")
        assert release.digest() != first


class TestCacheDown:
    def test_the_form_is_drawn_afresh_for_every_visitor(self, caplog):
        with override_settings(CACHES=UNREACHABLE), caplog.at_level(logging.WARNING, logger="core.kept"):
            first = Client().get(FORM)
            second = Client().get(FORM)
        assert first.status_code == second.status_code == 200
        assert fields_markup(first) == fields_markup(second)
        assert 'name="title"' in first.content.decode()
        assert "cache unavailable; computing the public form's markup afresh" in caplog.messages
