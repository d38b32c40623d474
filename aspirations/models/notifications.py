"""Notifications: one row per (timeline event, channel, recipient), and the webhooks received.

A Notification is written in the same transaction as the event that causes it, with
its message already composed, and a job to send it is queued in that transaction too
(aspirations/notifications.py). The row, not the job, is the truth: `state` says how far
it got, `reference` is the id the providers echo back in their receipts, and a send
is only ever attempted by the one worker that moved the row from QUEUED to SENDING
(aspirations/delivery.py), so a retried or duplicated job cannot send it twice.

The recipient's address is not stored here: it is read from the aspiration (the
reporter's phone or email) or the officer when the message leaves, so the retention
purge that blanks a reporter leaves no copy behind.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.scoping import ScopedValidation, UnitScopedManager

from .aspirations import Aspiration
from .choices import NotifyChannel
from .events import AspirationEvent


class NotificationKind(models.TextChoices):
    """What the message says; each is one approved WhatsApp template."""

    RECEIVED = "received", _("Ticket received")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REPLY = "reply", _("Reply published")
    RESOLVED = "resolved", _("Resolved")
    ASSIGNED = "assigned", _("Assigned to an officer")


class NotificationState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    READ = "read", _("Read")
    FAILED = "failed", _("Failed")


# A receipt only ever moves a notification forward: a late "sent" after "read", or a
# replayed "delivered", changes nothing.
STATE_ORDER = {
    NotificationState.QUEUED: 0,
    NotificationState.SENDING: 1,
    NotificationState.SENT: 2,
    NotificationState.DELIVERED: 3,
    NotificationState.READ: 4,
    NotificationState.FAILED: 4,
}
REACHED = (NotificationState.DELIVERED, NotificationState.READ)


class NotificationQuerySet(models.QuerySet):
    def failed(self) -> NotificationQuerySet:
        return self.filter(state=NotificationState.FAILED)

    def for_timeline(self) -> NotificationQuerySet:
        """What the aspiration's detail page shows: state per message, no addresses."""
        return self.select_related("officer").only(
            "aspiration_id",
            "event_id",
            "kind",
            "channel",
            "state",
            "attempts",
            "error_type",
            "created_at",
            "state_changed_at",
            "officer__username",
            "officer__first_name",
            "officer__last_name",
            "officer__rank",
        )


class Notification(ScopedValidation, models.Model):
    reference = models.UUIDField(_("reference"), default=uuid.uuid4, unique=True, editable=False)
    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("aspiration")
    )
    event = models.ForeignKey(
        AspirationEvent, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("event")
    )
    kind = models.CharField(_("message"), max_length=16, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NotifyChannel.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("officer"),
        help_text=_("Empty when the message goes to the reporter."),
    )
    language = models.CharField(_("language"), max_length=8, default="id")
    # The message, composed when the event was written: the template's parameters for
    # WhatsApp, a subject and a text for email and SMS.
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    params = models.JSONField(_("template parameters"), default=list, blank=True)

    state = models.CharField(
        _("state"), max_length=10, choices=NotificationState.choices, default=NotificationState.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=128, blank=True)
    error_type = models.CharField(
        _("last error"), max_length=80, blank=True, help_text=_("The kind of error only, never the address.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)

    scoped_by = "aspiration__unit"
    objects = UnitScopedManager.from_queryset(NotificationQuerySet)()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel"], condition=Q(officer__isnull=True), name="notification_once_to_reporter"
            ),
            models.UniqueConstraint(
                fields=["event", "channel", "officer"],
                condition=Q(officer__isnull=False),
                name="notification_once_to_officer",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="notification_due"),
            models.Index(fields=["provider_message_id"], name="notification_provider_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display()}): {self.get_state_display()}"

    @property
    def to_reporter(self) -> bool:
        return self.officer_id is None


class WebhookReceipt(models.Model):
    """A delivery-receipt request already applied, by the SHA-256 of its body: a replay is refused.

    Rows older than the receipts' own age limit are of no more use (a request that old
    is refused for its age) and are deleted by `recover_jobs`.
    """

    provider = models.CharField(_("provider"), max_length=10, choices=NotifyChannel.choices)
    digest = models.CharField(_("SHA-256 of the body"), max_length=64)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("webhook receipt")
        verbose_name_plural = _("webhook receipts")
        constraints = [models.UniqueConstraint(fields=["provider", "digest"], name="webhookreceipt_once")]

    def __str__(self) -> str:
        return f"{self.provider} {self.digest[:12]}"
