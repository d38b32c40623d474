"""The timeline of an aspiration: what staff did and said, and what the resident may see."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.scoping import ScopedValidation, UnitScopedManager

from .choices import EventKind, Status


class AspirationEventQuerySet(models.QuerySet):
    def public(self) -> AspirationEventQuerySet:
        return self.filter(is_public=True)


class AspirationEvent(ScopedValidation, models.Model):
    """One entry of an aspiration's timeline.

    Only events with `is_public` reach the resident's status page, and there
    without their author: the public sees "the unit", never an officer.
    """

    aspiration = models.ForeignKey(
        "Aspiration", on_delete=models.CASCADE, related_name="events", verbose_name=_("aspiration")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    from_status = models.CharField(_("from status"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aspiration_events",
        verbose_name=_("author"),
        help_text=_("Empty when the resident did it (the public form)."),
    )
    # Who an ASSIGNMENT handed the aspiration to. Kept per event, so "was ever
    # assigned to this officer" is one indexed EXISTS (see visible_to).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aspiration_assignments",
        verbose_name=_("assigned to"),
        db_index=False,
    )
    body = models.TextField(_("text"), blank=True, max_length=4000)
    is_public = models.BooleanField(_("shown to the resident"), default=False)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    scoped_by = "aspiration__unit"
    objects = UnitScopedManager.from_queryset(AspirationEventQuerySet)()

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="internal_note", is_public=True), name="aspirationevent_internal_never_public"
            ),
            models.CheckConstraint(
                condition=~Q(kind="status_change", to_status=""), name="aspirationevent_status_change_has_status"
            ),
            models.CheckConstraint(
                condition=Q(kind="assignment", assignee__isnull=False)
                | Q(~Q(kind="assignment"), assignee__isnull=True),
                name="aspirationevent_assignee_iff_assignment",
            ),
        ]
        indexes = [
            models.Index(fields=["aspiration", "created_at"], name="aspirationevent_timeline"),
            models.Index(fields=["assignee", "aspiration"], name="aspirationevent_assignee"),
        ]

    def __str__(self) -> str:
        return f"{self.aspiration}: {self.get_kind_display()}"
