"""The patrol form (Catat Patroli / edit): short, phone-first, validated in the user's language."""

from __future__ import annotations

import datetime
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.fields import phone_validator
from core.idempotency import IdempotencyKeyField
from core.images import MultiplePhotoField
from core.uploads import PendingPhotosMixin

from .models import MAX_PHOTOS, Officer, Patrol, PatrolPhoto
from .selectors import home_village, offered_topics, patrol_officers

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# Catat Patroli asks how long a just-finished patrol took instead of two dates.
OTHER_TIMES = "lain"
DURATIONS = [
    ("30", _("30 minutes")),
    ("60", _("1 hour")),
    ("120", _("2 hours")),
    (OTHER_TIMES, _("Other: enter the start and end")),
]


class OfficerChoiceMixin:
    def label_from_instance(self, obj: Officer) -> str:
        return obj.display_name


class OfficerChoiceField(OfficerChoiceMixin, forms.ModelChoiceField):
    pass


class OfficerMultipleChoiceField(OfficerChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class PhotoChoiceField(forms.ModelMultipleChoiceField):
    """Existing photos as ticks, each labelled with its thumbnail."""

    def label_from_instance(self, obj: PatrolPhoto):
        return format_html(
            '<img src="{}" alt="{}" class="krk-photo-choice rounded" width="96" height="96" loading="lazy">',
            obj.get_thumbnail_url(),
            obj.caption or gettext("Photo %(number)s") % {"number": obj.pk},
        )


def datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


class PatrolForm(PendingPhotosMixin, forms.ModelForm):
    """Validates a patrol report; the view hands `cleaned_data` to patrol_log / patrol_update.

    Model validation (end after start, nothing in the future, both coordinates or
    neither) runs through ModelForm's instance check, so the admin and the page
    report the same errors.
    """

    duration = forms.ChoiceField(
        choices=DURATIONS,
        required=False,
        initial="60",
        widget=forms.RadioSelect,
        label=_("How long was the patrol? It ended now."),
    )
    leader = OfficerChoiceField(queryset=Officer.objects.none(), label=_("Team leader"))
    members = OfficerMultipleChoiceField(
        queryset=Officer.objects.none(),
        required=False,
        label=_("Other officers"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the officers who came along. The team leader is counted already."),
    )
    photos = MultiplePhotoField(
        max_files=MAX_PHOTOS,
        required=False,
        label=_("Photos (documentation)"),
        help_text=_("Up to 5 photos, JPEG, PNG or WebP, at most 10 MB each. Location data is removed."),
    )
    # Not a model field of the form: patrol_log stores it (a patrol sent twice is stored once).
    idempotency_key = IdempotencyKeyField()

    class Meta:
        model = Patrol
        fields = [
            "patrol_type",
            "mode",
            "village",
            "place",
            "started_at",
            "ended_at",
            "leader",
            "members",
            "partners",
            "residents_met",
            "topics",
            "situation",
            "summary",
            "findings",
            "actions",
            "latitude",
            "longitude",
        ]
        widgets = {
            "started_at": datetime_widget(),
            "ended_at": datetime_widget(),
            "topics": forms.CheckboxSelectMultiple,
            "situation": forms.RadioSelect,
            "residents_met": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "findings": forms.Textarea(attrs={"rows": 2}),
            "actions": forms.Textarea(attrs={"rows": 2}),
            "latitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        }
        labels = {"topics": _("Imbauan kamtibmas delivered")}

    def __init__(self, *args, user: Officer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        officers = patrol_officers()
        if self.instance.pk:
            # Keep people who have since left the unit selectable on their old reports.
            officers = patrol_officers(include_inactive=True)
        cast(forms.ModelChoiceField, self.fields["leader"]).queryset = officers
        cast(forms.ModelChoiceField, self.fields["members"]).queryset = officers
        cast(forms.ModelChoiceField, self.fields["topics"]).queryset = offered_topics(
            keep=self.instance.topics.all() if self.instance.pk else None
        )
        for name in ("started_at", "ended_at"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = [
                DATETIME_LOCAL,
                "%Y-%m-%d %H:%M",
                "%Y-%m-%d %H:%M:%S",
            ]
            # A new patrol may give a duration instead (clean); an edit always has both.
            self.fields[name].required = bool(self.instance.pk)
        if not self.instance.pk:
            self.initial.setdefault("leader", user.pk)
            village = home_village(user)
            if village is not None:
                self.initial.setdefault("village", village.pk)
        self.helper = self._helper()

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        helper.disable_csrf = True
        gps_button = format_html(
            '<p><button type="button" class="btn btn-outline-secondary btn-sm d-none" data-krk-gps '
            'data-krk-gps-busy="{}" data-krk-gps-failed="{}">{}</button> '
            '<span class="small text-body-secondary" data-krk-gps-status aria-live="polite"></span></p>',
            gettext("Finding your location…"),
            gettext("Location not available. Type it in or leave it empty."),
            gettext("Use my location"),
        )
        helper.layout = Layout(
            Fieldset(
                gettext("Patrol"),
                Row(Column("patrol_type", css_class="col-12 col-sm-6"), Column("mode", css_class="col-12 col-sm-6")),
                Row(Column("village", css_class="col-12 col-sm-6"), Column("place", css_class="col-12 col-sm-6")),
                *self._time_fields(),
            ),
            Fieldset(
                gettext("Personnel and people met"),
                "leader",
                Div("members", css_class="krk-choice-list"),
                "partners",
                "residents_met",
            ),
            Fieldset(
                gettext("Result"),
                "topics",
                "situation",
                "summary",
                "findings",
                "actions",
            ),
            Fieldset(
                gettext("Location (optional)"),
                HTML(gps_button),
                Row(Column("latitude", css_class="col-6"), Column("longitude", css_class="col-6")),
            ),
            Fieldset(gettext("Documentation"), *self._photo_fields()),
            *(["idempotency_key"] if "idempotency_key" in self.fields else []),
        )
        return helper

    def _time_fields(self) -> list:
        times = Row(
            Column("started_at", css_class="col-12 col-sm-6"),
            Column("ended_at", css_class="col-12 col-sm-6"),
        )
        if "duration" not in self.fields:
            return [times]
        # portal.js hides the two times until "Other" is chosen.
        note = format_html(
            '<p class="small fw-semibold mb-1">{}</p>', gettext("Only for “Other”: when the patrol started and ended.")
        )
        return [
            "duration",
            Div(HTML(note), times, id="krk-times", data_krk_shown_by="duration", data_krk_shown_for=OTHER_TIMES),
        ]

    def _photo_fields(self) -> list:
        return ["photos", HTML('{% include "core/_pending_uploads.html" %}')]

    def _times_from_duration(self, cleaned: dict[str, Any]) -> None:
        """Given times win; without them a chosen duration makes a patrol that ended now."""
        duration = cleaned.pop("duration", "")
        given = {name: cleaned.get(name) for name in ("started_at", "ended_at")}
        if any(given.values()) or self.has_error("started_at") or self.has_error("ended_at"):
            for name, value in given.items():
                if value is None and not self.has_error(name):
                    self.add_error(name, forms.ValidationError(self.fields[name].error_messages["required"]))
            return
        if duration in ("", OTHER_TIMES):
            for name in given:
                self.add_error(name, forms.ValidationError(self.fields[name].error_messages["required"]))
            return
        ended = timezone.now().replace(second=0, microsecond=0)
        cleaned["ended_at"] = ended
        cleaned["started_at"] = ended - datetime.timedelta(minutes=int(duration))

    def clean_leader(self) -> Officer:
        leader = self.cleaned_data["leader"]
        if not leader.is_active and (not self.instance.pk or leader.pk != self.instance.leader_id):
            raise forms.ValidationError(_("This officer's account is disabled."), code="inactive")
        return leader

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        self._times_from_duration(cleaned)
        leader = cleaned.get("leader")
        members = cleaned.get("members")
        if leader is not None and members is not None:
            cleaned["members"] = [officer for officer in members if officer.pk != leader.pk]
        return cleaned


class PatrolEditForm(PatrolForm):
    idempotency_key = None  # type: ignore[assignment]  # an edit creates nothing (None removes the field)
    remove_photos = PhotoChoiceField(
        queryset=PatrolPhoto.objects.none(),
        required=False,
        label=_("Remove photos"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the photos to delete."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["duration"]
        self.existing_photos = list(self.instance.photos.all())
        if self.existing_photos:
            cast(forms.ModelChoiceField, self.fields["remove_photos"]).queryset = self.instance.photos.all()
        else:
            del self.fields["remove_photos"]
        self.helper = self._helper()

    def _photo_fields(self) -> list:
        kept = ["remove_photos"] if "remove_photos" in self.fields else []
        return kept + super()._photo_fields()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        removed = cleaned.get("remove_photos") or []
        added = cleaned.get("photos") or []
        if len(self.existing_photos) - len(removed) + len(added) > MAX_PHOTOS:
            self.add_error(
                "photos",
                forms.ValidationError(
                    _("A patrol has at most %(max)d photos: remove some before adding more."),
                    code="too_many_files",
                    params={"max": MAX_PHOTOS},
                ),
            )
        return cleaned


class NotificationSettingsForm(forms.Form):
    """An officer's own choice: assignment notices on WhatsApp, to their phone."""

    phone = forms.CharField(
        label=_("Phone (WhatsApp)"),
        max_length=20,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    notify_whatsapp = forms.BooleanField(
        label=_("Send me a WhatsApp message when an aspiration is assigned to me"), required=False
    )

    def clean_phone(self) -> str:
        return "".join(self.cleaned_data["phone"].split()).replace("-", "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("notify_whatsapp") and not data.get("phone"):
            self.add_error("phone", _("Write your WhatsApp number to get the notices there."))
        return data
