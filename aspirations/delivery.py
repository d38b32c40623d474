"""Sending notifications: the job, its retries, the receipts, and the recovery after a crash.

A notification is sent at most once. The job that sends it first moves the row from
QUEUED to SENDING with one conditional UPDATE; only the job whose UPDATE changed the
row calls the provider, so a job run twice (a retry, a recovered job, two workers)
finds nothing to do. Every later write is conditional on the state it expects too: a
receipt that already moved the row to SENT wins over the worker's late report of a
timeout, so that timeout cannot queue a second send.

If a worker dies between SENDING and its report, `notifications_recover` (run by
`manage.py recover_jobs`, from cron and before every worker start) waits for
KRK_JOB_LEASE_SECONDS: WhatsApp and Infobip return our reference in their receipts,
so a message they accepted is SENT by then and one they never got is queued again.
Email has no receipts: an interrupted email is failed ("Interrupted") for the admin
to retry, rather than risk a second copy.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from units.scoping import deployment_wide

from .models import Notification, NotificationState, WebhookReceipt
from .models.notifications import STATE_ORDER
from .providers import DeliveryError, Outgoing, PermanentError, provider_for

logger = logging.getLogger(__name__)

# Channels whose receipts carry our reference: an interrupted send is settled by them.
RECEIPTS_BY_REFERENCE = {"whatsapp", "sms"}
# Receipts older than this are refused (and their digests forgotten after it).
RECEIPT_MAX_AGE = timedelta(days=7)


@task()
@deployment_wide()  # a job of the deployment: the notification names its own aspiration
def send_notification(notification_id: int) -> None:
    """The job: send one notification, unless another job already did or is doing it."""
    notification_deliver(notification_id=notification_id)


def notification_enqueue(notification: Notification, *, when: datetime | None = None) -> None:
    """Queue the job for `notification`, in the caller's transaction (see module docstring)."""
    job = send_notification if when is None else send_notification.using(run_after=when)
    job.enqueue(notification.pk)


def backoff(attempt: int) -> timedelta:
    """The wait before try `attempt + 1`: KRK_NOTIFY_BACKOFF_SECONDS x 4^(attempt-1)."""
    return timedelta(seconds=settings.KRK_NOTIFY_BACKOFF_SECONDS * 4 ** (attempt - 1))


def notification_deliver(*, notification_id: int) -> None:
    """Claim, send and record one notification. Never raises for the provider's failures."""
    notification = _claim(notification_id)
    if notification is None:
        return
    try:
        message_id = provider_for(notification.channel).send(_outgoing(notification))
    except DeliveryError as error:
        _record_failure(notification, error)
        return
    _record_sent(notification, message_id)


def _claim(notification_id: int) -> Notification | None:
    now = timezone.now()
    claimed = Notification.objects.filter(pk=notification_id, state=NotificationState.QUEUED).update(
        state=NotificationState.SENDING, attempts=F("attempts") + 1, claimed_at=now, state_changed_at=now
    )
    if not claimed:
        return None
    return Notification.objects.select_related("aspiration", "officer").get(pk=notification_id)


def _address(notification: Notification) -> str:
    email = notification.channel == "email"
    officer = notification.officer
    if officer is not None:
        return officer.email if email else officer.phone
    aspiration = notification.aspiration
    return aspiration.reporter_email if email else aspiration.reporter_phone


def _outgoing(notification: Notification) -> Outgoing:
    address = _address(notification)
    if not address:
        raise PermanentError("NoAddress")
    return Outgoing(
        reference=str(notification.reference),
        to=address,
        kind=notification.kind,
        language=notification.language,
        subject=notification.subject,
        text=notification.text,
        params=[str(value) for value in notification.params],
    )


