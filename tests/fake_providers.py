"""A fake WhatsApp Cloud API and Infobip SMS API: a real HTTP server on loopback.

It implements the two endpoints the portal calls (POST {base}/{phone-number-id}/messages
and POST {base}/sms/2/text/advanced) with the providers' request and response shapes,
counts every message it accepts by the notification reference the portal sends, and
calls the portal's webhooks back like the providers do (WhatsApp signed with the app
secret, Infobip at the notifyUrl with its Basic credentials). Failure modes are
planned per provider: `fail_next("whatsapp", 500, times=2)`, `delay = 0.05`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

PHONE_NUMBER_ID = "1055500001"
APP_SECRET = "fake-app-secret"
SMS_SECRET = "fake-sms-secret"


@dataclass
class Accepted:
    provider: str
    reference: str
    message_id: str
    to: str
    body: dict
    notify_url: str = ""
    accepted_at: float = field(default_factory=time.time)  # for the queue's latency (bench/jobs.py)


@dataclass
class FakeProviders:
    portal_url: str = ""  # where WhatsApp webhooks go (the live server), when set
    delay: float = 0.0
    accepted: list[Accepted] = field(default_factory=list)
    requests: Counter = field(default_factory=Counter)  # per provider, failures included
    webhook_statuses: list[int] = field(default_factory=list)
    _failures: dict[str, list[int]] = field(default_factory=lambda: {"whatsapp": [], "sms": []})
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, provider: str, status: int, *, times: int = 1) -> None:
        with self._lock:
            self._failures[provider].extend([status] * times)

    def counts(self) -> Counter:
        """How many times each reference was accepted (a second send shows as 2)."""
        with self._lock:
            return Counter(message.reference for message in self.accepted)

    def find(self, reference: str) -> Accepted:
        with self._lock:
            return next(message for message in self.accepted if message.reference == reference)

    # -------------------------------------------------------------- requests

    def handle(self, path: str, body: dict) -> tuple[int, dict]:
        provider = "sms" if path.endswith("/sms/2/text/advanced") else "whatsapp"
        with self._lock:
            self.requests[provider] += 1
            failure = self._failures[provider].pop(0) if self._failures[provider] else None
        if self.delay:
            time.sleep(self.delay)
        if failure is not None:
            return failure, _error(provider, failure)
        if provider == "whatsapp":
            if not path.endswith(f"/{PHONE_NUMBER_ID}/messages"):
                return 404, _error(provider, 404)
            reference, message_id = body["biz_opaque_callback_data"], f"wamid.{uuid.uuid4().hex}"
            message = Accepted("whatsapp", reference, message_id, body["to"], body)
        else:
            sms = body["messages"][0]
            destination = sms["destinations"][0]
            message = Accepted("sms", destination["messageId"], destination["messageId"], destination["to"], body)
            message.notify_url = sms["notifyUrl"]
        with self._lock:
            self.accepted.append(message)
        # Like the providers, report "sent" at once (here before answering, so a worker
        # killed while waiting for the answer cannot stop the receipt).
        self.report(message.reference, "sent")
        return 200, _accepted(message)

    # -------------------------------------------------------------- webhooks

    def report(self, reference: str, status: str, *, secret: str | None = None) -> int | None:
        """POST a status webhook for an accepted message to the portal; its HTTP status."""
        message = self.find(reference)
        if message.provider == "whatsapp":
            if not self.portal_url:
                return None
            body = json.dumps(whatsapp_statuses(message, status)).encode()
            signature = sign(body, secret or APP_SECRET)
            url = f"{self.portal_url}/aspirasi/webhook/whatsapp/"
            headers = {"X-Hub-Signature-256": signature}
        else:
            parts = urlsplit(message.notify_url)
            url = urlunsplit((parts.scheme, f"{parts.hostname}:{parts.port}", parts.path, "", ""))
            body = json.dumps(sms_report(message, status)).encode()
            credentials = f"{parts.username}:{secret or parts.password}".encode()
            headers = {"Authorization": "Basic " + base64.b64encode(credentials).decode()}
        return post(url, body, headers, self.webhook_statuses)


def sign(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(url: str, body: bytes, headers: dict, statuses: list[int] | None = None) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if statuses is not None:
        statuses.append(status)
    return status


def whatsapp_statuses(message: Accepted, status: str) -> dict:
    entry = {
        "id": message.message_id,
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": message.to,
        "biz_opaque_callback_data": message.reference,
    }
    if status == "failed":
        entry["errors"] = [{"code": 131026, "title": "Message undeliverable"}]
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": PHONE_NUMBER_ID}, "statuses": [entry]}
    change = {"field": "messages", "value": value}
    return {"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [change]}]}


SMS_GROUPS = {"sent": ("PENDING", 1), "delivered": ("DELIVERED", 3), "failed": ("UNDELIVERABLE", 2)}


def sms_report(message: Accepted, status: str) -> dict:
    group, group_id = SMS_GROUPS[status]
    done_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    return {
        "results": [
            {
                "bulkId": "bulk-1",
                "messageId": message.message_id,
                "to": message.to,
                "sentAt": done_at,
                "doneAt": done_at,
                "smsCount": 1,
                "status": {"groupId": group_id, "groupName": group, "id": 5, "name": f"{group}_X"},
                "callbackData": message.reference,
            }
        ]
    }


def _accepted(message: Accepted) -> dict:
    if message.provider == "whatsapp":
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": message.to, "wa_id": message.to}],
            "messages": [{"id": message.message_id}],
        }
    status = {"groupId": 1, "groupName": "PENDING", "id": 26, "name": "PENDING_ACCEPTED"}
    return {"bulkId": "bulk-1", "messages": [{"to": message.to, "status": status, "messageId": message.message_id}]}


def _error(provider: str, status: int) -> dict:
    if provider == "whatsapp":
        code = 131026 if status < 500 else 131000
        return {"error": {"message": "fake failure", "type": "OAuthException", "code": code}}
    return {"requestError": {"serviceException": {"messageId": "BAD_REQUEST", "text": "fake failure"}}}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        status, answer = self.server.fake.handle(self.path, body)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeProviders):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class RunningFake:
    """The fake providers served on 127.0.0.1:<free port> until `stop()`."""

    def __init__(self) -> None:
        self.fake = FakeProviders()
        self._server = _Server(self.fake)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def whatsapp_url(self) -> str:
        return f"{self.url}/whatsapp"

    @property
    def sms_url(self) -> str:
        return f"{self.url}/sms"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
