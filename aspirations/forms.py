"""The public forms: send an aspiration, look up a ticket code."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from typing import Any, cast

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.conf import settings
from django.core import signing
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from core import release
from core.fields import phone_validator
from core.idempotency import IdempotencyKeyField
from core.images import MultiplePhotoField
from core.security import use_once
from core.uploads import PendingPhotosMixin
from patrols.models import Village
from units.selectors import receives_unplaced_reports

from . import choices, tickets
from .models import AspirationType, Category, NotifyChannel

MAX_PHOTOS = 3
# The village choice for "somewhere outside the kecamatan we serve" (the name is historical).
OUTSIDE_KRANGKENG = "luar"
# A nationwide deployment has no unit of its own for a village no Polsek serves yet.
UNSERVED_VILLAGE = _(
    "No Polsek serves this village in the portal yet. Please report it at the nearest Polsek, "
    "or call 110 in an emergency."
)
# The no-JavaScript step: the button that sends the form back to list the chosen kecamatan's villages.
STEP_FIELD = "langkah"
STEP_KECAMATAN = "kecamatan"
ANONYMOUS = "anonim"
IDENTIFIED = "kontak"
STARTED_SALT = "aspirations.form-started"
# How long a shown form's token is good for (a day: a resident may write in the evening
# what they began in the morning); older ones count as no token, and a used one is
# remembered this long.
STARTED_MAX_AGE = 24 * 60 * 60
# Shown while a form with photos is on its way (portal.js), which also stops a second tap.
SENDING = _("Sending… With photos on a slow connection this can take a minute; please keep this page open.")
# Typing an hour or two ahead of "now" is a wrong clock, not a future event; more is a mistake.
FUTURE_TOLERANCE = 15 * 60


def started_token(at: float | None = None) -> str:
    """A signed "form shown at" time, so a submit can tell how long filling took.

    With a random nonce: each form shown gets its own token, which one submission
    uses up (`AspirationForm._collect_spam_signals`).
    """
    return signing.dumps([int(time.time() if at is None else at), secrets.token_urlsafe(12)], salt=STARTED_SALT)


def _read_started(token: str) -> tuple[float, str] | None:
    """(seconds since the form was shown, nonce), or None for no token, a forged or an expired one."""
    try:
        started, nonce = signing.loads(token, salt=STARTED_SALT)
    except (signing.BadSignature, TypeError, ValueError):  # also an old token without a nonce
        return None
    if not isinstance(started, int) or not isinstance(nonce, str):
        return None
    elapsed = time.time() - started
    return None if elapsed > STARTED_MAX_AGE else (elapsed, nonce)


class NotifyChoiceField(forms.ChoiceField):
    """ "Kabari saya lewat": the channels KRK_NOTIFY_OFFERED offers, or none (the default)."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs) -> None:
        offered = [(value, label) for value, label in NotifyChannel.choices if value in settings.KRK_NOTIFY_OFFERED]
        super().__init__(choices=[("", _("No messages")), *offered], required=False, initial="", **kwargs)


