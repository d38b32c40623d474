"""Residents' aspirations: what a resident (or staff on a resident's behalf) tells the police.

Writes go through the services; the timeline is in `events`, the photos in `attachments`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import latitude_field, longitude_field, phone_validator
from patrols.models import DISPLAY_NAME_FIELDS, Patrol, Village
from units.scoping import ScopedValidation, UnitScopedManager

from .. import public_ids
from .categories import Category
from .choices import (
    OFFICER_ACTION_STATUSES,
    OPEN_STATUSES,
    AspirationType,
    Channel,
    NotifyChannel,
    Priority,
    Referral,
    RejectionReason,
    Status,
)
from .events import AspirationEvent

# The date the next step is due (see AspirationQuerySet.with_deadline). An index is
# built on this expression (Meta.indexes): plain values, not Status members, and the
# lookups in alphabetical order, as the migration stores them, or makemigrations
# sees a different index every time.
DEADLINE = models.Case(
    models.When(status=Status.BARU.value, then=models.F("verification_due")),
    models.When(
        first_response_at__isnull=True,
        status__in=[Status.TERVERIFIKASI.value, Status.DITINDAKLANJUTI.value],
        then=models.F("followup_due"),
    ),
    default=None,
    output_field=models.DateTimeField(),
)


# The columns an inbox row (aspirations/staff/_aspiration_item.html) shows.
LIST_FIELDS = (
    "code",
    "type",
    "title",
    "status",
    "channel",
    "priority",
    "submitted_at",
    "is_spam_suspected",
    "category__name",
    "category__name_en",
    "village__name",
    *(f"assigned_to__{name}" for name in DISPLAY_NAME_FIELDS),
)


# What the stored spam signals (forms.AspirationForm._collect_spam_signals) mean, for the operator.
SPAM_SIGNAL_LABELS = {
    "honeypot": _("a field people never see was filled in"),
    "bad_token": _("the form's start time was missing or altered"),
    "too_fast": _("sent within seconds of opening the form"),
}


class AspirationQuerySet(models.QuerySet):
    def open(self) -> AspirationQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def awaiting_officer(self) -> AspirationQuerySet:
        """Verified and handed on, not yet resolved: what the assigned officer must act on."""
        return self.filter(status__in=OFFICER_ACTION_STATUSES)

    def visible_to(self, user) -> AspirationQuerySet:
        """The aspirations `user` may read on the staff pages, in one query.

        Unit-wide readers (`view_all_aspirations`: operator, command) see everything;
        an officer (`handle_aspiration`) sees those assigned to them now or at any
        time before (an ASSIGNMENT event names them), so a reassigned officer keeps
        read access to what they worked on. Everyone else sees nothing.
        """
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if user.has_perm("aspirations.view_all_aspirations"):
            return self
        if not user.has_perm("aspirations.handle_aspiration"):
            return self.none()
        was_assigned = AspirationEvent.objects.filter(aspiration_id=models.OuterRef("pk"), assignee_id=user.pk)
        return self.filter(Q(assigned_to_id=user.pk) | models.Exists(was_assigned))

    def with_deadline(self) -> AspirationQuerySet:
        """Annotate `deadline`: the date the next step is due, or None when nothing is due.

        Awaiting verification: the verification deadline. Verified or in follow-up
        without a first response yet: the follow-up deadline. Otherwise nothing.
        """
        return self.annotate(deadline=DEADLINE)

    def overdue(self, now) -> AspirationQuerySet:
        return self.alias(_deadline=DEADLINE).filter(_deadline__lt=now)

    def for_list(self) -> AspirationQuerySet:
        """What an inbox row shows, and only that, without N+1: category, village, assigned officer,
        deadline. The resident's text and identity stay in the database."""
        return self.select_related("category", "village", "assigned_to").only(*LIST_FIELDS).with_deadline()

    def for_detail(self) -> AspirationQuerySet:
        return self.select_related(
            "category", "village", "assigned_to", "created_by", "patrol", "patrol__village", "duplicate_of"
        ).prefetch_related(
            "attachments",
            models.Prefetch(
                "events",
                queryset=AspirationEvent.objects.select_related("author", "assignee").order_by("created_at", "pk"),
            ),
        )

    def for_status_page(self) -> AspirationQuerySet:
        """Only what the public status page shows: no identity, no text, no officer.

        The page names the category from the cached lists (`choices.form_choices`),
        and a code matches one row at most, so no order either. One join, for the
        village's name (`village_name`): a deployment may hold 83,762 villages, too
        many to keep as one cached list as the categories are; another for the name of
        the unit handling it (`unit_name`), which signs its replies.
        """
        return (
            self.annotate(village_name=F("village__name"), unit_name=F("unit__name"))
            .only(
                "code",
                "type",
                "title",  # the resident's own words, shown to whoever holds the code
                "status",
                "submitted_at",
                "verification_due",
                "followup_due",
                "first_response_at",
                "resolved_at",
                "rejection_reason",
                "rejection_note",
                "category",
                "village",
            )
            .order_by()
        )


