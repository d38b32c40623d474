"""Open311 GeoReport v2 endpoints, and the page for developers.

Every endpoint goes through `endpoint`: the format in the URL (xml or json), a
rate limit per address, the jurisdiction, and the portal's default language for
everything it writes. GETs cost a constant number of queries and answer with
ETag (and Last-Modified where rows say when they changed). The one POST takes
an `api_key` instead of a session and a CSRF token: a client system has neither,
and the key authenticates each request by itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from aspirations import ratelimit

# The public form's limit on a request body: the API takes the same photos.
from aspirations.views import MAX_BODY_BYTES
from aspirations.views import _content_length as content_length
from units.selectors import in_deployment

from . import documents, jurisdictions, selectors, serializers, services
from .documents import CONTENT_TYPES, XML
from .forms import MAX_PHOTOS, RequestQueryForm, ServiceRequestForm
from .models import ApiClient

# When the shape of the services last changed (Service Discovery's sortable `changeset`).
CHANGESET = "2026-12-02T00:00:00+07:00"
KEY_HEADER = "HTTP_X_API_KEY"
PRIVATE = "private, no-cache"
NOT_STORED = "no-store"


def endpoint(*methods: str) -> Callable:
    """The checks every API view shares; the view gets `fmt` and `jurisdiction`, inside its scope.

    Refusals are error documents: 400 for a format that is not xml or json (in
    XML, the format every client reads), 405 for another method, 413 for a body
    too large, 429 over the rate limit of the address, 404 for a jurisdiction_id
    that is no unit of the deployment. An endpoint that answers GET answers HEAD
    alike. The view runs in the jurisdiction's unit scope: it reads that unit's
    villages and reports, and those of the units below it, only.
    """
    if "GET" in methods:
        methods = (*methods, "HEAD")

    def decorator(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, format: str, **kwargs) -> HttpResponse:
            with translation.override(settings.LANGUAGE_CODE):
                refusal = _refusal(request, format, methods)
                if refusal is not None:
                    return refusal
                parameters = request.POST if request.method == "POST" else request.GET
                jurisdiction = jurisdictions.find(parameters.get("jurisdiction_id", ""))
                if jurisdiction is None:
                    return documents.errors(format, 404, [_("jurisdiction_id: not found.")])
                with jurisdiction.scope():
                    return view(request, fmt=format, jurisdiction=jurisdiction, **kwargs)

        return wrapped

    return decorator


def _refusal(request: HttpRequest, fmt: str, methods: tuple[str, ...]) -> HttpResponse | None:
    """The error document for a request no endpoint reads any further, or None."""
    if fmt not in CONTENT_TYPES:
        return documents.errors(XML, 400, [_("The format must be xml or json.")])
    if request.method not in methods:
        problem = _("This resource does not take %(method)s.") % {"method": request.method}
        response = documents.errors(fmt, 405, [problem])
        response["Allow"] = ", ".join(methods)
        return response
    if request.method == "POST" and content_length(request) > MAX_BODY_BYTES:
        return documents.errors(fmt, 413, [_("The request is too large.")])
    scope = "open311_post" if request.method == "POST" else "open311_read"
    if not ratelimit.hit(request, scope):
        return _too_many(fmt, scope)
    return None


def _too_many(fmt: str, scope: str) -> HttpResponse:
    response = documents.errors(fmt, 429, [_("Too many requests; please wait and try again.")])
    response["Retry-After"] = str(ratelimit.retry_after(scope))
    return response


def _api_key(request: HttpRequest) -> str:
    """A GET's key: the X-Api-Key header (kept out of access logs) or, as in the specification, api_key."""
    return request.META.get(KEY_HEADER) or request.GET.get("api_key", "")


def _reader(request: HttpRequest, jurisdiction: jurisdictions.Jurisdiction) -> tuple[ApiClient | None, bool]:
    """(client, allowed): with the public list off, only a valid key reads, and only its own reports."""
    if jurisdiction.public_list:
        return None, True
    client = ApiClient.objects.holding(_api_key(request))
    return client, client is not None


def _key_refused(fmt: str) -> HttpResponse:
    return documents.errors(fmt, 403, [_("api_key: missing or not valid.")])


@endpoint("GET")
def discovery(request: HttpRequest, *, fmt: str, jurisdiction: jurisdictions.Jurisdiction) -> HttpResponse:
    document = serializers.discovery(
        endpoint_url=request.build_absolute_uri(reverse("open311:root")),
        changeset=CHANGESET,
        developer_url=request.build_absolute_uri(reverse("open311:developer")),
    )
    return documents.conditional(request, documents.answer(document, fmt))


@endpoint("GET")
def service_list(request: HttpRequest, *, fmt: str, jurisdiction: jurisdictions.Jurisdiction) -> HttpResponse:
    """GET services: the categories on offer (one query)."""
    document = serializers.services(selectors.offered_services())
    return documents.conditional(request, documents.answer(document, fmt))


@endpoint("GET")
def service_definition(
    request: HttpRequest, code: str, *, fmt: str, jurisdiction: jurisdictions.Jurisdiction
) -> HttpResponse:
    """GET services/{code}: the attributes of one service (two queries: the category, the villages)."""
    category = selectors.service(code)
    if category is None:
        return documents.errors(fmt, 404, [_("service_code: not found.")])
    document = serializers.service_definition(category, list(selectors.villages()), jurisdiction)
    return documents.conditional(request, documents.answer(document, fmt))