def _record_sent(notification: Notification, message_id: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        if message_id:
            Notification.objects.filter(pk=notification.pk, provider_message_id="").update(
                provider_message_id=message_id
            )
        Notification.objects.filter(pk=notification.pk, state=NotificationState.SENDING).update(
            state=NotificationState.SENT, error_type="", state_changed_at=now
        )
    logger.info("notification %s sent by %s", notification.pk, notification.channel)


def _record_failure(notification: Notification, error: DeliveryError) -> None:
    now = timezone.now()
    retry = error.retry and notification.attempts < settings.KRK_NOTIFY_MAX_ATTEMPTS
    with transaction.atomic():
        pending = Notification.objects.filter(pk=notification.pk, state=NotificationState.SENDING)
        if retry:
            when = now + backoff(notification.attempts)
            if pending.update(
                state=NotificationState.QUEUED, next_attempt_at=when, error_type=error.error_type, state_changed_at=now
            ):
                notification_enqueue(notification, when=when)
        else:
            pending.update(state=NotificationState.FAILED, error_type=error.error_type, state_changed_at=now)
    # Only the error's type and the row: never the address.
    logger.warning(
        "notification %s by %s: %s (attempt %s, %s)",
        notification.pk,
        notification.channel,
        error.error_type,
        notification.attempts,
        "will retry" if retry else "failed",
    )


@transaction.atomic
def notification_retry(*, notification: Notification) -> bool:
    """Queue a failed notification again (the admin's action); False when it had not failed."""
    now = timezone.now()
    if not Notification.objects.filter(pk=notification.pk, state=NotificationState.FAILED).update(
        state=NotificationState.QUEUED, attempts=0, next_attempt_at=now, state_changed_at=now
    ):
        return False
    notification_enqueue(notification)
    return True


# ------------------------------------------------------------------------------ receipts


@dataclass(frozen=True)
class Receipt:
    """One status from a provider's webhook, in the portal's words."""

    reference: str  # ours, echoed back; may be empty
    message_id: str  # the provider's
    state: str  # a NotificationState
    at: datetime
    error_type: str = ""


@transaction.atomic
def receipts_record(*, provider: str, body: bytes, receipts: list[Receipt]) -> bool:
    """Apply the receipts of one webhook request; False (nothing applied) for a replayed request.

    A request is identified by the SHA-256 of its body. Receipts only move a
    notification forward (STATE_ORDER), so out-of-order receipts are harmless too.
    """
    digest = hashlib.sha256(body).hexdigest()
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(provider=provider, digest=digest)
    except IntegrityError:
        logger.warning("%s webhook replayed; refused", provider)
        return False
    oldest = timezone.now() - RECEIPT_MAX_AGE
    for receipt in receipts:
        if receipt.at >= oldest:
            _apply(provider, receipt)
    return True


def _matching(receipt: Receipt) -> Q | None:
    try:
        return Q(reference=uuid.UUID(receipt.reference))
    except ValueError:
        return Q(provider_message_id=receipt.message_id) if receipt.message_id else None


def _apply(provider: str, receipt: Receipt) -> None:
    match = _matching(receipt)
    if match is None:
        return
    notification = Notification.objects.select_for_update().filter(match, channel=provider).first()
    if notification is None:
        return
    update: dict[str, object] = {}
    if receipt.message_id and not notification.provider_message_id:
        update["provider_message_id"] = receipt.message_id
    if STATE_ORDER[NotificationState(receipt.state)] > STATE_ORDER[NotificationState(notification.state)]:
        update.update(state=receipt.state, state_changed_at=timezone.now())
        if receipt.state == NotificationState.FAILED:
            update["error_type"] = receipt.error_type[:80]
    if update:
        Notification.objects.filter(pk=notification.pk).update(**update)


# ------------------------------------------------------------------------------ recovery


@transaction.atomic
def notifications_recover(*, now: datetime | None = None) -> dict[str, int]:
    """Hand on the notifications of workers that died; returns the counts. Safe to run any time.

    - SENDING longer than the lease: queued again where receipts would have told us it
      left (WhatsApp, SMS), failed as "Interrupted" where they cannot (email);
    - QUEUED and due longer than the lease ago: its job was lost with its worker
      (claimed, then killed); a new job is queued (the claim makes a spare one harmless);
    - webhook digests past the receipts' age limit are deleted.

    Every update is conditional on the state it read, so a receipt or a worker that
    moves a row meanwhile wins, and a job queued for such a row finds nothing to do.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.KRK_JOB_LEASE_SECONDS)
    sending = Notification.objects.filter(state=NotificationState.SENDING, claimed_at__lt=stale)
    interrupted = sending.exclude(channel__in=RECEIPTS_BY_REFERENCE).update(
        state=NotificationState.FAILED, error_type="Interrupted", state_changed_at=now
    )
    requeued = list(sending.filter(channel__in=RECEIPTS_BY_REFERENCE).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=requeued, state=NotificationState.SENDING).update(
        state=NotificationState.QUEUED, next_attempt_at=now, state_changed_at=now
    )
    waiting = Notification.objects.filter(state=NotificationState.QUEUED, next_attempt_at__lt=stale)
    lost = list(waiting.values_list("pk", flat=True))
    waiting.filter(pk__in=lost).update(next_attempt_at=now)
    for pk in [*requeued, *lost]:
        send_notification.enqueue(pk)
    forgotten, _ = WebhookReceipt.objects.filter(received_at__lt=now - RECEIPT_MAX_AGE).delete()
    return {"requeued": len(requeued), "interrupted": interrupted, "resumed": len(lost), "receipts_deleted": forgotten}
