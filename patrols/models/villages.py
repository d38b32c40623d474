"""Villages (desa), by kecamatan and Polsek, and the officers assigned to them (Bhabinkamtibmas)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower, Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import latitude_field, longitude_field
from units.scoping import ScopedValidation, UnitScopedManager


class RiskLevel(models.TextChoices):
    AMAN = "aman", _("Safe (aman)")
    RAWAN = "rawan", _("Vulnerable (rawan)")
    SANGAT_RAWAN = "sangat_rawan", _("Highly vulnerable (sangat rawan)")


# How often a village must be visited, by risk level, unless the village says otherwise.
DEFAULT_VISIT_TARGET_DAYS = {RiskLevel.AMAN: 14, RiskLevel.RAWAN: 7, RiskLevel.SANGAT_RAWAN: 3}


class VillageQuerySet(models.QuerySet):
    def search(self, text: str) -> VillageQuerySet:
        """Match names ignoring case and spaces, so "Dukuh Jati" finds Dukuhjati."""
        squashed = "".join(text.split()).lower()
        if not squashed:
            return self
        return self.annotate(_squashed=Replace(Lower("name"), models.Value(" "), models.Value(""))).filter(
            _squashed__contains=squashed
        )

    def with_current_officers(self, on: datetime.date | None = None) -> VillageQuerySet:
        """Prefetch the assignments in force on a day into `village.current_assignments` (one query)."""
        current = Assignment.objects.in_force(on).select_related("officer").order_by("start_date")
        return self.prefetch_related(Prefetch("assignments", queryset=current, to_attr="current_assignments"))


class Village(ScopedValidation, models.Model):
    code = models.CharField(
        _("Kemendagri code"),
        max_length=13,
        unique=True,
        validators=[RegexValidator(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$", _("Use the form 32.12.09.2001."))],
    )
    name = models.CharField(_("name"), max_length=80)
    kecamatan = models.ForeignKey(
        "units.Kecamatan", on_delete=models.PROTECT, related_name="villages", verbose_name=_("kecamatan")
    )
    # The Polsek of the kecamatan, copied here (Village.clean, patrols.territory) so that a
    # unit's villages are one indexed column, not a join through the kecamatan.
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="villages",
        verbose_name=_("Polsek"),
        help_text=_("The Polsek of the kecamatan; empty until one covers it."),
    )
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    latitude = latitude_field(max_digits=8, decimal_places=5)
    longitude = longitude_field(max_digits=8, decimal_places=5)
    risk_level = models.CharField(_("risk level"), max_length=12, choices=RiskLevel.choices, default=RiskLevel.AMAN)
    visit_target_days = models.PositiveSmallIntegerField(
        _("visit target (days)"),
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Maximum days between patrols. Leave empty to use the default for the risk level (14 / 7 / 3)."),
    )

    # Staff see their subtree's villages; public pages read them deployment-wide (units.scoping).
    objects = UnitScopedManager.from_queryset(VillageQuerySet)()

    class Meta:
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(visit_target_days__gte=1), name="village_visit_target_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.visit_target_days is None:
            self.visit_target_days = DEFAULT_VISIT_TARGET_DAYS[RiskLevel(self.risk_level)]
        if self.kecamatan_id is not None:
            self.unit_id = self.kecamatan.unit_id


class AssignmentQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None) -> AssignmentQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class Assignment(ScopedValidation, models.Model):
    """An officer's posting as Bhabinkamtibmas of a village, for a span of dates.

    An open assignment (no end date) is the village's current Bhabinkamtibmas; there is
    at most one per village. One officer may hold several villages at once.
    """

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("officer")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("village")
    )
    start_date = models.DateField(_("start date"), default=datetime.date.today)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    scoped_by = "village__unit"
    objects = UnitScopedManager.from_queryset(AssignmentQuerySet)()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["village__name", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
            ),
            models.UniqueConstraint(
                fields=["village"], condition=Q(end_date__isnull=True), name="assignment_one_open_per_village"
            ),
        ]
        indexes = [models.Index(fields=["officer", "end_date"], name="assignment_officer_end")]

    def __str__(self) -> str:
        return f"{self.officer} – {self.village}"

    def clean(self) -> None:
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if self.village_id and self.start_date:
            overlapping = Assignment.objects.filter(village_id=self.village_id).exclude(pk=self.pk)
            overlapping = overlapping.filter(Q(end_date__isnull=True) | Q(end_date__gte=self.start_date))
            if self.end_date:
                overlapping = overlapping.filter(start_date__lte=self.end_date)
            if overlapping.exists():
                raise ValidationError(
                    _("This village already has a Bhabinkamtibmas for these dates. End that assignment first.")
                )
