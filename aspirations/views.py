"""Public pages: send an aspiration, see its ticket code, check its status."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.idempotency import key_from
from core.images import MAX_UPLOAD_BYTES
from core.kept import kept
from core.security import PageCookie, client_ip_hash, referrer_policy
from core.uploads import pending_uploads_used, upload_owner
from units.scoping import deployment_wide

from . import choices, notifications, ratelimit, selectors, services, status_links
from .forms import MAX_PHOTOS, STEP_FIELD, STEP_KECAMATAN, AspirationForm, StatusLookupForm
from .models import Aspiration

# The ticket just created, for the success page: no code in its URL, and nothing shown
# to someone who merely guesses the address. It lasts as long as an idle session would.
TICKET_COOKIE = PageCookie("krk_ticket", salt="aspirations.last-ticket", url_name="aspirations:submitted")
# How long a browser or proxy may reuse a kecamatan's list of villages (master data).
VILLAGES_MAX_AGE = 5 * 60
# Photos plus generous room for the text fields; anything bigger is refused unread.
MAX_BODY_BYTES = MAX_PHOTOS * MAX_UPLOAD_BYTES + 1024 * 1024
FORM_TEMPLATE = "aspirations/aspiration_form.html"
# The form's fields, which a blank form draws once for every visitor (`blank_fields`).
FIELDS_TEMPLATE = "aspirations/_aspiration_fields.html"


# Pages with ticket codes are never cached (never_cache) and their address is never sent
# to another site. "same-origin", not "no-referrer": these pages POST to the portal (a
# look-up, a status link's button), and under "no-referrer" browsers send `Origin: null`,
# which Django's CSRF check refuses.
TICKET_PAGE_REFERRER = "same-origin"


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _show_ticket(request: HttpRequest, aspiration: Aspiration) -> HttpResponse:
    """Redirect to the success page, which reads the ticket from its cookie (PRG)."""
    messages.success(request, _("Thank you: your aspiration has been received."))
    response = redirect("aspirations:submitted")
    ticket = {
        "code": aspiration.code,
        "due": aspiration.verification_due.isoformat(),
        "emailed": bool(aspiration.reporter_email),
    }
    TICKET_COOKIE.set(response, ticket)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@deployment_wide()
def submit(request: HttpRequest) -> HttpResponse:
    """Sampaikan Aspirasi: the public form (no query to show once its lists are kept; rate-limited to send).

    `?kecamatan=32.12.09` (a Polsek's page links so) lists that kecamatan's villages;
    `?kabupaten=32.12` a regency's kecamatan, where the deployment has several.
    A POST whose idempotency key already stored an aspiration (a retry after a lost
    answer, a second tap) is answered with that aspiration's ticket before the form
    is read: nothing stored twice, no photo re-encoded, no "shown at" token used.
    """
    if request.method == "POST":
        if _content_length(request) > MAX_BODY_BYTES:
            return render(request, "aspirations/413.html", status=413)
        if request.POST.get(STEP_FIELD) == STEP_KECAMATAN:
            return _village_step(request)
        if not ratelimit.hit(request, "aspiration_submit"):
            return ratelimit.too_many_requests(request, "aspiration_submit")
        first = selectors.aspiration_sent_with_key(key_from(request.POST))
        if first is not None:
            return _show_ticket(request, first)
        form = AspirationForm(request.POST, request.FILES, upload_owner=upload_owner(request))
        if form.is_valid():
            aspiration = services.aspiration_submit(**form.submission(), ip_hash=client_ip_hash(request))
            pending_uploads_used(form.pending_uploads)
            return _show_ticket(request, aspiration)
    else:
        form = AspirationForm(
            kecamatan_code=request.GET.get("kecamatan", ""), kabupaten_code=request.GET.get("kabupaten", "")
        )
        return render(request, FORM_TEMPLATE, {"form": form, "kept_fields": blank_fields(form)})
    return render(request, FORM_TEMPLATE, {"form": form})


def blank_fields(form: AspirationForm) -> str:
    """The blank form's fields, drawn once and kept for every visitor (the busiest public page).

    Everything a visitor is given alone (the CSRF token, the "shown at" token, the
    idempotency key) is outside them, in aspiration_form.html. A form showing what a
    resident sent (errors, the village step) is drawn for them and never kept.
    """
    key = form.fields_key()
    if key is None:
        return ""
    return kept(
        key,
        # Without the request: no context processor's per-visitor value (user, navigation)
        # is within reach of markup every visitor gets.
        lambda: render_to_string(FIELDS_TEMPLATE, {"form": form}),
        choices.CACHE_SECONDS,  # as long as the lists it shows
        what="the public form's markup",
    )


def _village_step(request: HttpRequest) -> HttpResponse:
    """Without JavaScript: the form again, with everything typed, listing the chosen kecamatan's villages.

    Nothing is checked or stored, so it is neither rate-limited nor an error; only
    chosen files are lost (browsers never refill a file input), and the page says so.
    """
    form = AspirationForm(
        initial=request.POST.dict(),
        kecamatan_code=request.POST.get("kecamatan", ""),
        kabupaten_code=request.POST.get("kabupaten", ""),
    )
    form.photos_lost = any(request.FILES.getlist("photos"))
    return render(request, FORM_TEMPLATE, {"form": form})


@require_safe
@deployment_wide()
def villages(request: HttpRequest, code: str) -> JsonResponse:
    """The villages of one kecamatan, for the form's desa list with JavaScript (no query once kept).

    `{"villages": [[id, name], ...]}`, by name: a kecamatan has a few dozen, so the
    form never carries a whole Polres's or country's villages. Public master data:
    browsers and proxies may keep it for a few minutes.
    """
    listed = choices.form_choices()
    kecamatan = choices.kecamatan_by_code(listed, code)
    if kecamatan is None:
        raise Http404
    rows = [[pk, name] for pk, name, _unit in choices.villages_of(listed, kecamatan.pk)]
    response = JsonResponse({"kecamatan": kecamatan.code, "villages": rows})
    patch_cache_control(response, public=True, max_age=VILLAGES_MAX_AGE)
    return response


@never_cache
@referrer_policy(TICKET_PAGE_REFERRER)
@require_safe
@deployment_wide()
def submitted(request: HttpRequest) -> HttpResponse:
    """The ticket code just created in this browser, large and printable (no query)."""
    ticket = TICKET_COOKIE.get(request)
    if not ticket:
        return redirect("aspirations:submit")
    # The code travels in WhatsApp's text only (to the resident's own chat), never in a
    # portal URL: the link is the plain status page.
    keep_text = _("My ticket code at %(unit)s: %(code)s. Check its status at %(url)s") % {
        "unit": settings.KRK_UNIT_NAME,
        "code": ticket["code"],
        "url": notifications.absolute(reverse("aspirations:status")),
    }
    context = {
        "code": ticket["code"],
        "verification_due": datetime.datetime.fromisoformat(ticket["due"]),
        "emailed": ticket["emailed"],
        "whatsapp_url": selectors.whatsapp_share_url(keep_text),
    }
    return render(request, "aspirations/aspiration_submitted.html", context)


def _look_up(typed: str) -> HttpResponse:
    """Answer a look-up: to the bare status page, with what was typed in its cookie (PRG)."""
    response = redirect("aspirations:status")
    status_links.STATUS_COOKIE.set(response, typed[: status_links.TYPED_MAX])
    return response


@never_cache
@referrer_policy(TICKET_PAGE_REFERRER)
@require_http_methods(["GET", "HEAD", "POST"])
@deployment_wide()
def status(request: HttpRequest) -> HttpResponse:
    """Cek Status: a look-up by ticket code, the same page shape and cost for any code.

    The look-up is a POST (rate-limited, no query) that redirects here; the page reads
    the code from its cookie and always runs the same two queries, for a right, an
    unknown or a malformed code. `?kode=` links from before are not read: they are
    sent to the empty form, so a code in an old link is never looked up from a URL.
    """
    if request.method == "POST":
        if not ratelimit.hit(request, "aspiration_status"):
            return ratelimit.too_many_requests(request, "aspiration_status")
        return _look_up(request.POST.get("kode", ""))
    if "kode" in request.GET:
        messages.info(request, _("For your privacy, ticket codes are no longer read from the address: type it below."))
        return redirect("aspirations:status")
    typed = status_links.STATUS_COOKIE.get(request)
    searched = isinstance(typed, str)
    form = StatusLookupForm({"kode": typed} if searched else None)
    result = None
    if searched:
        code = form.cleaned_data["kode"] if form.is_valid() else None
        result = selectors.public_status(code)
    context = {"form": form, "searched": searched, "result": result}
    return render(request, "aspirations/status.html", context)


@never_cache
@referrer_policy(TICKET_PAGE_REFERRER)
@require_http_methods(["GET", "HEAD", "POST"])
@deployment_wide()
def status_link(request: HttpRequest, token: str) -> HttpResponse:
    """A status link from a message: a one-time token, not the code (see `status_links`).

    GET shows a button and uses nothing up (mail scanners and link previews open
    links); its POST uses the token and redirects to the status page. A used,
    expired or damaged link says so and offers the look-up form.
    """
    if request.method == "POST":
        if not ratelimit.hit(request, "aspiration_status"):
            return ratelimit.too_many_requests(request, "aspiration_status")
        code = status_links.redeem(token)
        if code is not None:
            return _look_up(code)
    elif status_links.link_usable(token):
        return render(request, "aspirations/status_link.html")
    context = {"form": StatusLookupForm(), "link_unusable": True}
    return render(request, "aspirations/status_link.html", context, status=410)
