"""Residents' aspirations, their categories, photos and timeline.

An Aspiration is what a resident (or staff on a resident's behalf) tells the police;
its AspirationEvents are the timeline the staff and, for public events only, the
resident on the status page see. Writes go through `services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from patrols.choice_labels import ChoiceLabelsMixin
from patrols.models import DISPLAY_NAME_FIELDS, Patrol, Village, latitude_field, longitude_field, phone_validator


class Category(models.Model):
    """What an aspiration is about (editable master data; seeded by a migration).

    Names are data, written in Indonesian; `name_en` is shown when the interface
    is in English and falls back to the Indonesian name when empty.
    """

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    description = models.CharField(
        _("description"), max_length=200, blank=True, help_text=_("A hint shown under the choice on the public form.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(
        _("offered on the form"), default=True, help_text=_("Retired categories stay on old aspirations.")
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_for(self.name, self.name_en)

    @staticmethod
    def label_for(name: str, name_en: str) -> str:
        """The name in the interface's language, for a row read without its model."""
        if name_en and (translation.get_language() or "").startswith("en"):
            return name_en
        return name


class AspirationType(models.TextChoices):
    ASPIRASI = "aspirasi", _("Aspiration")
    KELUHAN = "keluhan", _("Complaint")
    KEBUTUHAN = "kebutuhan", _("Need")
    LAPORAN_KEJADIAN = "laporan_kejadian", _("Incident report")


class Status(models.TextChoices):
    """The workflow: baru -> terverifikasi -> ditindaklanjuti -> selesai; or ditolak."""

    BARU = "baru", _("Awaiting verification")
    TERVERIFIKASI = "terverifikasi", _("Verified")
    DITINDAKLANJUTI = "ditindaklanjuti", _("In follow-up")
    SELESAI = "selesai", _("Resolved")
    DITOLAK = "ditolak", _("Rejected")


OPEN_STATUSES = (Status.BARU, Status.TERVERIFIKASI, Status.DITINDAKLANJUTI)


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PATROL = "patrol", _("During a patrol")
    PHONE = "phone", _("Phone")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WALK_IN = "walk_in", _("Walk-in at the station")


class Priority(models.TextChoices):
    LOW = "rendah", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "tinggi", _("High")
    URGENT = "mendesak", _("Urgent")


class RejectionReason(models.TextChoices):
    SPAM = "spam", _("Spam or abuse")
    DUPLICATE = "duplikat", _("Duplicate of another ticket")
    NOT_AUTHORITY = "bukan_wewenang", _("Not police authority")
    OTHER = "lainnya", _("Other reason")


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


class Referral(models.TextChoices):
    """Where a resident is sent when the matter is not for the police to handle (DOMAIN.md)."""

    SP4N_LAPOR = "sp4n_lapor", _("SP4N-LAPOR! (other public services)")
    DUMAS_PRESISI = "dumas_presisi", _("Dumas Presisi (conduct of a police officer)")


class AspirationQuerySet(models.QuerySet):
    def open(self) -> AspirationQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

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

        No joins: the page names the category and village from the cached lists
        (`choices.form_choices`), and a code matches one row at most, so no order
        either. Each join cost the look-up more planning than the whole query runs.
        """
        return self.only(
            "code",
            "type",
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
        ).order_by()


class Aspiration(ChoiceLabelsMixin, models.Model):
    """Something a resident wants the police to know or do.

    Identity fields are blank for anonymous reports; when any is given the
    database requires the time consent was given. `ip_hash` is a keyed hash
    (never the address itself), enough to spot floods from one source.
    """

    code = models.CharField(_("ticket code"), max_length=20, unique=True, editable=False)
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
        help_text=_("Empty: outside Kecamatan Krangkeng."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    latitude = latitude_field()
    longitude = longitude_field()
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.BARU)

    reporter_name = models.CharField(_("reporter's name"), max_length=100, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True, validators=[phone_validator])
    reporter_email = models.EmailField(_("reporter's email"), blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)

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
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AspirationQuerySet.as_manager()

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
        ]
        indexes = [
            models.Index(fields=["status", "verification_due"], name="aspiration_status_vdue"),
            models.Index(fields=["status", "followup_due"], name="aspiration_status_fdue"),
            models.Index(fields=["-submitted_at"], name="aspiration_submitted"),
            models.Index(fields=["village", "-submitted_at"], name="aspiration_village_submitted"),
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


def attachment_path(instance: Attachment, filename: str) -> str:
    # The pipeline already gave the file a random name; the date keeps folders small.
    return timezone.now().strftime(f"aspirations/%Y/%m/{filename}")


class Attachment(models.Model):
    """A photo on an aspiration, re-encoded and stripped by `core.images`.

    Files live under MEDIA_ROOT, which no URL serves: staff views check
    permission and stream them; the public status page never shows them.
    """

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("aspiration")
    )
    image = models.FileField(_("photo"), upload_to=attachment_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=attachment_path, max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    content_type = models.CharField(_("content type"), max_length=40, default="image/jpeg")
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["aspiration", "pk"]

    def __str__(self) -> str:
        return f"{self.aspiration} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("aspirations:photo", kwargs={"pk": self.pk})

    def get_thumbnail_url(self) -> str:
        return reverse("aspirations:photo_thumbnail", kwargs={"pk": self.pk})

    def download_name(self, *, thumbnail: bool = False) -> str:
        suffix = "-kecil" if thumbnail else ""
        return f"aspirasi-{self.aspiration_id}-foto-{self.pk}{suffix}.jpg"


class EventKind(models.TextChoices):
    CREATED = "created", _("Received")
    STATUS_CHANGE = "status_change", _("Status changed")
    ASSIGNMENT = "assignment", _("Assigned")
    PUBLIC_REPLY = "public_reply", _("Reply")
    INTERNAL_NOTE = "internal_note", _("Internal note")


class AspirationEventQuerySet(models.QuerySet):
    def public(self) -> AspirationEventQuerySet:
        return self.filter(is_public=True)


class AspirationEvent(models.Model):
    """One entry of an aspiration's timeline.

    Only events with `is_public` reach the resident's status page, and there
    without their author: the public sees "the unit", never an officer.
    """

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.CASCADE, related_name="events", verbose_name=_("aspiration")
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

    objects = AspirationEventQuerySet.as_manager()

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
