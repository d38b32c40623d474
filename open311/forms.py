"""The API's input: the filters of GET requests and the fields of POST requests.

Parameter names are the specification's. Each error says which parameter it is
about, so the error document can name it; `status` is the HTTP status the
specification gives the failure (404 for an unknown service, else 400).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from aspirations import choices
from aspirations.models import AspirationType, Category
from core.fields import phone_validator
from core.images import MultiplePhotoField
from patrols.models import Village
from units.scoping import deployment_wide

from . import selectors
from .jurisdictions import Jurisdiction
from .selectors import CLOSED, OPEN, RequestQuery
from .serializers import AGREED, ANONYMOUS, CONSENT, IDENTIFIED, IDENTITY, OCCURRED_AT, OUTSIDE, TITLE, TYPE, VILLAGE

MAX_RANGE = datetime.timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_IDS = 1000
MAX_PHOTOS = 3
TITLE_LENGTH = 120
# Markup of any kind: the specification allows line breaks in a description, "but not html or code".
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?][^>]*>")
COORDINATE_PLACES = Decimal("0.000001")
# Typing an hour or two ahead of "now" is a wrong clock, not a future event (as on the web form).
FUTURE_TOLERANCE = datetime.timedelta(minutes=15)
PUBLIC_ID = re.compile(r"^[0-9a-z]{1,32}$")
UNKNOWN = "unknown"


class Open311Form(forms.Form):
    def problems(self) -> list[str]:
        """Every error as "parameter: message", in the form's field order."""
        return [
            str(message) if name == NON_FIELD_ERRORS else f"{self.parameter(name)}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        ]

    def parameter(self, field_name: str) -> str:
        """The request parameter a field reads."""
        return field_name

    def status(self) -> int:
        codes = {error.code for errors in self.errors.as_data().values() for error in errors}
        return 404 if codes == {UNKNOWN} else 400


def _w3_datetime(value: str, *, end_of_day: bool = False) -> datetime.datetime:
    """A W3C/ISO 8601 date or datetime; without an offset it is WIB. A date alone is
    the start of that day, or its end for the end of a range."""
    try:
        day = parse_date(value)
        moment = None if day else parse_datetime(value)
    except ValueError:  # well formed, but no such day or time
        day = moment = None
    if day is not None:
        moment = datetime.datetime.combine(day, datetime.time.max if end_of_day else datetime.time.min)
    if moment is None:
        raise forms.ValidationError(_("Use the w3 format, e.g. 2024-05-20T00:00:00+07:00."), code="format")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _comma_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class RequestQueryForm(Open311Form):
    """GET requests: the specification's filters and the common page/page_size extension."""

    service_request_id = forms.CharField(required=False)
    service_code = forms.CharField(required=False)
    start_date = forms.CharField(required=False)
    end_date = forms.CharField(required=False)
    # The form's fields leave the class (Django's metaclass): status() stays the method.
    status = forms.CharField(required=False)  # type: ignore[assignment]
    page = forms.IntegerField(required=False, min_value=1)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE)

    def clean_service_request_id(self) -> list[str] | None:
        """None when not asked; else the ids that can exist (possibly none)."""
        ids = _comma_list(self.cleaned_data["service_request_id"])
        if not ids:
            return None
        if len(ids) > MAX_IDS:
            raise forms.ValidationError(_("At most %(count)s ids at once.") % {"count": MAX_IDS}, code="too_many")
        # An id of another shape can match nothing: no need to ask the database.
        return [value.lower() for value in ids if PUBLIC_ID.match(value.lower())]

    def clean_service_code(self) -> list[str]:
        return _comma_list(self.cleaned_data["service_code"])

    def clean_start_date(self) -> datetime.datetime | None:
        value = self.cleaned_data["start_date"]
        return _w3_datetime(value) if value else None

    def clean_end_date(self) -> datetime.datetime | None:
        value = self.cleaned_data["end_date"]
        return _w3_datetime(value, end_of_day=True) if value else None

    def clean_status(self) -> tuple[str, ...]:
        statuses = _comma_list(self.cleaned_data["status"].lower())
        unknown = sorted(set(statuses) - {OPEN, CLOSED})
        if unknown:
            raise forms.ValidationError(_("Use open or closed."), code="invalid")
        # Both is the same as none.
        return tuple(set(statuses)) if len(set(statuses)) == 1 else ()

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if "start_date" in data and "end_date" in data:
            # The specification: the most recent 90 days unless told otherwise, and never more.
            if start is None:
                end = end or timezone.now()
                start = end - MAX_RANGE
            elif end is None:
                end = start + MAX_RANGE
            if end < start:
                self.add_error("end_date", forms.ValidationError(_("end_date is before start_date."), code="order"))
            elif end - start > MAX_RANGE:
                self.add_error("end_date", forms.ValidationError(_("At most 90 days apart."), code="range"))
            data["start_date"], data["end_date"] = start, end
        return data

    def query(self) -> RequestQuery:
        data = self.cleaned_data
        return RequestQuery(
            public_ids=None if data["service_request_id"] is None else tuple(data["service_request_id"]),
            service_codes=tuple(data["service_code"]),
            start=data["start_date"],
            end=data["end_date"],
            statuses=data["status"],
            page=data["page"] or 1,
            page_size=data["page_size"] or MAX_PAGE_SIZE,
        )


