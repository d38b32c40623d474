"""{% crispy_cached %}: the same HTML as {% crispy %}, rendered once while the form is unbound."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from aspirations import tickets
from aspirations.forms import AspirationForm, StatusLookupForm, started_token
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
        form = AspirationForm()  # the form itself reads its choices (aspirations.choices)
        with django_assert_num_queries(0):
            render(CACHED, form)
        form = AspirationForm()
        with django_assert_num_queries(0):
            render(CACHED, form)


class TestCrispyCachedBound:
    """A form with `render_cache_bound` (Cek Status) is kept rendered with its input too."""

    def lookup(self, code: str) -> StatusLookupForm:
        form = StatusLookupForm({"kode": code})
        form.is_valid()
        return form

    @pytest.mark.parametrize("code", ["KRK-7Q4M-9XTP-J", "krk 7q4m 9xtp j", "KRK-7Q4M-9XTP-0", "x", "", "A" * 50])
    def test_renders_what_crispy_renders(self, code):
        render(CACHED, self.lookup("KRK-AAAA-AAAA-A"))  # another value, kept first
        assert render(CACHED, self.lookup(code)) == render(PLAIN, self.lookup(code))

    def test_one_rendering_serves_every_code_without_errors(self):
        first, second = tickets.format_code("AAAABBBB"), tickets.format_code("ZZZZZZZZ")
        render(CACHED, self.lookup(first))
        html = render(CACHED, self.lookup(second))
        assert len(form_cache._rendered) == 1
        assert f'value="{second}"' in html and first not in html

    def test_what_was_typed_is_escaped_once(self):
        typed = '"><script>alert(1)</script>&amp;'
        render(CACHED, self.lookup(typed))
        html = render(CACHED, self.lookup(typed))
        assert "<script>" not in html
        assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;"' in html
        assert html == render(PLAIN, self.lookup(typed))

    def test_a_typed_placeholder_is_not_replaced(self):
        typed = f"krk-csrf-{form_cache._MARK}"
        html = render(CACHED, self.lookup(typed), csrf_token="token-one")
        assert f'value="{typed}"' in html

    def test_forms_without_the_flag_are_rendered_afresh(self):
        bound = AspirationForm({"title": "x"})
        bound.is_valid()
        render(CACHED, bound)
        assert form_cache._rendered == {}
