"""Writes for the API: keys for client organisations, and the reports they send.

A report goes through `aspirations.services.aspiration_submit`, like one from the
web form: the same deadlines, the same inbox for the operator, the same email of
the ticket code to a resident who gave an address. Every POST with a valid key
is in the audit trail, accepted or refused.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from aspirations.models import Channel
from aspirations.services import aspiration_submit
from audit.models import AuditAction
from audit.services import audit_record
from core.security import client_ip_hash
from patrols.models import Officer
from units.models import Unit

from . import keys
from .models import ApiClient, ApiSubmission

# Spam signals of the API (the web form's are its honeypot and fill time, which a
# client system has no use for). A signalled report is stored and waits for the
# operator's review; until then the client gets a token, not an id.
LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
REPEAT_WINDOW = datetime.timedelta(hours=24)


@transaction.atomic
def api_client_create(
    *,
    actor: Officer,
    name: str,
    unit: Unit,
    rate_limit_per_hour: int,
    contact: str = "",
    request: HttpRequest | None = None,
) -> tuple[ApiClient, str]:
    """A client organisation of `unit` and its new key: returns the key, which is never stored nor shown again.

    Who may give a key to which unit is the caller's to check (the admin offers only the
    actor's subtree): a key reads and sends for its unit and the units below it.
    """
    key = keys.generate()
    client = ApiClient(
        name=name.strip(),
        contact=contact.strip(),
        unit=unit,
        rate_limit_per_hour=rate_limit_per_hour,
        key_prefix=keys.shown_part(key),
        key_digest=keys.digest(key),
        created_by=actor,
    )
    client.full_clean()
    client.save()
    audit_record(
        action=AuditAction.API_KEY_CREATED, actor=actor, target=client, summary=_describe(client), request=request
    )
    return client, key


@transaction.atomic
def api_client_revoke(*, actor: Officer, client: ApiClient, request: HttpRequest | None = None) -> ApiClient:
    """Stop the key working at once; the client and its reports stay (idempotent)."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record(
            action=AuditAction.API_KEY_REVOKED, actor=actor, target=client, summary=_describe(client), request=request
        )
    return client


def _describe(client: ApiClient) -> str:
    return f"{client.name} ({client.key_prefix}…)"


def spam_signals(*, client: ApiClient, description: str) -> list[str]:
    """Why a report should wait for review: a link in it, or the same text from the same client within a day."""
    signals = []
    if LINK.search(description):
        signals.append("api_link")
    since = timezone.now() - REPEAT_WINDOW
    if client.submissions.filter(created_at__gte=since, aspiration__description=description).exists():
        signals.append("api_repeat")
    return signals


@transaction.atomic
def service_request_submit(*, client: ApiClient, request: HttpRequest | None, **fields) -> ApiSubmission:
    """Record a report a client sent, as an aspiration received "via API: <client>".

    `fields` are `aspiration_submit`'s (forms.ServiceRequestForm.submission()). Costs
    the aspiration's inserts, one query for the spam signals, the link row, the
    client's last-use stamp and the audit entry.
    """
    aspiration = aspiration_submit(
        **fields,
        channel=Channel.API,
        sent_via=client.name,
        ip_hash=client_ip_hash(request),
        spam_signals=spam_signals(client=client, description=fields["description"]),
    )
    submission = ApiSubmission(aspiration=aspiration, client=client, created_at=aspiration.submitted_at)
    submission.save(force_insert=True)
    # Saved by primary key, not through the scoped manager: a Polres's key sending to one of its
    # Polsek is outside that Polsek's scope.
    client.last_used_at = aspiration.submitted_at
    client.save(update_fields=["last_used_at"])
    summary = f"{_describe(client)}: {aspiration.public_id}" + (
        f" (held: {aspiration.spam_signals})" if aspiration.is_spam_suspected else ""
    )
    audit_record(
        action=AuditAction.API_REQUEST,
        target=aspiration,
        summary=summary,
        request=request,
        actor_username=f"API: {client.name}",
    )
    return submission


def service_request_refused(*, client: ApiClient | None, request: HttpRequest, reasons: Sequence[str]) -> None:
    """Record a POST that was refused: which key (if any was valid) and why, in parameter
    names only: nothing the client sent is copied into the trail."""
    who = _describe(client) if client else "no valid api_key"
    audit_record(
        action=AuditAction.API_REQUEST,
        summary=f"{who}: refused: " + ", ".join(reasons),
        request=request,
        actor_username=f"API: {client.name}" if client else "API",
    )