class ReporterFields(forms.Form):
    """The reporter's name, phone, email and consent, cleaned alike on the public form and the desk form.

    A form names the fields for whoever fills them in (`reporter_labels`) and says in
    its own `clean()` when they are needed; `identity_given()` tells which were filled.
    """

    IDENTITY_FIELDS = ("reporter_name", "reporter_phone", "reporter_email")
    reporter_labels: dict = {}

    reporter_name = forms.CharField(max_length=100, required=False)
    reporter_phone = forms.CharField(
        max_length=20,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    reporter_email = forms.EmailField(required=False)
    notify_channel = NotifyChoiceField(help_text=_("The ticket code, status changes and our replies; nothing else."))
    consent = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in self.reporter_labels.items():
            self.fields[name].label = label

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # A channel needs its address: a phone for WhatsApp and SMS, an email for email.
        channel = data.get("notify_channel")
        if channel in (NotifyChannel.WHATSAPP, NotifyChannel.SMS) and not data.get("reporter_phone"):
            self.add_error("notify_channel", _("Write a phone number to get messages by WhatsApp or SMS."))
        elif channel == NotifyChannel.EMAIL and not data.get("reporter_email"):
            self.add_error("notify_channel", _("Write an email address to get messages by email."))
        return data

    def clean_reporter_name(self) -> str:
        return " ".join(self.cleaned_data["reporter_name"].split())

    def clean_reporter_phone(self) -> str:
        return re.sub(r"[\s\-]", "", self.cleaned_data["reporter_phone"])

    def identity_given(self, data: dict) -> list[str]:
        """The identity fields the reporter filled in."""
        return [name for name in self.IDENTITY_FIELDS if data.get(name)]

    def reporter(self) -> dict:
        """The reporter's cleaned values, as keyword arguments for the services."""
        data = self.cleaned_data
        return {
            "reporter_name": data["reporter_name"],
            "reporter_phone": data["reporter_phone"],
            "reporter_email": data["reporter_email"],
            "consent": bool(data["consent"]),
            "notify_channel": data["notify_channel"],
        }


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.label


class AspirationForm(PendingPhotosMixin, ReporterFields):
    """The public Sampaikan Aspirasi form.

    Anonymous unless the resident chooses to be contacted; then name, phone and
    consent are required. Quiet spam signals (a honeypot field, a fill time under
    KRK_MIN_FILL_SECONDS, a missing or reused "form shown at" token) never block a
    submission: they end up in `spam_signals`, and the aspiration is stored flagged
    for the operator.

    The village is chosen in two steps, kecamatan then desa, so that no page lists
    more than one kecamatan's villages (a deployment may hold 83,762): the desa list
    is the chosen kecamatan's (`kecamatan_code`, or the posted `kecamatan`). With one
    kecamatan offered, the kecamatan is a hidden field and the desa list is shown at
    once. Rendered by aspirations/aspiration_form.html and its _aspiration_fields.html (no
    per-field templates).
    """

    # On the <form>: static/js/photos.js checks required fields with this message
    # before sending; portal.js shows `sending` while it is on its way.
    sending = SENDING
    required_message = forms.Field.default_error_messages["required"]
    identified_choice = IDENTIFIED

    type = forms.ChoiceField(
        label=_("What do you want to tell us?"),
        choices=AspirationType.choices,
        initial=AspirationType.ASPIRASI,
        widget=forms.RadioSelect,
    )
    # Choices from `choices.form_choices()` (cached); the message is ModelChoiceField's.
    category = forms.ChoiceField(
        label=_("Category"),
        error_messages={"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]},
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=120,
        help_text=_("In a few words, e.g. “Motorbike gangs racing at night on the Pantura road”."),
    )
    description = forms.CharField(
        label=_("What happened?"),
        min_length=10,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What, who, how often. Do not write other people's phone numbers or ID numbers."),
    )
    # Only where the deployment covers several regencies (a Polda, the country).
    kabupaten = forms.ChoiceField(label=_("Regency or city (kabupaten/kota)"), required=False)
    kecamatan = forms.ChoiceField(
        label=_("Kecamatan"),
        required=False,
        help_text=_("Choose the kecamatan first: the list of villages then shows its villages."),
    )
    village = forms.ChoiceField(label=_("Village"))
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Hamlet (blok/dusun), RT/RW or a landmark, e.g. “near the Al-Ikhlas mosque”."),
    )
    occurred_at = forms.DateTimeField(
        label=_("When did it happen? (optional)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M", "%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Date and time, e.g. 20/05/2024 19:30."),
    )
    photos = MultiplePhotoField(
        label=_("Photos (optional, up to 3)"),
        max_files=MAX_PHOTOS,
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 10 MB each. Location data is removed from the photos."),
    )
    identity = forms.ChoiceField(
        label=_("Your identity"),
        choices=[(ANONYMOUS, _("Keep my identity secret (anonymous)")), (IDENTIFIED, _("I want to be contacted"))],
        initial=ANONYMOUS,
        widget=forms.RadioSelect,
    )
    reporter_labels = {
        "reporter_name": _("Your name"),
        "reporter_phone": _("Your phone or WhatsApp number"),
        "reporter_email": _("Your email (optional)"),
        "notify_channel": _("Send me news of this report by"),
    }
    # Spam signals: people never see or fill `website`; `started` is signed.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(required=False, widget=forms.HiddenInput)
    idempotency_key = IdempotencyKeyField()

    def __init__(self, *args, kecamatan_code: str = "", kabupaten_code: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Nothing a resident sent in it: its markup is every visitor's (`fields_key`). Read
        # before this method adds its own initial values (`started`, the chosen kecamatan).
        self.blank = not self.is_bound and not self.initial
        # The lists from the cache: no query to show the form or to check an answer.
        self.listed = choices.form_choices()
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("— choose a category —")),
            *((str(pk), Category.label_for(name, name_en)) for pk, name, name_en in self.listed.offered_categories()),
        ]
        self._offer_villages(kecamatan_code, kabupaten_code)
        # The resident gives their own details: the browser may offer them.
        self.fields["reporter_phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["reporter_email"].widget.attrs["autocomplete"] = "email"
        self.fields["reporter_email"].help_text = _("If you give one, we email you the ticket code.")
        self.fields["consent"].label = _(
            "I agree that %(unit)s stores my name and phone to contact me about this report."
        ) % {"unit": settings.KRK_UNIT_NAME}
        if not self.is_bound:
            # Kept when the form comes back from the kecamatan step (`initial` is what was sent).
            self.initial.setdefault("started", started_token())
        self.spam_signals: list[str] = []
        self.photos_lost = False

    def _offer_villages(self, kecamatan_code: str, kabupaten_code: str) -> None:
        """The kecamatan list (of the chosen regency, if there are several), and the desa list of the chosen one."""
        self.several_regencies = self.listed.several_regencies
        offered = self.listed.kecamatan  # empty with several regencies: the chosen one's below
        self.single_kecamatan = offered[0] if len(offered) == 1 else None
        code = (self.data.get("kecamatan") if self.is_bound else None) or kecamatan_code
        chosen = choices.kecamatan_by_code(self.listed, code) if code else self.single_kecamatan
        if chosen is None and self.is_bound:
            chosen = self._kecamatan_of_posted_village()
        if self.several_regencies:
            regency = (self.data.get("kabupaten") if self.is_bound else None) or kabupaten_code
            regency = regency or (chosen.regency_code if chosen else "")
            if regency and not self.listed.is_regency(regency):
                regency = ""  # a made-up code: the blank form (and its kept markup)
            if chosen is not None and chosen.regency_code != regency:
                chosen = None  # another regency was chosen since: its kecamatan anew
            offered = choices.kecamatan_of(self.listed, regency)
            regency_field = cast(forms.ChoiceField, self.fields["kabupaten"])
            # A callable: the country's 514 regencies are listed (and normalised by Django, about
            # a millisecond) only when the form is drawn or checked, not when its markup is kept.
            regency_field.choices = self._regency_choices
            self.initial["kabupaten"] = regency
        self.chosen_kecamatan = chosen
        self.villages = choices.villages_of(self.listed, chosen.pk) if chosen else ()
        kecamatan = cast(forms.ChoiceField, self.fields["kecamatan"])
        kecamatan.choices = [("", _("— choose a kecamatan —")), *((row.code, row.name) for row in offered)]
        if chosen is not None:
            self.initial["kecamatan"] = chosen.code
        if self.single_kecamatan is not None:
            outside = _("Outside Kecamatan %(name)s") % {"name": self.single_kecamatan.name}
        else:
            outside = _("Outside the area of %(unit)s") % {"unit": settings.KRK_UNIT_NAME}
        placeholder = _("— choose a village —") if chosen else _("— choose the kecamatan first —")
        cast(forms.ChoiceField, self.fields["village"]).choices = [
            ("", placeholder),
            *((str(pk), name) for pk, name, _unit in self.villages),
            # Nowhere is outside a nationwide deployment: every report names its village.
            *([(OUTSIDE_KRANGKENG, outside)] if receives_unplaced_reports() else []),
        ]

    def _regency_choices(self) -> list[tuple[str, object]]:
        return [("", _("— choose a regency or city —")), *self.listed.regencies()]

    def fields_key(self) -> str | None:
        """The cache key of this form's fields, where every visitor gets the same markup.

        A blank form (no answers, no errors) differs only by the language, the kept lists
        (their `stamp` changes whenever a village, kecamatan or category changes), the
        chosen regency and kecamatan, the deployment's settings and the release. None for
        a form that shows what a resident sent, and for a chosen kecamatan where the
        deployment has several regencies: the country's 7,285 would be as many copies
        (a link from a Polsek's page; drawn for each visitor). The keys are bounded: a
        Polres's few dozen kecamatan, or the country's 514 regencies, per language."""
        if not self.blank or (self.several_regencies and self.chosen_kecamatan is not None):
            return None
        parts = (
            release.current(),
            translation.get_language(),
            self.listed.stamp,
            self.initial.get("kabupaten", ""),
            self.initial.get("kecamatan", ""),
            settings.KRK_UNIT_NAME,
            settings.KRK_HOME_UNIT,
            *settings.KRK_NOTIFY_OFFERED,
        )
        return "krk:aspirations:form-fields:" + hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()

    def _kecamatan_of_posted_village(self) -> choices.KecamatanChoice | None:
        """A form sent without a kecamatan (a page opened before kecamatan were asked
        for, or another client): the kecamatan of the village it names (one query)."""
        value = self.data.get("village") or ""
        if not value.isdigit():
            return None
        code = Village.objects.filter(pk=int(value)).values_list("kecamatan__code", flat=True).first()
        return choices.kecamatan_by_code(self.listed, code) if code else None

    # ChoiceField has already refused anything not listed; the instances are built from
    # the listed row (no query), which is all storing the aspiration needs.
    def clean_category(self) -> Category:
        pk = int(self.cleaned_data["category"])
        name, name_en = next((name, name_en) for key, name, name_en in self.listed.offered_categories() if key == pk)
        return Category(pk=pk, name=name, name_en=name_en, is_active=True)

    def clean_village(self) -> Village | None:
        value = self.cleaned_data["village"]
        if value == OUTSIDE_KRANGKENG:
            return None
        pk = int(value)
        name, unit_id = next((name, unit_id) for key, name, unit_id in self.villages if key == pk)  # listed
        if unit_id is None and not receives_unplaced_reports():
            raise forms.ValidationError(UNSERVED_VILLAGE, code="unserved")
        return choices.listed_village(pk, name, unit_id)

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value and (value - timezone.now()).total_seconds() > FUTURE_TOLERANCE:
            raise forms.ValidationError(_("This time is in the future."), code="future")
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        given = self.identity_given(data)
        if data.get("identity") == IDENTIFIED:
            if "reporter_name" in data and not data["reporter_name"]:
                self.add_error("reporter_name", _("Write your name so we can contact you."))
            if "reporter_phone" in data and not data["reporter_phone"]:
                self.add_error("reporter_phone", _("Write your phone number so we can contact you."))
            if not data.get("consent"):
                self.add_error("consent", _("Tick this box to agree, or choose to stay anonymous."))
        elif data.get("identity") == ANONYMOUS:
            # Anonymous means anonymous: whatever was typed in the contact fields (shown
            # without JavaScript) is dropped, not stored and not an error.
            for name in given:
                data[name] = ""
            data["consent"] = False
            data["notify_channel"] = ""
            self.errors.pop("notify_channel", None)
        self._collect_spam_signals(data)
        return data

    def _collect_spam_signals(self, data: dict) -> None:
        if data.get("website"):
            self.spam_signals.append("honeypot")
        started = _read_started(data.get("started") or "")
        if started is None:
            self.spam_signals.append("bad_token")
            return
        elapsed, nonce = started
        if elapsed < settings.KRK_MIN_FILL_SECONDS:
            self.spam_signals.append("too_fast")
        # One token, one submission: otherwise one slowly filled form would vouch for
        # any number of fast ones. Used up only by a submission that is stored (a form
        # sent back with errors keeps its token for the corrected one); a retry of a
        # stored one never gets here (the view finds it by its idempotency key first).
        if not self.errors and not use_once(f"form-started:{nonce}", seconds=STARTED_MAX_AGE - elapsed):
            self.spam_signals.append("reused_token")

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.errors and any(self.files.getlist("photos")):
            # Browsers never refill a file input: say so next to it.
            self.photos_lost = True
            note = _("Your photos were not kept because of the errors above: please choose them again.")
            # The bound field copied the help text when validation created it.
            self.fields["photos"].help_text = self["photos"].help_text = note

    def submission(self) -> dict:
        """The cleaned values as keyword arguments for `aspiration_submit`."""
        data = self.cleaned_data
        return {
            "type": data["type"],
            "category": data["category"],
            "title": data["title"],
            "description": data["description"],
            "village": data["village"],
            "place": data["place"],
            "occurred_at": data["occurred_at"],
            "photos": data["photos"],
            "spam_signals": self.spam_signals,
            "notify_language": translation.get_language() or settings.LANGUAGE_CODE,
            **self.reporter(),
            "idempotency_key": data["idempotency_key"],
        }


class StatusLookupForm(forms.Form):
    """Cek Status: a ticket code, read forgivingly (see `tickets.normalise`).

    Sent by POST, never in a URL (views.status): a code in a URL ends up in every
    proxy's and server's access log.
    """

    kode = forms.CharField(
        label=_("Ticket code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false", "inputmode": "text"}
        ),
        error_messages={"required": _("Write your ticket code.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kode"].help_text = _(
            "For example %(example)s. Capital or small letters, spaces and dashes do not matter."
        ) % {"example": tickets.EXAMPLE}

    @cached_property
    def helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_method = "post"
        helper.form_action = "aspirations:status"  # also from a status link's page
        helper.form_id = "status-form"
        helper.layout = Layout("kode", StrictButton(_("Check status"), type="submit", css_class="btn-primary w-100"))
        return helper

    def clean_kode(self) -> str:
        try:
            return tickets.normalise(self.cleaned_data["kode"])
        except tickets.InvalidTicketCode as error:
            if error.reason == "check":
                message = _("This code has a typing error. Please check the code.")
            else:
                message = _("A ticket code looks like %(example)s. Please check the code.")
            raise forms.ValidationError(message, code=error.reason, params={"example": tickets.EXAMPLE}) from None
