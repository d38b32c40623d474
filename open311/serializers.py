"""What each endpoint answers, as plain values in the specification's element order.

`documents.render` writes them as XML or JSON. Element names and their order
are GeoReport v2's (wiki.open311.org/GeoReport_v2); `ticket_code` in the answer
to POST requests is this portal's one extension, documented on /open311/.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from aspirations.models import OPEN_STATUSES, Aspiration, AspirationType, Category, Status
from patrols.models import Village

from .documents import Document, w3_datetime
from .jurisdictions import Jurisdiction
from .models import ApiSubmission
from .selectors import CLOSED, OPEN

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MIME_TYPES = ("text/xml", "application/json")
# Village centres are given to this many decimals (about 10 m): the village, never the reporter's point.
COORDINATE_DECIMALS = 4

# Attribute codes of every service (see `service_definition`), shared with forms.py.
TYPE = "type"
VILLAGE = "village"
TITLE = "title"
OCCURRED_AT = "occurred_at"
IDENTITY = "identity"
CONSENT = "consent"
PRIVACY_NOTICE = "privacy_notice"
OUTSIDE = "luar"
ANONYMOUS = "anonim"
IDENTIFIED = "kontak"
AGREED = "ya"
DEFAULT_TYPE = AspirationType.KELUHAN


def discovery(*, endpoint_url: str, changeset: str, developer_url: str) -> Document:
    """Service Discovery (wiki.open311.org/Service_Discovery): one production GeoReport v2 endpoint."""
    contact = _("%(unit)s. Questions about this API: see %(url)s") % {
        "unit": settings.KRK_UNIT_NAME,
        "url": developer_url,
    }
    key_service = _("API keys are issued by the %(unit)s administrator to organisations; see %(url)s") % {
        "unit": settings.KRK_UNIT_NAME,
        "url": developer_url,
    }
    endpoint = {
        "specification": SPECIFICATION,
        "url": endpoint_url,
        "changeset": changeset,
        "type": "production",
        "formats": list(MIME_TYPES),
    }
    return Document(
        "discovery", {"changeset": changeset, "contact": contact, "key_service": key_service, "endpoints": [endpoint]}
    )


def services(categories: Iterable[Category]) -> Document:
    return Document("services", [_service(category) for category in categories])


def _service(category: Category) -> dict:
    keywords = [word for word in (category.name_en, category.slug.replace("-", " ")) if word]
    return {
        "service_code": category.slug,
        "service_name": category.name,
        "description": category.description,
        # Every service has attributes (the report type, the village, the identity choice).
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": _("Security and public order"),
    }


def service_definition(category: Category, villages: Sequence[Village], jurisdiction: Jurisdiction) -> Document:
    """The attributes of a service; the villages are the jurisdiction's, and "outside" is offered
    where a unit takes the reports no village places (not the whole country's)."""
    outside = (
        [(OUTSIDE, _("Outside the area of %(unit)s") % {"unit": jurisdiction.name})]
        if jurisdiction.takes_unplaced_reports
        else []
    )
    attributes = [
        _attribute(
            1,
            TYPE,
            "singlevaluelist",
            _("What do you want to tell us? Without an answer: a complaint."),
            values=[(value, str(label)) for value, label in AspirationType.choices],
        ),
        _attribute(
            2,
            VILLAGE,
            "singlevaluelist",
            _(
                "The village where it happened (Kemendagri code). Without it, the village is taken from lat and "
                "long, or from a village named in address_string."
            ),
            values=[(village.code, village.name) for village in villages] + outside,
        ),
        _attribute(3, TITLE, "string", _("A title in a few words; without one, the start of the description.")),
        _attribute(4, OCCURRED_AT, "datetime", _("When it happened (ISO 8601, e.g. 2024-05-20T19:30:00+07:00).")),
        _attribute(
            5,
            IDENTITY,
            "singlevaluelist",
            _(
                "Anonymous unless “%(identified)s”: then first_name or last_name, phone and the consent below "
                "are required, and the email is optional."
            )
            % {"identified": IDENTIFIED},
            values=[(ANONYMOUS, _("Keep my identity secret (anonymous)")), (IDENTIFIED, _("I want to be contacted"))],
        ),
        _attribute(
            6,
            CONSENT,
            "singlevaluelist",
            _("The resident's consent to store their name and phone; required with “%(identified)s”.")
            % {"identified": IDENTIFIED},
            values=[(AGREED, consent_text())],
        ),
    ]
    if category.is_sensitive:
        attributes.append(
            _attribute(
                7,
                PRIVACY_NOTICE,
                "string",
                _("Reports in this category are never published: not in the list, not by their id."),
                variable=False,
            )
        )
    return Document("service_definition", {"service_code": category.slug, "attributes": attributes})


def consent_text() -> str:
    return _("I agree that %(unit)s stores my name and phone to contact me about this report.") % {
        "unit": settings.KRK_UNIT_NAME
    }


def _attribute(
    order: int,
    code: str,
    datatype: str,
    description: str,
    *,
    values: Sequence[tuple[str, str]] = (),
    variable: bool = True,
) -> dict:
    attribute = {
        "variable": variable,
        "code": code,
        "datatype": datatype,
        "required": False,
        "datatype_description": None,
        "order": order,
        "description": description,
    }
    if values:
        attribute["values"] = [{"key": key, "name": name} for key, name in values]
    return attribute


def created(submission: ApiSubmission, *, held: bool) -> Document:
    """The answer to POST requests: the public id, or a token while the report waits for moderation.

    `ticket_code` (an extension) is the resident's key to Cek Status: the client
    hands it to the resident; no GET ever answers it.
    """
    aspiration = submission.aspiration
    request: dict[str, object] = {"token": submission.token} if held else {"service_request_id": aspiration.public_id}
    request["service_notice"] = _("We verify reports by %(due)s (working days).") % {
        "due": timezone.localtime(aspiration.verification_due).strftime("%Y-%m-%d")
    }
    request["account_id"] = None
    request["ticket_code"] = aspiration.code
    return Document("service_requests", [request])


def token(token: str, *, public_id: str | None) -> Document:
    """GET tokens/{token}: the id is empty while the report waits for moderation."""
    return Document("service_requests", [{"service_request_id": public_id, "token": token}])


def service_requests(rows: Iterable[Aspiration], jurisdiction: Jurisdiction) -> Document:
    return Document("service_requests", [_request(row, jurisdiction) for row in rows])


def _request(aspiration: Aspiration, jurisdiction: Jurisdiction) -> dict[str, object]:
    row: dict[str, object] = {
        "service_request_id": aspiration.public_id,
        "status": OPEN if aspiration.status in OPEN_STATUSES else CLOSED,
    }
    if jurisdiction.publish_status_notes:
        # last_public_note: annotated by selectors.service_requests when notes are published.
        last_note = getattr(aspiration, "last_public_note", None)
        note = aspiration.rejection_note if aspiration.status == Status.DITOLAK else last_note
        row["status_notes"] = note or None
    row["service_name"] = aspiration.category.name
    row["service_code"] = aspiration.category.slug
    if jurisdiction.publish_descriptions:
        row["description"] = aspiration.description
    village = aspiration.village
    row.update(
        {
            "agency_responsible": aspiration.unit.name,
            "requested_datetime": w3_datetime(aspiration.submitted_at),
            # The specification: for a closed request, when it was closed.
            "updated_datetime": w3_datetime(aspiration.resolved_at or aspiration.updated_at),
            "expected_datetime": w3_datetime(aspiration.current_deadline),
            "zipcode": (village.postcode or None) if village else None,
            "lat": _coordinate(village.latitude) if village else None,
            "long": _coordinate(village.longitude) if village else None,
        }
    )
    return row


def _coordinate(value) -> float | None:
    return None if value is None else round(float(value), COORDINATE_DECIMALS)
