"""Which units this deployment serves: the unit named by KRK_HOME_UNIT and every unit below it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q

from .models import PATH_SEPARATOR, Unit, UnitQuerySet

# KRK_HOME_UNIT of a deployment for the whole country: every Polda is one of its top units.
NATIONAL = "*"


def deployment_root() -> Unit | None:
    """The unit the deployment serves (KRK_HOME_UNIT); None for the whole country (one query, none then).

    A code that names no unit is a configuration error, not a country: it fails loudly.
    """
    if settings.KRK_HOME_UNIT == NATIONAL:
        return None
    root = Unit.objects.filter(code=settings.KRK_HOME_UNIT).first()
    if root is None:
        raise ImproperlyConfigured(f"KRK_HOME_UNIT names no unit: {settings.KRK_HOME_UNIT!r}")
    return root


def receives_unplaced_reports() -> bool:
    """Whether a report with no Polsek (no village, or a village none covers yet) goes to the
    deployment's own unit (KRK_HOME_UNIT). A nationwide deployment has no such unit: there a
    report must name a village that a Polsek serves (the forms say so)."""
    return settings.KRK_HOME_UNIT != NATIONAL


def in_deployment(unit: Unit) -> bool:
    """Whether `unit` is the deployment's root or below it (no query: its path is its chain of codes)."""
    return settings.KRK_HOME_UNIT == NATIONAL or settings.KRK_HOME_UNIT in unit.path.split(PATH_SEPARATOR)


def deployment_units() -> UnitQuerySet:
    """The deployment's root and every unit below it, as a query (none to build it): the root's
    code is one of the segments of their path."""
    home = settings.KRK_HOME_UNIT
    if home == NATIONAL:
        return Unit.objects.all()
    segment = f"{home}{PATH_SEPARATOR}"
    return Unit.objects.filter(Q(path__startswith=segment) | Q(path__contains=f"{PATH_SEPARATOR}{segment}"))
