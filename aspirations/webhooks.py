"""Delivery receipts from the providers: one endpoint each, signature checked before anything else.

Both are CSRF-exempt POSTs (the provider has no session); what authenticates them is
WhatsApp's X-Hub-Signature-256 (HMAC-SHA256 of the raw body with the app secret) and
the shared secret Infobip sends back as Basic credentials. A request seen before (same
body) is refused with 409 and changes nothing; see delivery.receipts_record.
"""

from __future__ import annotations

import hmac
import json
from datetime import UTC, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from units.scoping import deployment_wide

from .delivery import Receipt, receipts_record
from .models import NotificationState
from .providers import sms, whatsapp

WHATSAPP_STATES = {
    "sent": NotificationState.SENT,
    "delivered": NotificationState.DELIVERED,
    "read": NotificationState.READ,
    "failed": NotificationState.FAILED,
}
# Infobip's status groups.
SMS_STATES = {
    "PENDING": NotificationState.SENT,
    "DELIVERED": NotificationState.DELIVERED,
    "UNDELIVERABLE": NotificationState.FAILED,
    "EXPIRED": NotificationState.FAILED,
    "REJECTED": NotificationState.FAILED,
}


def _answer(applied: bool) -> HttpResponse:
    return HttpResponse("ok" if applied else "replayed", status=200 if applied else 409, content_type="text/plain")


def _json(body: bytes) -> dict:
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@deployment_wide()
def whatsapp_webhook(request: HttpRequest) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        return _whatsapp_verify(request)
    return _whatsapp_statuses(request)


def _whatsapp_verify(request: HttpRequest) -> HttpResponse:
    """The subscription handshake: echo hub.challenge when hub.verify_token is ours."""
    expected = settings.KRK_WHATSAPP_VERIFY_TOKEN
    given = request.GET.get("hub.verify_token", "")
    if request.GET.get("hub.mode") != "subscribe" or not expected or not hmac.compare_digest(given, expected):
        return HttpResponseForbidden()
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")


def _whatsapp_statuses(request: HttpRequest) -> HttpResponse:
    body = request.body
    if not whatsapp.signature_valid(body, request.headers.get("X-Hub-Signature-256", "")):
        return HttpResponseForbidden()
    receipts = []
    for entry in _json(body).get("entry", []):
        for change in entry.get("changes", []):
            for status in change.get("value", {}).get("statuses", []):
                receipt = _whatsapp_receipt(status)
                if receipt is not None:
                    receipts.append(receipt)
    return _answer(receipts_record(provider="whatsapp", body=body, receipts=receipts))


def _whatsapp_receipt(status: dict) -> Receipt | None:
    state = WHATSAPP_STATES.get(str(status.get("status")))
    try:
        at = datetime.fromtimestamp(int(status["timestamp"]), tz=UTC)
    except (KeyError, TypeError, ValueError):
        return None
    if state is None:
        return None
    errors = status.get("errors") or [{}]
    return Receipt(
        reference=str(status.get("biz_opaque_callback_data", "")),
        message_id=str(status.get("id", "")),
        state=state,
        at=at,
        error_type=f"WhatsApp {errors[0].get('code', '')}".strip() if state == NotificationState.FAILED else "",
    )


@csrf_exempt
@require_POST
@deployment_wide()
def sms_webhook(request: HttpRequest) -> HttpResponse:
    if not sms.credentials_valid(request.headers.get("Authorization", "")):
        return HttpResponse(status=401, headers={"WWW-Authenticate": 'Basic realm="receipts"'})
    body = request.body
    receipts = [receipt for result in _json(body).get("results", []) if (receipt := _sms_receipt(result))]
    return _answer(receipts_record(provider="sms", body=body, receipts=receipts))


def _sms_receipt(result: dict) -> Receipt | None:
    status = result.get("status") or {}
    state = SMS_STATES.get(str(status.get("groupName")))
    try:
        at = datetime.strptime(result["doneAt"], "%Y-%m-%dT%H:%M:%S.%f%z")
    except (KeyError, TypeError, ValueError):
        return None
    if state is None:
        return None
    return Receipt(
        reference=str(result.get("callbackData", "")),
        message_id=str(result.get("messageId", "")),
        state=state,
        at=at,
        error_type=f"SMS {status.get('name', '')}".strip() if state == NotificationState.FAILED else "",
    )
