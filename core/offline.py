"""Staff pages the officers' service worker (static/js/sw.js) may keep for offline use."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

# The worker keeps a page only with this header, in the cache of the officer it names.
OFFLINE_HEADER = "X-KRK-Offline"


def keep_offline(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """Mark a page the worker may keep for this officer, and for nobody else.

    The page's own Cache-Control stays (no-store for staff pages): the worker keeps
    its copy through the Cache API, which a no-store does not govern, and the
    browser's HTTP cache keeps nothing."""
    response[OFFLINE_HEADER] = str(request.user.pk)
    return response
