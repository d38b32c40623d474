"""Patrol reports (patroli sambang and the other kinds), their photos, topics and edit history."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.fields import latitude_field, longitude_field
from core.models import StoredPhoto
from units.scoping import ScopedValidation, UnitScopedManager

from .officers import DISPLAY_NAME_FIELDS
from .villages import Assignment, Village

# An officer may correct a report for this long after logging it; command and admin any time.
EDIT_WINDOW = datetime.timedelta(days=7)
# Phones' clocks drift: a start or end a few minutes ahead of the server is still "now".
FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
MAX_DURATION = datetime.timedelta(hours=24)
MAX_PHOTOS = 5
# The columns a list row (patrols/_patrol_item.html) shows.
LIST_FIELDS = (
    "patrol_type",
    "started_at",
    "ended_at",
    "place",
    "situation",
    "village__name",
    *(f"leader__{name}" for name in DISPLAY_NAME_FIELDS),
)


class PatrolType(models.TextChoices):
    SAMBANG = "sambang", _("Patroli Sambang (visits)")
    DIALOGIS = "dialogis", _("Patroli Dialogis (dialogue)")
    DDS = "dds", _("DDS (door to door)")
    KRYD = "kryd", _("KRYD (intensified patrol)")
    BLUE_LIGHT = "blue_light", _("Blue Light patrol")
    STRONG_POINT = "strong_point", _("Strong Point (posted at a vulnerable spot)")
    POLISI_RW = "polisi_rw", _("Polisi RW visit")
    JUMAT_CURHAT = "jumat_curhat", _("Jumat Curhat")
    OTHER = "lainnya", _("Other")


class PatrolMode(models.TextChoices):
    FOOT = "jalan_kaki", _("On foot")
    BICYCLE = "sepeda", _("Bicycle")
    MOTORBIKE = "r2", _("Motorbike (R2)")
    CAR = "r4", _("Car (R4)")


class Situation(models.TextChoices):
    SAFE = "aman", _("Safe and conducive")
    INCIDENT = "kejadian", _("Incident occurred")


class ImbauanTopic(models.Model):
    """A kind of security advice (imbauan kamtibmas) officers deliver; one list for every unit."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    is_active = models.BooleanField(
        _("offered on the form"), default=True, help_text=_("Retired topics stay on old reports.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("imbauan topic")
        verbose_name_plural = _("imbauan topics")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PatrolQuerySet(models.QuerySet):
    def visible_to(self, user) -> PatrolQuerySet:
        """The patrols `user` may read, in one query.

        Unit-wide readers (operator, command, admin) see everything; an officer sees
        the villages of their assignments in force today, plus every patrol they led,
        joined or logged. Anonymous and inactive users see nothing.
        """
        if not (user.is_authenticated and user.is_active and user.has_perm("patrols.view_patrol")):
            return self.none()
        if user.has_perm("patrols.view_all_patrols"):
            return self
        villages = Assignment.objects.in_force().filter(officer=user).values("village_id")
        return self.filter(Q(village__in=villages) | self._involving_q(user))

    def involving(self, user) -> PatrolQuerySet:
        """Patrols `user` led, took part in or logged ("Patroli Saya")."""
        return self.filter(self._involving_q(user))

    @staticmethod
    def _involving_q(user) -> Q:
        # EXISTS, not a join on members: a join would repeat a patrol once per member.
        membership = Patrol.members.through.objects.filter(patrol_id=OuterRef("pk"), officer_id=user.pk)
        return Q(leader=user) | Q(created_by=user) | Q(Exists(membership))

    def for_list(self) -> PatrolQuerySet:
        """What a list row shows, and only that: village, leader and photo count, without N+1.

        The report's texts (up to 4,000 characters each) stay in the database.
        """
        photo_count = (
            PatrolPhoto.objects.filter(patrol_id=OuterRef("pk"))
            .order_by()
            .values("patrol_id")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return (
            self.select_related("village", "leader")
            .only(*LIST_FIELDS)
            .annotate(photo_count=Coalesce(Subquery(photo_count), 0))
            .order_by("-started_at", "-pk")
        )

    def for_detail(self) -> PatrolQuerySet:
        return self.select_related("village", "leader", "created_by").prefetch_related(
            "members",
            "topics",
            "photos",
            models.Prefetch("edits", queryset=PatrolEdit.objects.select_related("editor").order_by("-edited_at")),
        )


class Patrol(ScopedValidation, models.Model):
    """One patrol report: what was done, where, when, by whom, and what was found."""

    # Set by patrols.signals while a patrol is saved: the start time the tallies counted.
    _loaded_started_at: datetime.datetime | None

    patrol_type = models.CharField(_("type"), max_length=20, choices=PatrolType.choices, default=PatrolType.SAMBANG)
    mode = models.CharField(_("mode"), max_length=12, choices=PatrolMode.choices, default=PatrolMode.MOTORBIKE)
    started_at = models.DateTimeField(_("start"))
    ended_at = models.DateTimeField(_("end"))
    # The composite indexes below start with village and leader, so no separate FK index.
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="patrols", verbose_name=_("village"), db_index=False
    )
    # The Polsek of the village when it was logged (patrols.services): a unit's patrols are
    # one indexed column. It stays with the report if the kecamatan later changes Polsek.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="patrols",
        verbose_name=_("unit"),
        editable=False,
        db_index=False,
    )
    place = models.CharField(
        pgettext_lazy("patrol", "place"),
        max_length=200,
        help_text=_("Landmark, dusun or RT/RW, e.g. Balai Desa, Blok Pahing RT 03/02."),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="led_patrols",
        verbose_name=_("team leader"),
        db_index=False,
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="patrols", blank=True, verbose_name=_("other officers")
    )
    partners = models.CharField(
        _("tiga pilar and others"),
        max_length=300,
        blank=True,
        help_text=_("Babinsa, Kuwu or village staff who came along, e.g. Serda Hadi (Babinsa)."),
    )
    residents_met = models.PositiveIntegerField(_("residents met"), default=0, validators=[MaxValueValidator(100_000)])
    topics = models.ManyToManyField(
        ImbauanTopic, related_name="patrols", blank=True, verbose_name=_("imbauan kamtibmas delivered")
    )
    situation = models.CharField(_("situation"), max_length=10, choices=Situation.choices, default=Situation.SAFE)
    summary = models.TextField(_("activity"), max_length=4000, help_text=_("What the team did and who they met."))
    findings = models.TextField(_("findings"), max_length=4000, blank=True)
    actions = models.TextField(_("actions taken"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="logged_patrols", verbose_name=_("logged by")
    )
    created_at = models.DateTimeField(_("logged at"), default=timezone.now, editable=False)
    # Catat Patroli's idempotency key (core/idempotency.py): a patrol sent
    # twice (a lost answer, an offline outbox retrying) is stored once per officer.
    idempotency_key = models.UUIDField(_("idempotency key"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Scoped to the unit subtree of the request (units.scoping).
    objects = UnitScopedManager.from_queryset(PatrolQuerySet)()

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-pk"]
        permissions = [
            ("log_patrol", _("Can log patrols")),
            ("view_all_patrols", _("Can see every patrol of the unit")),
            ("change_any_patrol", _("Can edit any patrol at any time")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ended_at__gt=models.F("started_at")), name="patrol_ends_after_start"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="patrol_lat_lon_together",
            ),
            models.UniqueConstraint(fields=["created_by", "idempotency_key"], name="patrol_key_once_per_officer"),
        ]
        # The list filters on these and always sorts newest first.
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="patrol_started"),
            models.Index(fields=["village", "-started_at"], name="patrol_village_started"),
            models.Index(fields=["leader", "-started_at"], name="patrol_leader_started"),
            models.Index(fields=["patrol_type", "-started_at"], name="patrol_type_started"),
            models.Index(fields=["situation", "-started_at"], name="patrol_situation_started"),
            models.Index(fields=["unit", "-started_at"], name="patrol_unit_started"),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.started_at).strftime("%d-%m-%Y %H:%M") if self.started_at else "?"
        return f"{self.get_patrol_type_display()} – {self.village_id and self.village} – {when}"

    def get_absolute_url(self) -> str:
        return reverse("patrols:patrol_detail", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember when a loaded patrol started: an edit that moves it recounts both days' tallies."""
        instance = super().from_db(db, field_names, values)
        if "started_at" in instance.__dict__:
            instance._loaded_started_at = instance.started_at
        return instance

    def clean(self) -> None:
        super().clean()
        errors: dict[str, ValidationError] = {}
        latest = timezone.now() + FUTURE_TOLERANCE
        if self.started_at and self.started_at > latest:
            errors["started_at"] = ValidationError(_("The start cannot be in the future."), code="future")
        if self.ended_at and self.ended_at > latest:
            errors["ended_at"] = ValidationError(
                _("The end cannot be in the future. Log the patrol when it is over."), code="future"
            )
        if self.started_at and self.ended_at and "ended_at" not in errors:
            if self.ended_at <= self.started_at:
                errors["ended_at"] = ValidationError(_("The end must be after the start."), code="end_before_start")
            elif self.ended_at - self.started_at > MAX_DURATION:
                errors["ended_at"] = ValidationError(
                    _("A patrol report covers at most 24 hours; log longer duties day by day."), code="too_long"
                )
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = ValidationError(
                _("Give both latitude and longitude, or neither."), code="half_location"
            )
        if errors:
            raise ValidationError(errors)

    @property
    def duration(self) -> datetime.timedelta:
        return self.ended_at - self.started_at

    @property
    def edit_deadline(self) -> datetime.datetime:
        """Until when the leader or author may still correct the report."""
        return self.created_at + EDIT_WINDOW

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def has_incident(self) -> bool:
        return self.situation == Situation.INCIDENT

    @property
    def ends_same_day(self) -> bool:
        """False for night patrols that run past midnight (WIB), so the page can say so."""
        return timezone.localtime(self.started_at).date() == timezone.localtime(self.ended_at).date()


class PatrolPhoto(StoredPhoto):
    """Documentation photo of a patrol; served only by the permission-checked view."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="photos", verbose_name=_("patrol"))
    caption = models.CharField(_("caption"), max_length=200, blank=True)

    scoped_by = "patrol__unit"
    objects = UnitScopedManager()

    class Meta:
        verbose_name = _("patrol photo")
        verbose_name_plural = _("patrol photos")
        ordering = ["patrol", "pk"]

    def __str__(self) -> str:
        return self.caption or f"{_('Photo')} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("patrols:photo", kwargs={"pk": self.pk})

    def get_thumbnail_url(self) -> str:
        return reverse("patrols:photo_thumbnail", kwargs={"pk": self.pk})

    def download_name(self, *, thumbnail: bool = False) -> str:
        suffix = "-kecil" if thumbnail else ""
        return f"patroli-{self.patrol_id}-foto-{self.pk}{suffix}.jpg"


class PatrolEdit(models.Model):
    """Who changed a patrol report, when, and which fields: the report's audit trail."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="edits", verbose_name=_("patrol"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("edited by")
    )
    edited_at = models.DateTimeField(_("edited at"), default=timezone.now)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("patrol edit")
        verbose_name_plural = _("patrol edits")
        ordering = ["-edited_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.editor} – {self.edited_at:%Y-%m-%d %H:%M}"

    @property
    def changed_labels(self) -> list[str]:
        """The changed fields' verbose names, for the report's history."""
        labels = []
        for name in self.changed_fields:
            if name == "photos":
                labels.append(str(_("photos")))
                continue
            try:
                field = Patrol._meta.get_field(name)
                labels.append(str(getattr(field, "verbose_name", name)))
            except FieldDoesNotExist:  # a field renamed since the edit was recorded
                labels.append(name)
        return labels