class Aspiration(ScopedValidation, models.Model):
    """Something a resident wants the police to know or do.

    Identity fields are blank for anonymous reports; when any is given the
    database requires the time consent was given. `ip_hash` is a keyed hash
    (never the address itself), enough to spot floods from one source.
    """

    code = models.CharField(_("ticket code"), max_length=20, unique=True, editable=False)
    public_id = models.CharField(
        _("public id"),
        max_length=12,
        unique=True,
        default=public_ids.generate,
        editable=False,
        help_text=_("How the Open311 API names it; not a secret, unlike the ticket code."),
    )
    type = models.CharField(_("type"), max_length=20, choices=AspirationType.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="aspirations", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("what happened"), max_length=4000)
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aspirations",
        verbose_name=_("village"),
        help_text=_("Empty: outside the villages of every Polsek."),
    )
    # The Polsek of the village (or, without one, of the patrol, the staff member who
    # recorded it, or the deployment's KRK_HOME_UNIT), set by aspirations.services: the
    # unit that handles it, one indexed column for every scoped list.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="aspirations",
        verbose_name=_("unit"),
        editable=False,
        db_index=False,
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    sent_via = models.CharField(
        _("sent by"),
        max_length=100,
        blank=True,
        help_text=_("For reports that came through the API: the client organisation, as named then."),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.BARU)

    reporter_name = models.CharField(_("reporter's name"), max_length=100, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True, validators=[phone_validator])
    reporter_email = models.EmailField(_("reporter's email"), blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    # Empty: tell the reporter nothing (the default; always so for anonymous reports).
    notify_channel = models.CharField(
        _("keep the reporter informed by"), max_length=10, choices=NotifyChannel.choices, blank=True
    )
    notify_language = models.CharField(
        _("language of the messages"), max_length=8, default="id", help_text=_("The language of the form they used.")
    )

    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_aspirations",
        verbose_name=_("assigned officer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entered_aspirations",
        verbose_name=_("entered by"),
        help_text=_("The staff member who recorded it for a resident; empty for the public form."),
    )

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    verification_due = models.DateTimeField(_("verification due"))
    followup_due = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    rejection_reason = models.CharField(
        _("rejection reason"), max_length=16, choices=RejectionReason.choices, blank=True
    )
    rejection_note = models.TextField(
        _("note on the rejection"),
        blank=True,
        help_text=_("Shown to the resident on the status page, e.g. where to go instead."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    referred_to = models.CharField(
        _("referred to"),
        max_length=16,
        choices=Referral.choices,
        blank=True,
        help_text=_("Where the resident was sent when it is not for the police."),
    )
    # PROTECT: the patrol is part of how the report reached us; deleting a patrol
    # must not silently erase that (nor the aspirations themselves).
    patrol = models.ForeignKey(
        Patrol,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="aspirations",
        verbose_name=_("heard on patrol"),
    )

    is_spam_suspected = models.BooleanField(_("suspected spam"), default=False)
    spam_signals = models.CharField(
        _("spam signals"),
        max_length=100,
        blank=True,
        help_text=_("Why it was flagged (e.g. honeypot, too_fast), for the operator's review."),
    )
    ip_hash = models.CharField(_("address hash"), max_length=64, blank=True, editable=False)
    # The form's idempotency key (core/idempotency.py): a retried POST finds
    # this row instead of storing a second one. Unique per scope (Meta.constraints).
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Scoped to the unit subtree of the request (units.scoping).
    objects = UnitScopedManager.from_queryset(AspirationQuerySet)()

    class Meta:
        verbose_name = _("aspiration")
        verbose_name_plural = _("aspirations")
        ordering = ["-submitted_at"]
        permissions = [
            ("view_reporter_identity", _("Can reveal the reporter's identity")),
            ("triage_aspiration", _("Can verify, assign and reject aspirations")),
            ("reopen_aspiration", _("Can reopen resolved or rejected aspirations")),
            ("view_all_aspirations", _("Can see every aspiration of the unit")),
            ("reassign_aspiration", _("Can hand an aspiration in follow-up to another officer")),
            ("handle_aspiration", _("Can reply to, note and resolve the aspirations assigned to them")),
            ("handle_any_aspiration", _("Can reply to, note and resolve any aspiration")),
            ("note_aspiration", _("Can add internal notes to any aspiration")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reporter_name="", reporter_phone="", reporter_email="") | Q(consent_given_at__isnull=False),
                name="aspiration_identity_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(notify_channel="") | Q(consent_given_at__isnull=False),
                name="aspiration_notify_needs_consent",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="aspiration_lat_lon_together",
            ),
            models.CheckConstraint(
                condition=~Q(status="ditolak") | ~Q(rejection_reason=""),
                name="aspiration_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="selesai") | Q(resolved_at__isnull=False),
                name="aspiration_resolved_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="ditindaklanjuti") | Q(assigned_to__isnull=False),
                name="aspiration_followup_has_officer",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["terverifikasi", "ditindaklanjuti"])
                | Q(verified_at__isnull=False, followup_due__isnull=False),
                name="aspiration_verified_has_times",
            ),
            # One scope for the public form, one per officer for staff entries: a key
            # finds only what was sent with it from the same place (or by the same officer).
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=Q(created_by__isnull=True), name="aspiration_public_key_once"
            ),
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="aspiration_staff_key_once"),
        ]
        indexes = [
            models.Index(fields=["status", "verification_due"], name="aspiration_status_vdue"),
            models.Index(fields=["status", "followup_due"], name="aspiration_status_fdue"),
            models.Index(fields=["-submitted_at"], name="aspiration_submitted"),
            models.Index(fields=["village", "-submitted_at"], name="aspiration_village_submitted"),
            models.Index(fields=["unit", "-submitted_at"], name="aspiration_unit_submitted"),
            models.Index(fields=["category", "-submitted_at"], name="aspiration_category_submitted"),
            models.Index(fields=["assigned_to", "status"], name="aspiration_assigned_status"),
            models.Index(fields=["is_spam_suspected", "-submitted_at"], name="aspiration_spam_submitted"),
            models.Index(fields=["ip_hash", "-submitted_at"], name="aspiration_ip_submitted"),
            # The inbox's default order (filters.BY_DEADLINE): without it every inbox page
            # sorted all rows, 180 ms at 100,000 aspirations; with it page 1 reads 26 index
            # entries (bench/RESULTS.md). PostgreSQL sorts NULLs last in an ascending index,
            # as the inbox wants; INCLUDE lets deep pages walk the index alone.
            models.Index(
                DEADLINE,
                F("submitted_at").desc(),
                F("id").desc(),
                name="aspiration_deadline_order",
                include=["status", "verification_due", "followup_due", "first_response_at"],
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        """The staff detail page (the public only ever sees the status page)."""
        return reverse("aspirations:detail", kwargs={"pk": self.pk})

    @property
    def is_anonymous(self) -> bool:
        return not (self.reporter_name or self.reporter_phone or self.reporter_email)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def spam_reasons(self) -> str:
        """Why it was flagged, in words: the stored codes (`too_fast`) mean nothing to an operator."""
        codes = [code for code in self.spam_signals.split(",") if code]
        return ", ".join(str(SPAM_SIGNAL_LABELS.get(code, code)) for code in codes)

    @property
    def is_pressing(self) -> bool:
        return self.priority in (Priority.HIGH, Priority.URGENT)

    @property
    def current_deadline(self):
        """The same rule as the `deadline` annotation, for one row in hand."""
        if self.status == Status.BARU:
            return self.verification_due
        if self.status in (Status.TERVERIFIKASI, Status.DITINDAKLANJUTI) and self.first_response_at is None:
            return self.followup_due
        return None
