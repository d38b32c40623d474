"""Per-client rate limits counted in the configured cache.

Counters live in Django's cache (`CACHES["default"]`), so on Redis they hold
across every app server. A limit is a fixed window: at most `limit` hits per
`window` seconds, counted under a key built from the scope, a keyed hash of the
client address (the address itself is never stored) and the window number; the
key expires with its window, so a limited client is let in again when it ends.

`KRK_RATELIMITS` maps scopes to (limit, window seconds); addresses or networks
in `KRK_RATELIMIT_EXEMPT_IPS` are never limited (the benchmark's load source).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# Leaf helpers of the project package (they import no app): one definition of the
# client address, its keyed hash and the 429 page for every limit in the portal.
from core import errors
from core.security import client_ip, client_ip_hash

logger = logging.getLogger(__name__)


def now() -> float:
    """The clock the windows use (tests move it forward)."""
    return time.time()


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


@lru_cache(maxsize=8)
def _exempt_networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def is_exempt(request: HttpRequest) -> bool:
    address = _parse_ip(client_ip(request))
    entries = tuple(getattr(settings, "KRK_RATELIMIT_EXEMPT_IPS", ()))
    return address is not None and any(address in network for network in _exempt_networks(entries))


def limit_for(scope: str) -> tuple[int, int]:
    limit, window = settings.KRK_RATELIMITS[scope]
    return int(limit), int(window)


def hit(
    request: HttpRequest, scope: str, limit: int | None = None, window: int | None = None, *, subject: str = ""
) -> bool:
    """Count one hit of `scope` for this client; True while it is within the limit.

    `limit` and `window` default to `KRK_RATELIMITS[scope]`. What is counted is the
    client's address, or `subject` when given (e.g. an API key's client). Costs one or two
    cache round trips (`add` then the atomic `incr`). If the cache is down or a
    dummy, it lets the request through: a broken cache must not close the form.
    """
    if limit is None or window is None:
        limit, window = limit_for(scope)
    if is_exempt(request):
        return True
    window_number = math.floor(now() / window)
    key = f"krk:rl:{scope}:{subject or client_ip_hash(request)}:{window_number}"
    try:
        cache.add(key, 0, timeout=window + 1)
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr (or the cache keeps nothing).
        return True
    except Exception:
        logger.warning("rate limit cache unavailable; letting %s through", scope, exc_info=True)
        return True
    return count <= limit


def retry_after(scope: str) -> int:
    """Seconds until the current window of `scope` ends."""
    _limit, window = limit_for(scope)
    return max(1, math.ceil(window - now() % window))


def too_many_requests(request: HttpRequest, scope: str) -> HttpResponse:
    """The site's polite 429 page with Retry-After (no query: no context processors)."""
    message = _(
        "We received many requests from your connection in a short time. "
        "Please wait a moment and try again. If this is an emergency, call 110 now."
    )
    response = errors.too_many_requests(request, message=message, retry_after=retry_after(scope))
    response["Cache-Control"] = "no-store"
    return response
