"""{% crispy_cached %}: the same HTML as {% crispy %}, rendered once while the form is unbound."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from aspirations.forms import AspirationForm, started_token
from aspirations.models import Category
from patrols.templatetags import form_cache

pytestmark = pytest.mark.django_db

CACHED = Template("{% load form_cache %}{% crispy_cached form %}")
PLAIN = Template("{% load crispy_forms_tags %}{% crispy form %}")


def render(template: Template, form, csrf_token: str = "token-one") -> str:  # noqa: S107
    return template.render(Context({"form": form, "csrf_token": csrf_token, "request": RequestFactory().get("/")}))


def form_with(token: str) -> AspirationForm:
    form = AspirationForm()
    form.initial["started"] = token
    return form


# signing.dumps stamps the signing second, so each token is made once and reused:
# two calls a second apart would differ and the comparison would flake.
TOKEN_1000 = started_token(1000)
TOKEN_2000 = started_token(2000)


@pytest.fixture(autouse=True)
def _empty_table():
    form_cache._rendered.clear()
    yield
    form_cache._rendered.clear()


class TestCrispyCached:
    def test_renders_what_crispy_renders(self):
        assert render(CACHED, form_with(TOKEN_1000)) == render(PLAIN, form_with(TOKEN_1000))

    def test_second_visitor_gets_their_own_token_and_start_time(self):
        render(CACHED, form_with(TOKEN_1000), csrf_token="token-one")
        html = render(CACHED, form_with(TOKEN_2000), csrf_token="token-two")
        assert len(form_cache._rendered) == 1  # rendered once, reused
        assert html == render(PLAIN, form_with(TOKEN_2000), csrf_token="token-two")
        assert "token-one" not in html
        assert TOKEN_1000 not in html

    def test_values_are_escaped(self):
        html = render(CACHED, form_with(TOKEN_1000), csrf_token='"><script>')
        assert "<script>" not in html
        assert "&quot;&gt;&lt;script&gt;" in html

    def test_a_bound_form_is_rendered_afresh_with_its_errors(self):
        render(CACHED, AspirationForm())
        bound = AspirationForm({"title": "x"})
        bound.is_valid()
        html = render(CACHED, bound)
        assert html == render(PLAIN, bound)
        assert "is-invalid" in html

    def test_an_edited_category_shows_at_once(self):
        render(CACHED, AspirationForm())
        category = Category.objects.filter(is_active=True).first()
        category.name = "Kategori yang baru diubah"
        category.save()
        assert "Kategori yang baru diubah" in render(CACHED, AspirationForm())

    def test_costs_the_same_queries_rendered_or_reused(self, django_assert_num_queries):
        form = AspirationForm()  # the form itself reads the villages
        with django_assert_num_queries(1):  # the categories, once
            render(CACHED, form)
        form = AspirationForm()
        with django_assert_num_queries(1):
            render(CACHED, form)
