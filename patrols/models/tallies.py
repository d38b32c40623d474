"""Daily tallies of the patrols: what the dashboard, the recap and the home page sum.

A dashboard over 30 days reads at most 30 × villages × types rows here instead of
every patrol of the period (80,000 at a million patrols a year). The rows are a
cache of the patrols, never edited by hand: `patrols.tallies` recomputes a day's
rows whenever a patrol of that day changes (signals in `patrols.signals`), and
`manage.py rebuild_patrol_tallies` recomputes them all after bulk loads.

Days are WIB days (the current time zone), like the dashboard's periods. Every row
carries the unit of the patrols it counts (`Patrol.unit`), with an index on (unit, day):
a Polres figure is one indexed sum over the units of its subtree.

At national density (one patrol a day per village) the village tally holds about one
row per patrol, so a figure above a Polsek reads `UnitPatrolTally` instead: the same
counts without the village, at most one row per unit, day and type whatever the
number of patrols (bench/FINDINGS.md, issue 14).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.scoping import ScopedValidation, UnitScopedManager

from .patrols import ImbauanTopic, PatrolType
from .villages import Village


class PatrolTally(ScopedValidation, models.Model):
    """Patrols of one unit on one day in one village of one type: how many, residents met, incidents."""

    day = models.DateField(_("day"))
    # Indexed by (unit, day) below.
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"), db_index=False
    )
    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="+", verbose_name=_("village"))
    patrol_type = models.CharField(_("type"), max_length=20, choices=PatrolType.choices)
    patrols = models.PositiveIntegerField(_("patrols"))
    residents = models.PositiveIntegerField(_("residents met"))
    incidents = models.PositiveIntegerField(_("patrols with an incident"))

    objects = UnitScopedManager()

    class Meta:
        verbose_name = _("patrol tally")
        verbose_name_plural = _("patrol tallies")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit", "village", "patrol_type"], name="patroltally_day_unit_village_type"
            )
        ]
        indexes = [models.Index(fields=["unit", "day"], name="patroltally_unit_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.village_id} {self.patrol_type}: {self.patrols}"


class UnitPatrolTally(ScopedValidation, models.Model):
    """Patrols of one unit on one day of one type: `PatrolTally` summed over the villages.

    Recounted from the village tally in the same transaction (`patrols.tallies`), so the
    two never disagree; read by the figures of a unit with units below it."""

    day = models.DateField(_("day"))
    # Indexed by (unit, day) below.
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"), db_index=False
    )
    patrol_type = models.CharField(_("type"), max_length=20, choices=PatrolType.choices)
    patrols = models.PositiveIntegerField(_("patrols"))
    residents = models.PositiveIntegerField(_("residents met"))
    incidents = models.PositiveIntegerField(_("patrols with an incident"))

    objects = UnitScopedManager()

    class Meta:
        verbose_name = _("unit patrol tally")
        verbose_name_plural = _("unit patrol tallies")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["day", "unit", "patrol_type"], name="unitpatroltally_day_unit_type")
        ]
        indexes = [models.Index(fields=["unit", "day"], name="unitpatroltally_unit_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.patrol_type}: {self.patrols}"


class OfficerPatrolTally(ScopedValidation, models.Model):
    """Patrols of one unit that one officer led and joined on one day."""

    day = models.DateField(_("day"))
    # Indexed by (unit, day) below.
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"), db_index=False
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("officer")
    )
    led = models.PositiveIntegerField(_("patrols led"))
    joined = models.PositiveIntegerField(_("patrols joined"))

    objects = UnitScopedManager()

    class Meta:
        verbose_name = _("officer patrol tally")
        verbose_name_plural = _("officer patrol tallies")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["day", "unit", "officer"], name="officerpatroltally_day_unit_officer")
        ]
        indexes = [models.Index(fields=["unit", "day"], name="officerpatroltally_unit_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.officer_id}: {self.led} led, {self.joined} joined"


class TopicPatrolTally(ScopedValidation, models.Model):
    """Patrols of one unit that delivered one imbauan topic on one day."""

    day = models.DateField(_("day"))
    # Indexed by (unit, day) below.
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"), db_index=False
    )
    topic = models.ForeignKey(ImbauanTopic, on_delete=models.CASCADE, related_name="+", verbose_name=_("topic"))
    patrols = models.PositiveIntegerField(_("patrols"))

    objects = UnitScopedManager()

    class Meta:
        verbose_name = _("topic patrol tally")
        verbose_name_plural = _("topic patrol tallies")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["day", "unit", "topic"], name="topicpatroltally_day_unit_topic")]
        indexes = [models.Index(fields=["unit", "day"], name="topicpatroltally_unit_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.topic_id}: {self.patrols}"
