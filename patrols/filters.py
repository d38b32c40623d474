"""The patrol list's filters. They only ever receive querysets already scoped by visible_to()."""

from __future__ import annotations

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.dates import FromDayFilter, UntilDayFilter
from core.lists import ListFilterSet
from units.filters import UnitFilter

from .forms import OfficerChoiceField
from .models import DISPLAY_NAME_FIELDS, ImbauanTopic, Patrol, PatrolType, Situation, Village
from .selectors import patrol_officers


class OfficerFilter(django_filters.ModelChoiceFilter):
    # django-filter's stubs ask for its own field class; any ModelChoiceField serves.
    field_class = OfficerChoiceField  # type: ignore[assignment]


# The model choices read only the columns their labels show.
VILLAGES = Village.objects.only("name")
OFFICERS = patrol_officers(include_inactive=True).only(*DISPLAY_NAME_FIELDS)
TOPICS = ImbauanTopic.objects.only("name")


# The officer's part in a patrol (with the officer filter): the dashboard's "led" and
# "joined" figures link here, so each list shows exactly the patrols counted.
LED = "memimpin"
JOINED = "ikut"
ROLES = [(LED, _("Led the team")), (JOINED, _("Came along"))]


class PatrolFilterForm(forms.Form):
    """Two dates side by side, the choices two to a row on a phone, the search box last."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        width = {"date_from": "col-6 col-lg-3", "date_to": "col-6 col-lg-3", "q": "col-12 col-lg-6"}
        shown = [name for name, field in self.fields.items() if not field.widget.is_hidden]
        hidden = [name for name, field in self.fields.items() if field.widget.is_hidden]
        self.helper.layout = Layout(
            Row(*[Column(name, css_class=width.get(name, "col-12 col-sm-6 col-lg-3")) for name in shown]), *hidden
        )


class PatrolFilter(ListFilterSet):
    outside_card = ("unit",)  # the dashboard's links keep the unit; it does not open the card
    unit = UnitFilter()
    date_from = FromDayFilter(label=_("From"), field_name="started_at", widget=forms.DateInput(attrs={"type": "date"}))
    date_to = UntilDayFilter(label=_("Until"), field_name="started_at", widget=forms.DateInput(attrs={"type": "date"}))
    village = django_filters.ModelChoiceFilter(label=_("Village"), queryset=VILLAGES, empty_label=_("All villages"))
    patrol_type = django_filters.ChoiceFilter(label=_("Type"), choices=PatrolType.choices, empty_label=_("All types"))
    officer = OfficerFilter(
        label=_("Officer"),
        queryset=OFFICERS,
        method="filter_officer",
        empty_label=_("All officers"),
    )
    role = django_filters.ChoiceFilter(
        label=_("As"), choices=ROLES, empty_label=_("Leader or member"), method="filter_with_officer"
    )
    situation = django_filters.ChoiceFilter(
        label=_("Situation"), choices=Situation.choices, empty_label=_("Any situation")
    )
    # The dashboard's "top imbauan topics" link here; a topic appears once per patrol, so no duplicates.
    topic = django_filters.ModelChoiceFilter(
        label=_("Imbauan"),
        field_name="topics",
        queryset=TOPICS,
        empty_label=_("Any imbauan"),
    )
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_text",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("place, activity, findings…")}),
    )

    class Meta:
        model = Patrol
        fields: list[str] = []
        form = PatrolFilterForm

    def __init__(self, *args, mine: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if mine:  # Patroli Saya: the officer is always the user
            del self.filters["officer"]
            del self.filters["role"]

    def filter_officer(self, queryset, name, value):
        """Patrols the officer led or came along on (`role` narrows it to one of the two)."""
        membership = Patrol.members.through.objects.filter(patrol_id=OuterRef("pk"), officer_id=value.pk)
        role = self.form.cleaned_data.get("role")
        if role == LED:
            return queryset.filter(leader=value)
        if role == JOINED:
            return queryset.filter(Exists(membership))
        return queryset.filter(Q(leader=value) | Exists(membership))

    def filter_with_officer(self, queryset, name, value):
        return queryset  # applied by filter_officer; alone it means nothing

    def filter_text(self, queryset, name, value: str):
        for word in value.split()[:5]:
            queryset = queryset.filter(
                Q(place__icontains=word)
                | Q(summary__icontains=word)
                | Q(findings__icontains=word)
                | Q(actions__icontains=word)
                | Q(partners__icontains=word)
            )
        return queryset
