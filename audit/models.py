from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.scoping import ScopedValidation, UnitScopedManager


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGN_IN_LOCKED = "sign_in_locked", _("Sign-in refused: locked")
    SIGN_OUT = "sign_out", _("Signed out")
    SESSION_EXPIRED = "session_expired", _("Session expired")
    IDENTITY_REVEALED = "identity_revealed", _("Reporter identity revealed")
    PERSONAL_DATA_EXPORTED = "personal_data_exported", _("Personal data exported")
    PERSONAL_DATA_PURGED = "personal_data_purged", _("Personal data anonymised or deleted")
    PATROL_CHANGED = "patrol_changed", _("Patrol changed")
    ASPIRATION_CHANGED = "aspiration_changed", _("Aspiration changed")
    API_REQUEST = "api_request", _("Report sent through the API")
    API_KEY_CREATED = "api_key_created", _("API key created")
    API_KEY_REVOKED = "api_key_revoked", _("API key revoked")
    ACCOUNT_CREATED = "account_created", _("Account created")
    ACCOUNT_CHANGED = "account_changed", _("Account status changed")
    PERMISSIONS_CHANGED = "permissions_changed", _("Roles or permissions changed")
    PASSWORD_CHANGED = "password_changed", _("Password changed")


class AuditEntryQuerySet(models.QuerySet):
    def for_list(self):
        """Everything the list shows is on the row itself (actor_username is a snapshot): no joins."""
        return self.order_by("-created_at", "-id")


class AuditEntry(ScopedValidation, models.Model):
    """One accountable act. Written by `audit.services.audit_record`, never edited."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    actor_username = models.CharField(
        _("actor's username"),
        max_length=150,
        blank=True,
        help_text=_("As it was at the time; for a failed sign-in, the username that was tried."),
    )
    # Whose trail it is: the unit of the record acted on, else of the actor (audit_record).
    # Empty for acts of no unit (a failed sign-in with an unknown username).
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    target_type = models.CharField(_("record type"), max_length=100, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    ip_hash = models.CharField(
        _("address (keyed hash)"),
        max_length=64,
        blank=True,
        help_text=_("A keyed hash of the client's IP address; the address itself is never stored."),
    )

    # Entries without a unit (account changes by a superuser) only show deployment-wide.
    objects = UnitScopedManager.from_queryset(AuditEntryQuerySet)()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        # Entries are written by code only: no add/change/delete permission exists to grant.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["action", "-created_at"], name="audit_action_created_idx"),
            models.Index(fields=["actor_username", "-created_at"], name="audit_actor_created_idx"),
            models.Index(fields=["unit", "-created_at"], name="audit_unit_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_username or '-'} {self.action}"
