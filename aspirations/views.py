"""Public pages: send an aspiration, see its ticket code, check its status."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from krangkeng_portal.security import client_ip_hash
from patrols.images import MAX_UPLOAD_BYTES

from . import notifications, ratelimit, selectors, services
from .forms import MAX_PHOTOS, AspirationForm, StatusLookupForm

# The session remembers the ticket just created, so the success page needs no code
# in its URL and shows nothing to someone who merely guesses the address.
SESSION_KEY = "aspirations.last_ticket"
# Photos plus generous room for the text fields; anything bigger is refused unread.
MAX_BODY_BYTES = MAX_PHOTOS * MAX_UPLOAD_BYTES + 1024 * 1024


def _private(response: HttpResponse) -> HttpResponse:
    """Ticket codes on a page: never cached, never sent on as a referrer."""
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    return response


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
            request.session[SESSION_KEY] = {
                "code": aspiration.code,
                "due": aspiration.verification_due.isoformat(),
                "emailed": bool(aspiration.reporter_email),
            }
            messages.success(request, _("Thank you: your aspiration has been received."))
            return redirect("aspirations:submitted")
    else:
        form = AspirationForm()
    return render(request, "aspirations/aspiration_form.html", {"form": form})


@never_cache
@require_GET
def submitted(request: HttpRequest) -> HttpResponse:
    """The ticket code just created in this browser, large and printable (no query)."""
    ticket = request.session.get(SESSION_KEY)
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
