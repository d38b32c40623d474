import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import FromDayFilter, UntilDayFilter
from core.lists import ListFilterSet

from .models import AuditAction, AuditEntry

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


class AuditEntryFilter(ListFilterSet):
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices, empty_label=_("All actions"))
    actor = django_filters.CharFilter(label=_("User"), field_name="actor_username", lookup_expr="iexact")
    # Dates are compared in WIB (TIME_ZONE), the day the user sees on the page.
    date_from = FromDayFilter(label=_("From"), field_name="created_at", widget=DATE_INPUT)
    date_to = UntilDayFilter(label=_("Until"), field_name="created_at", widget=DATE_INPUT)

    class Meta:
        model = AuditEntry
        fields = ["action", "actor", "date_from", "date_to"]

    @property
    def form(self):
        form = super().form
        if not hasattr(form, "helper"):
            # The filter card (core/_filter_card.html) writes the <form> tag and the buttons.
            form.helper = FormHelper()
            form.helper.form_tag = False
            form.helper.disable_csrf = True
            form.helper.layout = Layout(
                Row(
                    Column("action", css_class="col-12 col-md-3"),
                    Column("actor", css_class="col-12 col-md-3"),
                    Column("date_from", css_class="col-6 col-md-3"),
                    Column("date_to", css_class="col-6 col-md-3"),
                )
            )
        return form
