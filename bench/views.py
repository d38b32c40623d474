"""The floor: the fastest views Django can serve on the same settings and middleware.

Every page's requests per second are compared with these, measured in the same
run on the same server, so the ratios hold when absolute numbers drift. The two
template floors are what every page pays before its own content: `base.html`
with its context processors, for a visitor and for a signed-in officer.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from patrols.models import Village
from units.scoping import deployment_wide


def floor_bare(request: HttpRequest) -> HttpResponse:
    """No template, no session, no query: the cost of Django and the middleware alone."""
    return HttpResponse(b"ok", content_type="text/plain")


@deployment_wide()
def floor_query(request: HttpRequest) -> HttpResponse:
    """One trivial one-row query through the ORM, nothing else (public master data, as the form reads it)."""
    village = Village.objects.only("pk").order_by("pk").first()
    return HttpResponse(str(village.pk if village else 0).encode(), content_type="text/plain")


def floor_template(request: HttpRequest) -> HttpResponse:
    """`base.html` with no content of its own, as an anonymous visitor gets it."""
    return render(request, "base.html")


@login_required
def floor_template_signed_in(request: HttpRequest) -> HttpResponse:
    """`base.html` for a signed-in officer: the session, the user and the staff navigation."""
    return render(request, "base.html")
