"""The officers' installable app: its manifest and the service worker (static/js/sw.js)
that lets Catat Patroli open with no signal and keeps the outbox (static/js/outbox.js).

The worker is served from the site root so that its scope may cover the staff pages;
it keeps only pages whose response says they may be kept offline for one officer
(core.offline, set by Catat Patroli and Kotak Keluar), each officer's in their
own cache, and forgets them all on sign-in and sign-out.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core.offline import OFFLINE_HEADER

from .context_processors import emblem_url

# What Catat Patroli and Kotak Keluar need with no connection (and the unit's emblem, in the menu).
PRECACHE = [
    "vendor/bootstrap/css/bootstrap.min.css",
    "css/portal.css",
    "img/favicon.svg",
    "js/portal.js",
    "js/photos.js",
    "js/uploads.js",
    "js/outbox.js",
    "patrols/patrols.css",
    "patrols/patrol_form.js",
]


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """static/js/sw.js, after the settings it needs (the static URLs change with each deploy)."""
    path = finders.find("js/sw.js")
    if not isinstance(path, str):
        raise ImproperlyConfigured("static/js/sw.js is missing")
    with open(path, encoding="utf-8") as source:
        script = source.read()
    config = {
        "precache": [*(static(path) for path in PRECACHE), emblem_url(settings.KRK_UNIT_EMBLEM)],
        "offlinePages": [reverse("patrols:patrol_create"), reverse("patrols:outbox")],
        "forgetOn": [reverse("login"), reverse("logout")],
        "header": OFFLINE_HEADER,
    }
    response = HttpResponse(f"const KRK = {json.dumps(config)};\n{script}", content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": _("Krangkeng Portal"),
        "short_name": _("Log Patrol"),
        "start_url": reverse("patrols:patrol_create"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#102a5c",
        "icons": [{"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
