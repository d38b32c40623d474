"""The floor: the fastest views Django can serve on the same settings and middleware.

Every page's requests per second are compared with these, measured in the same
run on the same server, so the ratios hold when absolute numbers drift.
"""

from django.http import HttpRequest, HttpResponse

from patrols.models import Village


def floor_bare(request: HttpRequest) -> HttpResponse:
    """No template, no session, no query: the cost of Django and the middleware alone."""
    return HttpResponse(b"ok", content_type="text/plain")


def floor_query(request: HttpRequest) -> HttpResponse:
    """One trivial one-row query through the ORM, nothing else."""
    village = Village.objects.only("pk").order_by("pk").first()
    return HttpResponse(str(village.pk if village else 0).encode(), content_type="text/plain")
