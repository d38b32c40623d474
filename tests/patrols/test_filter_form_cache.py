"""The list filters' forms: their model choices read with one query, shown as crispy shows them."""

import pytest
from django import forms
from django.db.models import F
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from aspirations.filters import AspirationFilter
from aspirations.models import Aspiration, Category
from core import roles
from patrols.filters import PatrolFilter
from patrols.models import ImbauanTopic, Patrol
from patrols.templatetags import form_cache
from tests.factories import OfficerFactory, village

pytestmark = pytest.mark.django_db

CACHED = Template("{% load form_cache %}{% crispy_cached form %}")
PLAIN = Template("{% load crispy_forms_tags %}{% crispy form %}")


def render(template: Template, form) -> str:
    return template.render(Context({"form": form, "csrf_token": "token", "request": RequestFactory().get("/")}))


def patrol_form():
    return PatrolFilter(None, queryset=Patrol.objects.all()).form


def inbox_form():
    return AspirationFilter(None, queryset=Aspiration.objects.all()).form


@pytest.fixture(autouse=True)
def _empty_table():
    form_cache._rendered.clear()
    yield
    form_cache._rendered.clear()


def read_by_the_fields(form):
    """The form with each model choice field listing its own queryset, as Django would."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.widget.choices = field.choices
    return form


@pytest.mark.usefixtures("bhabin", "other_bhabin")
class TestListFilterForms:
    @pytest.mark.parametrize("make", [patrol_form, inbox_form])
    def test_renders_what_crispy_renders_from_the_querysets(self, make):
        cached = render(CACHED, make())
        assert cached == render(PLAIN, read_by_the_fields(make()))
        assert cached == render(CACHED, make())  # reused

    @pytest.mark.parametrize(("language", "name"), [("id", "name"), ("en", "name_en")])
    def test_labels_in_the_interface_language(self, language, name):
        category = Category.objects.exclude(name_en="").exclude(name_en=F("name")).first()
        with translation.override(language):
            html = render(CACHED, inbox_form())
            assert html == render(PLAIN, read_by_the_fields(inbox_form()))
        assert f'<option value="{category.pk}">{getattr(category, name)}</option>' in html

    def test_an_edited_village_officer_or_topic_shows_at_once(self, bhabin):
        render(CACHED, patrol_form())
        renamed = village("Kalianyar")
        renamed.name = "Kalianyar Wetan"
        renamed.save()
        bhabin.last_name = "Hidayat"
        bhabin.save()
        topic = ImbauanTopic.objects.create(slug="baru", name="Topik Baru")
        html = render(CACHED, patrol_form())
        assert "Kalianyar Wetan" in html and "Bripka Ahmad Hidayat" in html and "Topik Baru" in html
        assert f'<option value="{topic.pk}">Topik Baru</option>' in html

    def test_an_officer_who_gains_the_permission_is_listed_at_once(self):
        render(CACHED, inbox_form())
        newcomer = OfficerFactory(first_name="Citra", last_name="Lestari", rank="", role=roles.OFFICER)
        assert f'<option value="{newcomer.pk}">Citra Lestari</option>' in render(CACHED, inbox_form())

    def test_my_lists_have_no_officer_choices(self):
        form = PatrolFilter(None, queryset=Patrol.objects.all(), mine=True).form
        html = render(CACHED, form)
        assert 'name="officer"' not in html and 'name="village"' in html

    def test_the_leading_choices_come_first(self):
        html = render(CACHED, inbox_form())
        officers = html.split('name="officer"', 1)[1]
        assert officers.index("Semua personel") < officers.index("Belum didisposisikan") < officers.index("Ahmad Fauzi")

    @pytest.mark.parametrize("make", [patrol_form, inbox_form])
    def test_one_query_for_all_model_choices_rendered_or_reused(self, make, django_assert_num_queries):
        for _ in range(2):
            form = make()
            with django_assert_num_queries(1):
                render(CACHED, form)

    def test_no_query_when_the_form_is_not_shown(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            form = PatrolFilter({"q": "pasar"}, queryset=Patrol.objects.all()).form
            assert form.is_valid()