@endpoint("GET", "POST")
def service_requests(request: HttpRequest, *, fmt: str, jurisdiction: jurisdictions.Jurisdiction) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt, jurisdiction)
    form = RequestQueryForm(request.GET)
    if not form.is_valid():
        return documents.errors(fmt, 400, form.problems())
    client, allowed = _reader(request, jurisdiction)
    if not allowed:
        return _key_refused(fmt)
    rows = selectors.service_requests(form.query(), jurisdiction=jurisdiction, client=client)
    response = documents.answer(
        serializers.service_requests(rows, jurisdiction), fmt, cache_control=PRIVATE if client else documents.PUBLIC
    )
    return documents.conditional(request, response, last_modified=_last_change(rows, jurisdiction))


def _create(request: HttpRequest, fmt: str, jurisdiction: jurisdictions.Jurisdiction) -> HttpResponse:
    """POST requests: a new report from a client holding a key (see services.service_request_submit).

    The report goes to the jurisdiction named, which must be the key's unit or one below
    it; without a jurisdiction_id, to the key's own unit.
    """
    client = ApiClient.objects.holding(request.POST.get("api_key", ""))
    if client is None:
        services.service_request_refused(client=None, request=request, reasons=["api_key"])
        return _key_refused(fmt)
    if not request.POST.get("jurisdiction_id"):
        jurisdiction = jurisdictions.of_unit(client.unit)
    if not (in_deployment(client.unit) and jurisdiction.takes_reports_of(client.unit)):
        services.service_request_refused(client=client, request=request, reasons=["jurisdiction_id"])
        return documents.errors(fmt, 403, [_("api_key: not valid for this jurisdiction_id.")])
    with jurisdiction.scope():
        return _create_in(request, fmt, jurisdiction, client)


def _create_in(
    request: HttpRequest, fmt: str, jurisdiction: jurisdictions.Jurisdiction, client: ApiClient
) -> HttpResponse:
    scope = "open311_key"
    _default, window = ratelimit.limit_for(scope)
    if not ratelimit.hit(request, scope, client.rate_limit_per_hour, window, subject=f"client-{client.pk}"):
        services.service_request_refused(client=client, request=request, reasons=["rate limit"])
        return _too_many(fmt, scope)
    form = ServiceRequestForm(request.POST, request.FILES, jurisdiction=jurisdiction)
    if not form.is_valid():
        services.service_request_refused(
            client=client, request=request, reasons=[form.parameter(name) for name in form.errors]
        )
        return documents.errors(fmt, form.status(), form.problems())
    submission = services.service_request_submit(client=client, request=request, **form.submission())
    document = serializers.created(submission, held=submission.aspiration.is_spam_suspected)
    return documents.answer(document, fmt, cache_control=NOT_STORED)


@endpoint("GET")
def service_request(
    request: HttpRequest, service_request_id: str, *, fmt: str, jurisdiction: jurisdictions.Jurisdiction
) -> HttpResponse:
    """GET requests/{id}: one report by its public id (one query)."""
    client, allowed = _reader(request, jurisdiction)
    if not allowed:
        return _key_refused(fmt)
    row = selectors.service_request(service_request_id.lower(), jurisdiction=jurisdiction, client=client)
    if row is None:
        return documents.errors(fmt, 404, [_("service_request_id: not found.")])
    response = documents.answer(
        serializers.service_requests([row], jurisdiction), fmt, cache_control=PRIVATE if client else documents.PUBLIC
    )
    return documents.conditional(request, response, last_modified=_last_change([row], jurisdiction))


def _last_change(rows, jurisdiction: jurisdictions.Jurisdiction):
    """When the rows last changed, for Last-Modified; None when the answer shows status notes,
    which a later reply changes without touching the row (the ETag still tells)."""
    if jurisdiction.publish_status_notes:
        return None
    return max((row.updated_at for row in rows), default=None)


@endpoint("GET")
def token(request: HttpRequest, token: str, *, fmt: str, jurisdiction: jurisdictions.Jurisdiction) -> HttpResponse:
    """GET tokens/{token}: the id of a report that waited for moderation, once it may be shown."""
    found = selectors.token_lookup(token)
    if found is None:
        return documents.errors(fmt, 404, [_("token: not found.")])
    public_id, shown = found
    document = serializers.token(token, public_id=public_id if shown else None)
    return documents.conditional(request, documents.answer(document, fmt, cache_control=PRIVATE))


@require_safe
def root(request: HttpRequest) -> HttpResponse:
    """The endpoint's base URL names no resource itself: send people to the page that explains it."""
    return redirect("open311:developer")


@require_safe
def developer(request: HttpRequest) -> HttpResponse:
    """The page for developers: units, services, endpoints, privacy rules and example requests (two queries)."""
    base = request.build_absolute_uri(reverse("open311:root"))
    context = {
        "services": list(selectors.offered_services()),
        "jurisdiction": jurisdictions.of_unit(None),
        "units": jurisdictions.listed(),
        "base_url": base,
        "discovery_url": request.build_absolute_uri(reverse("open311:discovery", kwargs={"format": "json"})),
        "max_photos": MAX_PHOTOS,
    }
    return render(request, "open311/developer.html", context)
