"""A JSON POST for the providers, with their failures sorted into transient and permanent."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from . import PermanentError, TransientError

# 408 Request Timeout, 425 Too Early and 429 Too Many Requests are worth another try later.
RETRY_STATUSES = {408, 425, 429}


def post_json(url: str, payload: dict, *, headers: dict[str, str]) -> tuple[int, dict]:
    """POST `payload` as JSON; (status, decoded body) for a 2xx or a 4xx; raises for the rest.

    A 5xx, a timeout or a refused connection raise TransientError; the caller decides
    what a 4xx body means (the providers say in it whether trying again can help).
    """
    request = urllib.request.Request(  # noqa: S310 (the URL is the operator's setting, https in production)
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.KRK_NOTIFY_TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, _json(response.read())
    except urllib.error.HTTPError as error:
        if error.code >= 500 or error.code in RETRY_STATUSES:
            raise TransientError(f"HTTP {error.code}") from None
        return error.code, _json(error.read())
    except TimeoutError:
        raise TransientError("Timeout") from None
    except (urllib.error.URLError, ConnectionError) as error:
        raise TransientError(type(getattr(error, "reason", error)).__name__) from None


def _json(body: bytes) -> dict:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise PermanentError("UnreadableResponse") from None
    return data if isinstance(data, dict) else {}
