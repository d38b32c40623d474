from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from patrols.models import Village

from .dashboard import transparency


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Beranda, with this month's public figures (two aggregate queries, cached for minutes)."""
    return render(request, "home.html", {"transparency": transparency.this_month()})


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    """Public list of villages and their current Bhabinkamtibmas (2 queries)."""
    villages = Village.objects.with_current_officers()
    return render(request, "directory.html", {"villages": villages})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the app answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
