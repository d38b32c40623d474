"""Dasbor and Rekap Bulanan: parse the period, check the permission, render the figures."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import coverage, links, pages, selection
from .periods import CUSTOM, PRESETS, MonthForm, PeriodForm, month_period


def _sort_headers(period_query: dict, current: str) -> list[dict]:
    """Column headers of the coverage table: each a link that sorts by it (again: the other way)."""
    headers = []
    for key, label in coverage.SORT_COLUMNS:
        ascending = current == key
        descending = current == f"-{key}"
        target = f"-{key}" if ascending else key
        headers.append(
            {
                "label": label,
                "url": f"?{urlencode({**period_query, 'sort': target})}#cakupan",
                "aria_sort": "ascending" if ascending else "descending" if descending else "",
            }
        )
    return headers


@never_cache
@login_required
@require_safe
@permission_required("krangkeng_portal.view_dashboard", raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Dasbor: a period's patrols, village coverage, aspirations and officers (constant queries)."""
    sel, units = selection.choose(request.user, request.GET.get("unit"))
    form = PeriodForm(request.GET or None)
    period = form.chosen_period()
    data = pages.dashboard(period, sel, sort=request.GET.get("sort", ""))
    period_query = {**period.query(), "unit": sel.code}
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "unit_form": selection.UnitForm(initial={"unit": sel.code}, units=units),
            "period_query": period.query(),
            "data": data,
            "period": period,
            "sort_headers": _sort_headers(period_query, data.coverage.sort),
            "default_sort_url": f"?{urlencode(period_query)}#cakupan",
            "presets": [
                {
                    "label": label,
                    "url": f"?{urlencode({'period': key, 'unit': sel.code})}",
                    "active": period.preset == key,
                }
                for key, label in PRESETS
                if key != CUSTOM
            ],
            "as_of_day": min(timezone.localdate(), period.last_day),
            "state_legend": list(coverage.STATE_LABELS.items()),
            "map_tile_url": settings.KRK_TILE_URL,
            "patrol_export_xlsx": links.patrol_export(period, unit=sel.code, format="xlsx"),
            "patrol_export_csv": links.patrol_export(period, unit=sel.code, format="csv"),
            "aspiration_export_xlsx": links.aspiration_export(period, unit=sel.code, format="xlsx"),
            "aspiration_export_csv": links.aspiration_export(period, unit=sel.code, format="csv"),
            "can_see_recap": request.user.has_perm("krangkeng_portal.view_recap"),
        },
    )


@never_cache
@login_required
@require_safe
@permission_required("krangkeng_portal.view_recap", raise_exception=True)
def recap(request: HttpRequest) -> HttpResponse:
    """Rekap Bulanan: one month on A4 for the Kapolres, printed from the browser (also to PDF)."""
    sel, units = selection.choose(request.user, request.GET.get("unit"))
    form = MonthForm(request.GET or None)
    period = month_period(form.chosen_month())
    data = pages.recap(period, sel)
    return render(
        request,
        "dashboard/recap.html",
        {
            "form": form,
            "unit_form": selection.UnitForm(initial={"unit": sel.code}, units=units),
            "unit": sel.unit,
            "data": data,
            "period": period,
            "month_value": period.first_day.strftime("%Y-%m"),
            "max_month": timezone.localdate().strftime("%Y-%m"),
            "dashboard_url": f"{reverse('dashboard:dashboard')}?{urlencode({**period.query(), 'unit': sel.code})}",
            "signer_title": signer_title(sel.unit.name),
            "signer_place": place_of(sel.unit.name),
            "signed_on": timezone.localdate(),
            "generated_at": timezone.now(),
            "list_limit": pages.RECAP_LIST_LIMIT,
        },
    )


# The words a unit's name may start with (a Polresta is a Polres by kind, not by name).
KINDS = ("polsek", "polres", "polresta", "polda")


def _kind_and_place(unit_name: str) -> tuple[str, str]:
    """ "Polres Indramayu" -> ("polres", "Indramayu"); a name without its kind is a Polsek's, whole."""
    words = unit_name.split(maxsplit=1)
    if len(words) == 2 and words[0].lower() in KINDS:
        return words[0].lower(), words[1]
    return "polsek", unit_name


def place_of(unit_name: str) -> str:
    """ "Polsek Krangkeng" -> "Krangkeng", "Polres Indramayu" -> "Indramayu": where the recap is signed."""
    return _kind_and_place(unit_name)[1]


def signer_title(unit_name: str) -> str:
    """ "Polsek Krangkeng" -> "Kapolsek Krangkeng", "Polres Indramayu" -> "Kapolres Indramayu":
    the head of the unit (a name without its kind: "Kapolsek <name>", as before units)."""
    kind, place = _kind_and_place(unit_name)
    return f"Ka{kind} {place}"
