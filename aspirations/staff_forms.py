"""Staff forms: the workflow actions on the detail page, and recording for a resident.

The action forms are named, each with its service and message, by `staff_views.STEPS`;
the view gives each the prefix of its action, so several share a page. The template
writes the <form> tag and the button, the FormHelper only lays out the fields.
"""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.idempotency import IdempotencyKeyField
from core.images import MultiplePhotoField
from patrols.forms import OfficerChoiceField
from patrols.models import Village

from . import tickets
from .forms import FUTURE_TOLERANCE, MAX_PHOTOS, OUTSIDE_KRANGKENG, CategoryChoiceField, ReporterFields
from .models import Aspiration, AspirationType, Category, Channel, Priority, Referral, RejectionReason
from .selectors import handling_officers, suggested_officer

TEXT_MAX = 4000


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def _text(label, *, help_text="", rows: int = 3, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TEXT_MAX,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ActionForm(forms.Form):
    def __init__(self, *args, aspiration: Aspiration, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.aspiration = aspiration
        self.user = user
        self.helper = _helper()

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class VerifyForm(ActionForm):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority"].initial = self.aspiration.priority


class RejectForm(ActionForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=RejectionReason.choices, widget=forms.RadioSelect)
    duplicate_code = forms.CharField(
        label=_("Ticket code of the original"),
        max_length=40,
        required=False,
        help_text=_(
            "For a duplicate: the original ticket (kept for staff; the resident is only told the matter is known)."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )
    referred_to = forms.ChoiceField(
        label=_("Where should the resident go?"),
        choices=Referral.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("For “not police authority”: the reply names the service and its address."),
    )
    note = _text(
        _("Message to the resident (optional)"),
        help_text=_("Shown on the status page with the reason. Needed for “other reason”."),
        required=False,
    )

    def clean_duplicate_code(self) -> Aspiration | None:
        raw = self.cleaned_data["duplicate_code"].strip()
        if not raw:
            return None
        try:
            code = tickets.normalise(raw)
        except tickets.InvalidTicketCode:
            raise forms.ValidationError(_("This is not a valid ticket code."), code="invalid") from None
        original = Aspiration.objects.visible_to(self.user).filter(code=code).exclude(pk=self.aspiration.pk).first()
        if original is None:
            raise forms.ValidationError(_("No other aspiration has this ticket code."), code="not_found")
        return original

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        reason = data.get("reason")
        missing_original = not data.get("duplicate_code") and "duplicate_code" not in self.errors
        if reason == RejectionReason.DUPLICATE and missing_original:
            self.add_error("duplicate_code", _("Give the ticket code of the original aspiration."))
        if reason == RejectionReason.NOT_AUTHORITY and not data.get("referred_to"):
            self.add_error("referred_to", _("Say where the resident should go instead."))
        if reason == RejectionReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("Explain the reason to the resident."))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "reason": data["reason"],
            "note": data["note"],
            "referred_to": data["referred_to"],
            "duplicate_of": data["duplicate_code"],
        }


class AssignForm(ActionForm):
    officer = OfficerChoiceField(label=_("Officer"), queryset=None)
    note = _text(
        _("Instructions for the officer (optional)"),
        help_text=_("Internal: the resident never sees it."),
        rows=2,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["officer"]).queryset = handling_officers()
        suggested = suggested_officer(self.aspiration)
        if suggested is not None and suggested.pk != self.aspiration.assigned_to_id:
            self.fields["officer"].initial = suggested.pk
            self.fields["officer"].help_text = _("Suggested: %(name)s, Bhabinkamtibmas of the village.") % {
                "name": suggested.display_name
            }


class ReplyForm(ActionForm):
    body = _text(_("Public reply"), help_text=_("The resident reads this on the status page, without your name."))


class NoteForm(ActionForm):
    body = _text(_("Internal note"), help_text=_("Staff only: never shown to the resident."), rows=2)


class ResolveForm(ActionForm):
    body = _text(
        _("Closing reply"),
        help_text=_("What was done, for the resident: shown on the status page with the status “Resolved”."),
    )


class ReopenForm(ActionForm):
    reason = _text(_("Why reopen it?"), help_text=_("Internal: kept on the timeline."), rows=2)


class StaffAspirationForm(ReporterFields):
    """Record an aspiration a resident gave by phone, WhatsApp, at the desk, or on a patrol.

    Staff type what the resident said; name and contact only if the resident wants
    to be contacted, and then the resident's consent is required (asked aloud).
    """

    channel = forms.ChoiceField(
        label=_("How did the resident tell you?"),
        choices=[(c.value, c.label) for c in (Channel.PHONE, Channel.WHATSAPP, Channel.WALK_IN)],
        widget=forms.RadioSelect,
    )
    type = forms.ChoiceField(label=_("Type"), choices=AspirationType.choices, initial=AspirationType.ASPIRASI)
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), empty_label=_("— choose a category —")
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("What did the resident say?"), min_length=10, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    village = forms.ChoiceField(label=_("Village"))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    occurred_at = forms.DateTimeField(
        label=_("When did it happen? (optional)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    photos = MultiplePhotoField(label=_("Photos (optional, up to 3)"), max_files=MAX_PHOTOS, required=False)
    reporter_labels = {
        "reporter_name": _("Resident's name"),
        "reporter_phone": _("Resident's phone or WhatsApp"),
        "reporter_email": _("Resident's email (optional)"),
        "notify_channel": _("The resident wants news of this report by"),
        "consent": _("The resident agreed that we store their name and contact to reach them about this report."),
    }
    idempotency_key = IdempotencyKeyField()

    def __init__(self, *args, patrol=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.patrol = patrol
        # The villages of the request's scope (units.scoping): the staff member's unit and the
        # units below it (a Polres: all its Polsek's).
        villages = Village.objects.only("pk", "name", "unit_id").order_by("name")
        self.villages = {str(v.pk): v for v in villages}
        cast(forms.ChoiceField, self.fields["village"]).choices = [
            ("", _("— choose a village —")),
            *((pk, village.name) for pk, village in self.villages.items()),
            (OUTSIDE_KRANGKENG, _("No village (outside the area)")),
        ]
        if patrol is not None:
            del self.fields["channel"]
            self.fields["village"].initial = str(patrol.village_id)
            self.fields["place"].initial = patrol.place
        self.helper = _helper()
        self.helper.layout = Layout(
            Fieldset(
                _("What the resident said"),
                *(["channel"] if patrol is None else []),
                Row(Column("type", css_class="col-12 col-sm-6"), Column("category", css_class="col-12 col-sm-6")),
                "title",
                "description",
                Row(Column("village", css_class="col-12 col-sm-6"), Column("place", css_class="col-12 col-sm-6")),
                Row(
                    Column("occurred_at", css_class="col-12 col-sm-6"),
                    Column("priority", css_class="col-12 col-sm-6"),
                ),
                "photos",
            ),
            Fieldset(
                _("The resident (leave empty if they want to stay anonymous)"),
                "reporter_name",
                "reporter_phone",
                "reporter_email",
                "notify_channel",
                "consent",
            ),
            "idempotency_key",
        )

    def clean_village(self) -> Village | None:
        value = self.cleaned_data["village"]
        return None if value == OUTSIDE_KRANGKENG else self.villages[value]

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value and (value - timezone.now()).total_seconds() > FUTURE_TOLERANCE:
            raise forms.ValidationError(_("This time is in the future."), code="future")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.identity_given(data) and not data.get("consent"):
            self.add_error("consent", _("Ask the resident for consent, or leave their name and contact empty."))
        return data

    def record_kwargs(self) -> dict:
        """The cleaned values as keyword arguments for `aspiration_record`."""
        data = self.cleaned_data
        return {
            "channel": Channel.PATROL if self.patrol is not None else data["channel"],
            "patrol": self.patrol,
            "type": data["type"],
            "category": data["category"],
            "title": data["title"],
            "description": data["description"],
            "village": data["village"],
            "place": data["place"],
            "occurred_at": data["occurred_at"],
            "priority": data["priority"],
            "photos": data["photos"],
            **self.reporter(),
            "idempotency_key": data["idempotency_key"],
        }
