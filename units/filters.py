"""A list filter by unit: `?unit=<code>` keeps the rows of that unit and of the units below it.

The dashboard's figures link to the patrol list and the inbox with the unit they count,
so each list shows exactly those rows. The filter is a hidden field (the lists have no
unit chooser of their own) and costs no query: the unit's path is a subquery of the
rows' query. Lists hand it querysets already scoped to what the user may see, so the
code of a unit outside that scope leaves nothing, never another unit's rows.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Subquery
from django.utils.translation import gettext_lazy as _

from .models import Unit


class UnitFilter(django_filters.CharFilter):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label", _("Unit"))
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("max_length", 50)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        path = Unit.objects.filter(code=value).values("path")[:1]
        return qs.filter(unit__in=Unit.objects.filter(path__startswith=Subquery(path)).values("pk"))
