"""Error responses: the 500 handler, the CSRF failure page and the 429 page.

The templates (templates/4xx.html, 500.html) extend `error_base.html`, which uses
no context processor, no database and no URL that might not resolve: an error page
must render when everything else is broken. They never show a stack trace, a path
or a setting name; the 500 page shows an incident id that is also in the log, so a
user's report can be matched with the traceback.
"""

from __future__ import annotations

import logging
import math
import secrets
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent, TooManyFilesSent
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

# No 0/O or 1/I, so an incident id can be read out over the phone.
_INCIDENT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_incident_id() -> str:
    raw = "".join(secrets.choice(_INCIDENT_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def _render(template_name: str, context: Mapping[str, object] | None = None) -> str:
    """Render without the request: no context processor runs, so nothing can fail on a
    missing `request.user` (a 400 for a bad Host header happens before authentication)
    and an error page costs no query."""
    return loader.get_template(template_name).render(dict(context or {}))


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (Django's own would run the context processors).

    A form sent with more files or fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FILES,
    _FIELDS) is refused before any view sees it, so its page cannot be shown again
    with the answers: this page says what happened and how to go back to them.
    """
    if isinstance(exception, TooManyFilesSent | TooManyFieldsSent):
        context = {
            "too_many_files": isinstance(exception, TooManyFilesSent),
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            # The form's own page (the same path, by GET); never another site's.
            "form_url": request.path if url_has_allowed_host_and_scheme(request.path, allowed_hosts=None) else "",
        }
        return HttpResponseBadRequest(_render("400_too_much.html", context))
    return HttpResponseBadRequest(_render("400.html"))


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: the exception's message is for the log, never the page."""
    return HttpResponseForbidden(_render("403.html"))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: the path asked for is not repeated on the page."""
    return HttpResponseNotFound(_render("404.html"))


@requires_csrf_token
def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """handler500: render 500.html with an incident id and log the exception under that id.

    Django calls this from inside its exception handler, so the exception is still
    the one being handled and `exc_info=True` attaches its traceback.
    """
    incident_id = new_incident_id()
    logger.error("Incident %s: unhandled exception", incident_id, exc_info=True)
    try:
        body = _render(template_name, {"incident_id": incident_id})
    except Exception:  # a broken template must not hide the original error
        logger.exception("Incident %s: the 500 page itself failed to render", incident_id)
        body = f"<!doctype html><title>500</title><p>Server error. Incident {incident_id}</p>"
    response = HttpResponseServerError(body)
    response["X-Incident-Id"] = incident_id
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. The reason is for the log (Django's CSRF middleware writes it
    to `django.security.csrf`), never for the page."""
    return HttpResponseForbidden(_render("403_csrf.html"))


def too_many_requests(
    request: HttpRequest | None = None,
    *,
    message: str | None = None,
    retry_after: int | timedelta | None = None,
) -> HttpResponse:
    """The 429 page, for the sign-in lockout and every rate limit.

    `message` replaces the generic explanation; `retry_after` (seconds or a
    timedelta) fills the Retry-After header and tells the user how long to wait.
    Renders without context processors, so refusing a flood costs no query.
    """
    seconds = None
    if retry_after is not None:
        seconds = int(retry_after.total_seconds()) if isinstance(retry_after, timedelta) else int(retry_after)
        seconds = max(seconds, 1)
    context = {
        "message": message,
        "retry_minutes": math.ceil(seconds / 60) if seconds else None,
    }
    response = HttpResponse(_render("429.html", context), status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
