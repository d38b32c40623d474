"""Public pages: send an aspiration, see its ticket code, check its status."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.images import MAX_UPLOAD_BYTES
from core.security import client_ip_hash

from . import notifications, ratelimit, selectors, services
from .forms import MAX_PHOTOS, AspirationForm, StatusLookupForm

# A signed cookie remembers the ticket just created, so the success page needs no code
# in its URL and shows nothing to someone who merely guesses the address. A cookie, not
# the session: a session row cost the submission four more statements and a second
# commit (bench/FINDINGS.md). Sent only to the success page, HttpOnly, and it lasts as
# long as an idle session would have.
TICKET_COOKIE_SALT = "aspirations.last-ticket"
# Photos plus generous room for the text fields; anything bigger is refused unread.
MAX_BODY_BYTES = MAX_PHOTOS * MAX_UPLOAD_BYTES + 1024 * 1024


def _private(response: HttpResponse) -> HttpResponse:
    """Ticket codes on a page: never cached, never sent on as a referrer."""
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _ticket_cookie_name() -> str:
    # __Secure-: over HTTPS browsers accept it only with Secure (no plain-HTTP planting).
    # (__Host- would also pin the path to "/", and this cookie belongs to one page.)
    return "__Secure-krk_ticket" if settings.SESSION_COOKIE_SECURE else "krk_ticket"


def _remember_ticket(response: HttpResponse, ticket: dict) -> None:
    response.set_cookie(
        _ticket_cookie_name(),
        signing.dumps(ticket, salt=TICKET_COOKIE_SALT),
        max_age=settings.SESSION_COOKIE_AGE,
        path=reverse("aspirations:submitted"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _remembered_ticket(request: HttpRequest) -> dict | None:
    value = request.COOKIES.get(_ticket_cookie_name())
    if not value:
        return None
    try:
        return signing.loads(value, salt=TICKET_COOKIE_SALT, max_age=settings.SESSION_COOKIE_AGE)
    except signing.BadSignature:  # also an expired one
        return None


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Sampaikan Aspirasi: the public form (2 queries to show, rate-limited to send)."""
    if request.method == "POST":
        if _content_length(request) > MAX_BODY_BYTES:
            return render(request, "aspirations/413.html", status=413)
        if not ratelimit.hit(request, "aspiration_submit"):
            return ratelimit.too_many_requests(request, "aspiration_submit")
        form = AspirationForm(request.POST, request.FILES)
        if form.is_valid():
            aspiration = services.aspiration_submit(**form.submission(), ip_hash=client_ip_hash(request))
            messages.success(request, _("Thank you: your aspiration has been received."))
            response = redirect("aspirations:submitted")
            ticket = {
                "code": aspiration.code,
                "due": aspiration.verification_due.isoformat(),
                "emailed": bool(aspiration.reporter_email),
            }
            _remember_ticket(response, ticket)
            return response
    else:
        form = AspirationForm()
    return render(request, "aspirations/aspiration_form.html", {"form": form})


@never_cache
@require_GET
def submitted(request: HttpRequest) -> HttpResponse:
    """The ticket code just created in this browser, large and printable (no query)."""
    ticket = _remembered_ticket(request)
    if not ticket:
        return redirect("aspirations:submit")
    context = {
        "code": ticket["code"],
        "verification_due": datetime.datetime.fromisoformat(ticket["due"]),
        "emailed": ticket["emailed"],
        "status_url": notifications.status_path(ticket["code"]),
    }
    return _private(render(request, "aspirations/aspiration_submitted.html", context))


@never_cache
@require_GET
def status(request: HttpRequest) -> HttpResponse:
    """Cek Status: a look-up by ticket code, the same page shape and cost for any code."""
    searched = "kode" in request.GET
    if searched and not ratelimit.hit(request, "aspiration_status"):
        return _private(ratelimit.too_many_requests(request, "aspiration_status"))
    form = StatusLookupForm(request.GET if searched else None)
    result = None
    if searched:
        code = form.cleaned_data["kode"] if form.is_valid() else None
        result = selectors.public_status(code)
    context = {"form": form, "searched": searched, "result": result}
    return _private(render(request, "aspirations/status.html", context))
