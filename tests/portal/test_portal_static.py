"""{% load portal_static %}: Django's {% static %}, each file's URL worked out once."""

from django.template import Context, Template
from django.template.loader import get_template
from django.templatetags.static import StaticNode

from krangkeng_portal.templatetags import portal_static

CACHED = Template("{% load portal_static %}{% static 'css/portal.css' %}|{% static 'css/portal.css' as url %}{{ url }}")
PLAIN = Template("{% load static %}{% static 'css/portal.css' %}|{% static 'css/portal.css' as url %}{{ url }}")


def test_gives_what_django_s_tag_gives():
    assert CACHED.render(Context()) == PLAIN.render(Context()) == "/static/css/portal.css|/static/css/portal.css"


def test_asks_the_storage_once_per_file(monkeypatch):
    portal_static._urls.clear()
    asked = []
    monkeypatch.setattr(StaticNode, "handle_simple", classmethod(lambda cls, path: asked.append(path) or f"/x/{path}"))
    assert CACHED.render(Context()) == "/x/css/portal.css|/x/css/portal.css"
    CACHED.render(Context())
    assert asked == ["css/portal.css"]
    portal_static._urls.clear()


def test_a_new_static_url_is_followed(settings):
    CACHED.render(Context())
    settings.STATIC_URL = "/assets/"
    assert CACHED.render(Context()).startswith("/assets/css/portal.css")


def test_base_uses_it():
    first_line = get_template("base.html").template.source.splitlines()[0]
    assert "{% load " in first_line and " portal_static " in first_line
