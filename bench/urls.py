"""The portal's URLs plus the floor views (see bench/settings.py for why they live here)."""

from django.urls import include, path

from krangkeng_portal.urls import handler400, handler403, handler404, handler500  # noqa: F401

from . import views

urlpatterns = [
    path("__floor/bare", views.floor_bare, name="bench_floor_bare"),
    path("__floor/query", views.floor_query, name="bench_floor_query"),
    path("__floor/template", views.floor_template, name="bench_floor_template"),
    path("__floor/template-signed-in", views.floor_template_signed_in, name="bench_floor_template_signed_in"),
    path("", include("krangkeng_portal.urls")),
]
