"""Reads for the API: services, villages, and the service requests it may show.

What may be shown is decided here, once, for every GET: `publishable()` leaves
out sensitive categories, reports held for moderation and spam. Which unit's rows
is the jurisdiction's scope, entered by the view (`Jurisdiction.scope`): villages
and reports are read through the unit-scoped managers. Each read is one query
whatever the number of rows.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery

from aspirations.models import OPEN_STATUSES, Aspiration, AspirationEvent, Category, RejectionReason, Status
from patrols.models import Village

from .jurisdictions import Jurisdiction
from .models import ApiClient

OPEN = "open"
CLOSED = "closed"
CLOSED_STATUSES = (Status.SELESAI, Status.DITOLAK)

# A point further than this from every village centre is not placed in any village.
NEAREST_VILLAGE_KM = 4.0
EARTH_RADIUS_KM = 6371.0

# The columns an API row shows: no identity, no title, no reporter's point.
REQUEST_FIELDS = (
    "public_id",
    "status",
    "description",
    "rejection_note",
    "submitted_at",
    "updated_at",
    "verification_due",
    "followup_due",
    "first_response_at",
    "resolved_at",
    "category__slug",
    "category__name",
    "village__postcode",
    "village__latitude",
    "village__longitude",
    "unit__name",
)


def offered_services() -> QuerySet[Category]:
    """The categories on offer, in their configured order (one query)."""
    return Category.objects.filter(is_active=True).only(
        "slug", "name", "name_en", "description", "is_sensitive", "sort_order"
    )


def service(code: str) -> Category | None:
    return offered_services().filter(slug=code).first()


def villages() -> QuerySet[Village]:
    return Village.objects.order_by("name").only("code", "name", "latitude", "longitude", "unit_id")


def village_by_code(code: str) -> Village | None:
    return villages().filter(code=code).first()


def nearest_village(latitude: Decimal, longitude: Decimal) -> Village | None:
    """The village whose centre is nearest the point, if within NEAREST_VILLAGE_KM (one query)."""
    best, best_km = None, NEAREST_VILLAGE_KM
    for village in villages().filter(latitude__isnull=False, longitude__isnull=False):
        km = _distance_km(float(latitude), float(longitude), float(village.latitude), float(village.longitude))
        if km <= best_km:
            best, best_km = village, km
    return best


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def publishable() -> Q:
    """What a GET may ever show: never a sensitive category, a report held for
    moderation (suspected spam nobody has looked at yet) or one rejected as spam."""
    held = Q(status=Status.BARU, is_spam_suspected=True)
    spam = Q(status=Status.DITOLAK, rejection_reason=RejectionReason.SPAM)
    return Q(category__is_sensitive=False) & ~held & ~spam


@dataclass(frozen=True)
class RequestQuery:
    """The filters of GET requests, already checked (forms.RequestQueryForm)."""

    public_ids: Sequence[str] | None = None  # when given, every other filter is ignored (the specification)
    service_codes: Sequence[str] = ()
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    statuses: Sequence[str] = ()  # OPEN and/or CLOSED
    page: int = 1
    page_size: int = 1000


def service_requests(
    query: RequestQuery, *, jurisdiction: Jurisdiction, client: ApiClient | None = None
) -> list[Aspiration]:
    """The rows GET requests answers, newest first, in one query.

    With the unit's public list off, only `client`'s own reports (the view makes
    sure there is a client). The status notes are read in the same query, and
    only when the unit publishes them.
    """
    rows = _scope(jurisdiction, client)
    if query.public_ids is not None:
        rows = rows.filter(public_id__in=query.public_ids)
    else:
        if query.service_codes:
            rows = rows.filter(category__slug__in=query.service_codes)
        if query.start:
            rows = rows.filter(submitted_at__gte=query.start)
        if query.end:
            rows = rows.filter(submitted_at__lte=query.end)
        if query.statuses == (OPEN,):
            rows = rows.filter(status__in=OPEN_STATUSES)
        elif query.statuses == (CLOSED,):
            rows = rows.filter(status__in=CLOSED_STATUSES)
    offset = (query.page - 1) * query.page_size
    return list(rows.order_by("-submitted_at", "-pk")[offset : offset + query.page_size])


def service_request(
    public_id: str, *, jurisdiction: Jurisdiction, client: ApiClient | None = None
) -> Aspiration | None:
    return _scope(jurisdiction, client).filter(public_id=public_id).first()


def _scope(jurisdiction: Jurisdiction, client: ApiClient | None) -> QuerySet[Aspiration]:
    rows = Aspiration.objects.filter(publishable()).select_related("category", "village", "unit").only(*REQUEST_FIELDS)
    if not jurisdiction.public_list:
        rows = rows.filter(api_submission__client=client)
    if jurisdiction.publish_status_notes:
        rows = rows.annotate(last_public_note=Subquery(_last_public_note()))
    return rows


def _last_public_note() -> QuerySet[AspirationEvent, dict[str, Any]]:
    return (
        AspirationEvent.objects.public()
        .filter(aspiration_id=OuterRef("pk"))
        .exclude(body="")
        .order_by("-created_at", "-pk")
        .values("body")[:1]
    )


def token_lookup(token: str) -> tuple[str, bool] | None:
    """(public id, whether a GET may show it) of the report a token was given for, or None (one query).

    A token is given for a report held for moderation; it leads to the id once
    the report is publishable (an operator looked at it and did not reject it as spam).
    """
    row = (
        Aspiration.objects.filter(api_submission__token=token)
        .annotate(shown=ExpressionWrapper(publishable(), output_field=BooleanField()))
        .values_list("public_id", "shown")
        .first()
    )
    return None if row is None else (row[0], bool(row[1]))
