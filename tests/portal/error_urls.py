"""A URLconf for the error-page tests: views that fail on purpose, and the portal's handler500."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import include, path

import krangkeng_portal.urls


def crash(request):
    settings_like = {"SECRET_KEY": "never-shown"}
    return 1 / len(settings_like["SECRET_KEY"][:0])  # ZeroDivisionError


def suspicious(request):
    raise SuspiciousOperation("tampered input at /secret/path")


def forbidden(request):
    raise PermissionDenied("reason for the log only")


urlpatterns = [
    path("boom/", crash),
    path("suspicious/", suspicious),
    path("forbidden/", forbidden),
    path("", include(krangkeng_portal.urls.urlpatterns)),
]

handler400 = krangkeng_portal.urls.handler400
handler403 = krangkeng_portal.urls.handler403
handler404 = krangkeng_portal.urls.handler404
handler500 = krangkeng_portal.urls.handler500