def attribute(code: str) -> str:
    """The POST parameter of an attribute: attribute[code]."""
    return f"attribute[{code}]"


class ServiceRequestForm(Open311Form):
    """POST requests: a new report, with the same rules as the public web form.

    The location is lat+long, address_string or the village attribute (address_id
    names nothing here: refused). Contact details need the "identified" choice and
    consent. media_url, device_id and account_id are accepted and ignored: the
    server never fetches a URL a client names. Photos may come as `media` files of
    a multipart body (an extension), through the portal's image pipeline.
    """

    service_code = forms.CharField(max_length=40)
    lat = forms.DecimalField(required=False, min_value=-90, max_value=90)
    long = forms.DecimalField(required=False, min_value=-180, max_value=180)
    address_string = forms.CharField(required=False, max_length=200)
    address_id = forms.CharField(required=False)
    description = forms.CharField(min_length=10, max_length=4000)
    first_name = forms.CharField(required=False, max_length=50)
    last_name = forms.CharField(required=False, max_length=50)
    phone = forms.CharField(required=False, max_length=20)
    email = forms.EmailField(required=False)
    # GeoReport's parameter; as a field it leaves the class, and Form.media stays.
    media = MultiplePhotoField(required=False, max_files=MAX_PHOTOS)  # type: ignore[assignment]

    type = forms.ChoiceField(required=False, choices=AspirationType.choices)
    village = forms.CharField(required=False, max_length=20)
    title = forms.CharField(required=False, max_length=TITLE_LENGTH)
    occurred_at = forms.CharField(required=False)
    identity = forms.ChoiceField(required=False, choices=[(ANONYMOUS, ANONYMOUS), (IDENTIFIED, IDENTIFIED)])
    consent = forms.ChoiceField(required=False, choices=[(AGREED, AGREED)])

    # Error messages name the parameter a client sent, attribute[...] for attributes.
    ATTRIBUTES = (TYPE, VILLAGE, TITLE, OCCURRED_AT, IDENTITY, CONSENT)

    def __init__(self, data, files=None, *, jurisdiction: Jurisdiction) -> None:
        self.jurisdiction = jurisdiction
        data = data.copy()
        for code in self.ATTRIBUTES:
            if attribute(code) in data:
                data[code] = data[attribute(code)]
            elif code in data:
                del data[code]  # only ever read as attribute[code]
        super().__init__(data, files)

    def parameter(self, field_name: str) -> str:
        return attribute(field_name) if field_name in self.ATTRIBUTES else field_name

    def clean_service_code(self) -> Category:
        category = selectors.service(self.cleaned_data["service_code"])
        if category is None:
            raise forms.ValidationError(_("No such service."), code=UNKNOWN)
        return category

    def clean_lat(self) -> Decimal | None:
        return _coordinate(self.cleaned_data["lat"])

    def clean_long(self) -> Decimal | None:
        return _coordinate(self.cleaned_data["long"])

    def clean_description(self) -> str:
        description = self.cleaned_data["description"]
        if HTML_TAG.search(description):
            raise forms.ValidationError(_("No HTML or code, only text and line breaks."), code="html")
        return description

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s\-]", "", self.cleaned_data["phone"])
        if phone:
            phone_validator(phone)
        return phone

    def clean_occurred_at(self) -> datetime.datetime | None:
        value = self.cleaned_data["occurred_at"]
        if not value:
            return None
        moment = _w3_datetime(value)
        if moment - timezone.now() > FUTURE_TOLERANCE:
            raise forms.ValidationError(_("This time is in the future."), code="future")
        return moment

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        self._clean_location(data)
        self._clean_identity(data)
        if "description" in data and not data.get("title"):
            data["title"] = title_from(data["description"])
        data["type"] = data.get("type") or str(AspirationType.KELUHAN)
        return data

    def _clean_location(self, data: dict) -> None:
        latitude, longitude = data.get("lat"), data.get("long")
        if (latitude is None) != (longitude is None) and not self.has_error("lat") and not self.has_error("long"):
            self.add_error(None, forms.ValidationError(_("lat and long must be sent together."), code="pair"))
            return
        code = data.get("village", "")
        place = data.get("address_string", "")
        if not (latitude is not None or place or code):
            if self.has_error("lat") or self.has_error("long") or self.has_error("address_string"):
                return
            message = (
                _("address_id is not used here: send lat and long, address_string or attribute[village].")
                if data.get("address_id")
                else _("A location is required: lat and long, address_string or attribute[village].")
            )
            self.add_error(None, forms.ValidationError(message, code="location"))
            return
        data["village"] = village = self._village(code, latitude, longitude, place)
        unserved = village is None or village.unit_id is None
        if unserved and not self.jurisdiction.takes_unplaced_reports and not self.has_error("village"):
            # Sent to the whole country, a report goes to its village's Polsek: there is no unit for the rest.
            message = _("Send a village that a Polsek serves: attribute[village], or lat and long inside it.")
            self.add_error("village", forms.ValidationError(message, code="unserved"))

    def _village(self, code: str, latitude, longitude, place: str) -> Village | None:
        """The village of the jurisdiction: named by its code, else the one nearest the point, else
        one named in the address. The selectors read the jurisdiction's villages only (its scope)."""
        if code == OUTSIDE:
            return None
        if code:
            village = selectors.village_by_code(code)
            if village is None:
                message = _("No village of %(unit)s has this code.") % {"unit": self.jurisdiction.name}
                self.add_error("village", forms.ValidationError(message, code="invalid"))
            return village
        if latitude is not None:
            # The nearest of every village, not of the jurisdiction's only: a point in a neighbouring
            # Polsek's village is no village of this one (the report goes to the jurisdiction without one).
            with deployment_wide():
                nearest = selectors.nearest_village(latitude, longitude)
            return nearest if nearest is not None and self._serves(nearest) else None
        return next((village for village in _villages_named_in(place) if self._serves(village)), None)

    def _serves(self, village: Village) -> bool:
        """Whether the village is the jurisdiction's."""
        return self._unit_ids is None or village.unit_id in self._unit_ids

    @cached_property
    def _unit_ids(self) -> set[int] | None:
        """The jurisdiction's units (one query, once); None for the whole deployment."""
        unit = None if self.jurisdiction.is_deployment else self.jurisdiction.unit
        return None if unit is None else set(unit.subtree_ids())

    def _clean_identity(self, data: dict) -> None:
        given = [name for name in ("first_name", "last_name", "phone", "email") if data.get(name)]
        if data.get("identity") == IDENTIFIED:
            if not (data.get("first_name") or data.get("last_name")):
                self.add_error("first_name", _("Send the resident's name so we can contact them."))
            if not data.get("phone") and not self.has_error("phone"):
                self.add_error("phone", _("Send the resident's phone number so we can contact them."))
            if data.get("consent") != AGREED:
                self.add_error(
                    "consent", _("The resident must agree (%(agreed)s), or stay anonymous.") % {"agreed": AGREED}
                )
        elif given:
            self.add_error(
                "identity",
                _("Contact details are stored only with %(identified)s and the resident's consent.")
                % {"identified": IDENTIFIED},
            )

    def submission(self) -> dict:
        """The cleaned values as keyword arguments for `services.service_request_submit`."""
        data = self.cleaned_data
        identified = data.get("identity") == IDENTIFIED
        name = " ".join(part for part in (data["first_name"], data["last_name"]) if part)
        return {
            "type": data["type"],
            "category": data["service_code"],
            "title": data["title"],
            "description": data["description"],
            "village": data["village"],
            "place": data["address_string"],
            "occurred_at": data["occurred_at"],
            "latitude": data["lat"],
            "longitude": data["long"],
            "reporter_name": " ".join(name.split()) if identified else "",
            "reporter_phone": data["phone"] if identified else "",
            "reporter_email": data["email"] if identified else "",
            "consent": identified,
            # A resident who gave an email through another system gets the ticket code there.
            "notify_channel": "email" if identified and data["email"] else "",
            "photos": data["media"],
            # A report no village places goes to the unit it was sent to (None: the deployment's own).
            "unplaced_unit": self.jurisdiction.unit,
        }


def _coordinate(value: Decimal | None) -> Decimal | None:
    # The model keeps six decimals (about 10 cm); clients often send more.
    return None if value is None else value.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)


def _villages_named_in(place: str) -> Iterator[Village]:
    """The villages whose name the address mentions, ignoring case and spaces ("Dukuh Jati"),
    from the public form's kept names (the whole deployment's)."""
    squashed = "".join(place.split()).lower()
    for pk, name, unit_id in choices.all_villages(choices.form_choices()):
        if "".join(name.split()).lower() in squashed:
            yield choices.listed_village(pk, name, unit_id)


def title_from(description: str) -> str:
    """The first line of the description, cut at a word to fit a title."""
    first_line = " ".join(description.strip().splitlines()[0].split()) if description.strip() else ""
    if len(first_line) <= TITLE_LENGTH:
        return first_line
    return first_line[: TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"
