"""/open311/: the developer page, Service Discovery and GeoReport v2 under v2/.

The format is the URL's suffix (services.xml, requests/abc.json); a suffix other
than xml or json reaches the view, which answers with the specification's error
document rather than the site's HTML 404.
"""

from django.urls import path, register_converter

from . import views


class FormatConverter:
    regex = "[A-Za-z0-9]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "format")

app_name = "open311"

urlpatterns = [
    path("", views.developer, name="developer"),
    path("discovery.<format:format>", views.discovery, name="discovery"),
    path("v2/", views.root, name="root"),
    path("v2/services.<format:format>", views.service_list, name="services"),
    path("v2/services/<str:code>.<format:format>", views.service_definition, name="service_definition"),
    path("v2/requests.<format:format>", views.service_requests, name="requests"),
    path("v2/requests/<str:service_request_id>.<format:format>", views.service_request, name="request"),
    path("v2/tokens/<str:token>.<format:format>", views.token, name="token"),
]
