"""Response headers django-csp and Django's SecurityMiddleware do not set, and the client address.

Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY);
HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy from Django's
SecurityMiddleware. This module adds what neither offers:

- `Permissions-Policy` denying every powerful browser feature, with a per-view
  decorator to allow one (the patrol form asks for geolocation);
- `Cross-Origin-Resource-Policy: same-origin`;
- `referrer_policy(...)` for pages that must not leak their URL (e.g. a status
  link, whose URL carries a one-time token);
- `client_ip(request)` and `client_ip_hash(request)`: one definition of "the
  client's address" for sign-in lockouts, rate limits and the audit trail;
- `PageCookie`: a signed, HttpOnly cookie sent to one page only, which keeps what
  that page shows (a ticket code) out of its URL and so out of access logs;
- `use_once(key)`: remembers in the shared cache that a one-time token was used.

(The `django-permissions-policy` package only sets one site-wide header; the
patrol form needs a per-view exception, hence this small middleware.)
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

# Every feature a page of this portal could ask for, denied unless a view allows it.
# Only features current browsers know: unknown names make Chromium log warnings.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "bluetooth",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "sync-xhr",
    "usb",
    "xr-spatial-tracking",
)

View = TypeVar("View", bound=Callable[..., HttpResponse])

_PERMISSIONS_ATTR = "_krk_permissions_policy"
CLIENT_IP_SALT = "krangkeng.client-ip"
_ALLOWLIST_KEYWORDS = {"self", "*", "src"}


def _allowlist(origins: Iterable[str]) -> str:
    """`["self", "https://a.example"]` -> `(self "https://a.example")`."""
    parts = [origin if origin in _ALLOWLIST_KEYWORDS else f'"{origin}"' for origin in origins]
    return "(" + " ".join(parts) + ")"


def permissions_policy_header(allowed: dict[str, list[str]] | None = None) -> str:
    allowed = allowed or {}
    unknown = set(allowed) - set(DENIED_FEATURES)
    if unknown:
        raise ValueError(f"Unknown Permissions-Policy features: {sorted(unknown)}")
    return ", ".join(f"{feature}={_allowlist(allowed.get(feature, []))}" for feature in DENIED_FEATURES)


def permissions_policy(**allowed: list[str]) -> Callable[[View], View]:
    """Allow browser features on one view, e.g. `@permissions_policy(geolocation=["self"])`.

    Feature names use underscores for dashes (`screen_wake_lock=["self"]`).
    Everything not named stays denied.
    """
    features = {name.replace("_", "-"): list(origins) for name, origins in allowed.items()}
    header = permissions_policy_header(features)  # fail at import time on a typo

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
            response = view(*args, **kwargs)
            setattr(response, _PERMISSIONS_ATTR, header)
            return response

        return cast(View, wrapped)

    return decorator


def referrer_policy(policy: str) -> Callable[[View], View]:
    """Override the site-wide Referrer-Policy on one view (`@referrer_policy("no-referrer")`).

    SecurityMiddleware only sets the header when the response has none.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> HttpResponse:
            response = view(*args, **kwargs)
            response.headers["Referrer-Policy"] = policy
            return response

        return cast(View, wrapped)

    return decorator


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy and Cross-Origin-Resource-Policy to every response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.default_permissions = permissions_policy_header()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Permissions-Policy", getattr(response, _PERMISSIONS_ATTR, None) or self.default_permissions
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the last entry of `KRK_CLIENT_IP_HEADER` behind a proxy.

    Our proxy appends the address it received the request from to that header
    (e.g. X-Forwarded-For), so only its last entry is trusted: anything before it
    was written by the client, and trusting it would let anyone dodge per-address
    lockouts and rate limits with a made-up header.
    """
    header = getattr(settings, "KRK_CLIENT_IP_HEADER", "")
    if header:
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return request.META.get("REMOTE_ADDR", "") or ""


def client_network(request: HttpRequest) -> str:
    """The unit that limits and lockouts count: the IPv4 address, or the IPv6 /64.

    Every IPv6 subscriber holds at least a /64 (2^64 addresses, and Indonesian
    mobile carriers hand them out), so counting single IPv6 addresses would let
    anyone step around a limit by changing the last bits.
    """
    ip = client_ip(request)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)


def client_ip_hash(request: HttpRequest | None) -> str:
    """A keyed hash (HMAC with SECRET_KEY) of `client_network`: comparable, not reversible.

    Without the key the 2^32 IPv4 addresses cannot be tried one by one, so the audit
    trail can tell "the same address" without ever storing an address.
    """
    if request is None:
        return ""
    ip = client_network(request)
    if not ip:
        return ""
    return salted_hmac(CLIENT_IP_SALT, ip, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class PageCookie:
    """A signed, HttpOnly cookie for one page: what the page shows, kept out of its URL.

    A page reached by a redirect after a POST (PRG) reads here what the POST decided
    (the ticket just created, the code just looked up), so no URL, access log or
    Referer ever carries it. Signed with SECRET_KEY (the visitor can send it back but
    not forge or change it; it is not encrypted, the visitor may read it), sent only
    to the page's path, and readable for `max_age` seconds (None: as long as an idle
    session would last). A cookie, not the session: a session row costs a public
    page four more statements and a second commit (bench/FINDINGS.md).
    """

    name: str
    salt: str
    url_name: str
    max_age: int | None = None

    def cookie_name(self) -> str:
        # __Secure-: over HTTPS browsers accept it only with Secure (no plain-HTTP planting).
        # (__Host- would also pin the path to "/", and this cookie belongs to one page.)
        return f"__Secure-{self.name}" if settings.SESSION_COOKIE_SECURE else self.name

    def seconds(self) -> int:
        return self.max_age or settings.SESSION_COOKIE_AGE

    def signed(self, value: Any) -> str:
        """The cookie's value for `value` (anything JSON can hold)."""
        return signing.dumps(value, salt=self.salt)

    def set(self, response: HttpResponse, value: Any) -> None:
        response.set_cookie(
            self.cookie_name(),
            self.signed(value),
            max_age=self.seconds(),
            path=reverse(self.url_name),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )

    def get(self, request: HttpRequest) -> Any | None:
        """The value set, or None when there is none, it was tampered with or it is too old."""
        value = request.COOKIES.get(self.cookie_name())
        if not value:
            return None
        try:
            return signing.loads(value, salt=self.salt, max_age=self.seconds())
        except signing.BadSignature:  # also an expired one
            return None


def use_once(key: str, *, seconds: float) -> bool:
    """True the first time `key` is used within `seconds`, False ever after (one cache round trip).

    For one-time tokens (the public form's "shown at" token, status links): the key
    is remembered in the shared cache (Redis in production, so every app server
    agrees; `cache.add` is atomic, so two requests racing with one token cannot both
    pass). `seconds` should cover the token's remaining life: after that the
    signature refuses it anyway. If the cache is unavailable this answers True
    (logged): a broken cache must not close the public form or the status links, it
    only lets a token be used again while the cache is down. A per-process cache
    (locmem) remembers only within its own process.
    """
    try:
        return bool(cache.add(f"krk:once:{key}", 1, timeout=max(1, int(seconds))))
    except Exception:
        logger.warning("one-time token cache unavailable; accepting the token", exc_info=True)
        return True


def used(key: str) -> bool:
    """Whether `use_once(key)` has already been answered True (False if the cache is unavailable)."""
    try:
        return cache.get(f"krk:once:{key}") is not None
    except Exception:
        logger.warning("one-time token cache unavailable", exc_info=True)
        return False
