from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.contrib.messages.views import SuccessMessageMixin
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from aspirations.selectors import officer_workload, whatsapp_url
from patrols.access import OfficerRequest
from patrols.models import Patrol
from units.models import Unit
from units.scoping import deployment_wide
from units.selectors import deployment_units, in_deployment

from . import navigation
from .dashboard import transparency
from .directory import directory as directory_rows
from .directory import public_phone

# How many of their own patrols Beranda Petugas lists.
LAST_PATROLS = 5


@require_safe
@deployment_wide()
def home(request: HttpRequest) -> HttpResponse:
    """Beranda, with the last 30 days' public figures and the deployment's units: its Polsek by
    kecamatan, or (a Polda, the country) its Polres under their Polda. Three (the country) to
    five queries whatever the number of units, none while kept in the cache (transparency)."""
    return render(request, "home.html", {"transparency": transparency.last_30_days()})


@require_safe
@deployment_wide()
def polsek(request: HttpRequest, code: str) -> HttpResponse:
    """A Polsek's public page: where it serves, its Bhabinkamtibmas, its last 30 days, how to reach it.

    Only a Polsek of this deployment has one (a Polres's Polsek are on the home page): any
    other code is a 404. Six queries (the unit, its kecamatan, the directory's two, and the figures'
    two while they are not kept), whatever the number of its villages.
    """
    unit = get_object_or_404(Unit.objects.polsek(), code=code)
    if not in_deployment(unit):
        raise Http404
    kecamatan = list(unit.kecamatan.order_by("name").values_list("code", "name"))
    officers, unserved = directory_rows(unit)
    context = {
        "unit": unit,
        "kecamatan": [name for _code, name in kecamatan],
        # The form lists this kecamatan's villages at once (a Polsek of several: the resident chooses).
        "submit_kecamatan": kecamatan[0][0] if len(kecamatan) == 1 else "",
        "officers": officers,
        "unserved": unserved,
        "transparency": transparency.last_30_days(unit=unit),
        "unit_whatsapp_url": whatsapp_url(unit.whatsapp) if unit.whatsapp else "",
    }
    return render(request, "polsek.html", context)


@require_safe
@deployment_wide()
def polres(request: HttpRequest, code: str) -> HttpResponse:
    """A Polres's public page: its Polsek by kecamatan with their last 30 days, how to reach it.

    Only a Polres of this deployment has one (KRK_HOME_UNIT and below): any other code is
    a 404. Four queries (the unit, its Polsek's patrols and kecamatan, the aspirations;
    a fifth, the villages, where it has one Polsek), one while the figures are kept,
    whatever the number of its Polsek.
    """
    unit = get_object_or_404(Unit.objects.polres(), code=code)
    if not in_deployment(unit):
        raise Http404
    context = {
        "unit": unit,
        "transparency": transparency.last_30_days(unit=unit),
        "unit_whatsapp_url": whatsapp_url(unit.whatsapp) if unit.whatsapp else "",
    }
    return render(request, "polres.html", context)


@require_safe
@deployment_wide()
def directory(request: HttpRequest) -> HttpResponse:
    """Public list of the Bhabinkamtibmas and the villages they serve, where the deployment has
    one Polsek (3 queries). Above that it lists the Polsek by kecamatan (or the Polres by Polda),
    each linking to the page that holds its own directory: a Polres has some 320 officers, the
    country 80,000 (one query, and the home page's figures, kept in the cache)."""
    polsek = list(deployment_units().polsek()[:2])
    if len(polsek) == 1:
        unit = polsek[0]
        officers, unserved = directory_rows(unit)
        context = {"unit": unit, "officers": officers, "unserved": unserved}
        return render(request, "directory.html", {**context, "polsek_phone": public_phone(unit)})
    return render(request, "directory.html", {"transparency": transparency.last_30_days()})


class SignInView(SuccessMessageMixin, LoginView):
    """Masuk: on success, "Berhasil masuk" on the officer's home (LOGIN_REDIRECT_URL)."""

    redirect_authenticated_user = True
    success_message = _("Signed in.")


@never_cache
@login_required
@require_safe
def staff_home(request: OfficerRequest) -> HttpResponse:
    """Beranda Petugas, where staff land after signing in: Catat Patroli first, then
    what waits for them. At most two queries besides the session and permissions:
    the Aspirasi Saya figures and the officer's last patrols."""
    user = request.user
    handles_aspirations = user.has_perm("aspirations.handle_aspiration")
    logs_patrols = user.has_perm("patrols.log_patrol")
    patrols = Patrol.objects.involving(user).for_list().order_by("-started_at", "-pk")[:LAST_PATROLS]
    context = {
        "logs_patrols": logs_patrols,
        "workload": officer_workload(user) if handles_aspirations else None,
        "patrols": list(patrols) if logs_patrols else [],
        "links": navigation.items_for(user, navigation.STAFF_ITEMS[1:], None),
    }
    return render(request, "staff_home.html", context)


@never_cache
@require_safe
@deployment_wide()
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the app answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
