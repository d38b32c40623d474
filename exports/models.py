"""An export made in the background: who asked, for what, how far it got, and its file."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from units.scoping import ScopedValidation, UnitScopedManager


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel"
    CSV = "csv", "CSV"


class ExportJobQuerySet(models.QuerySet):
    def owned_by(self, user) -> ExportJobQuerySet:
        """Only the user who asked ever sees a job or its file."""
        return self.filter(owner=user)


class ExportJob(ScopedValidation, models.Model):
    """One background export. The id is random: it names the job in URLs and its file on disk.

    `source` names what is exported (exports.sources.SOURCES) and `query` the list's
    filters; the job rebuilds the scoped, filtered rows from them as the owner, so it
    exports exactly what the owner may see.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("asked by")
    )
    # The requester's unit when they asked (export_job_start): the unit's list of exports.
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    source = models.CharField(_("export"), max_length=40)
    query = models.TextField(_("filters"), blank=True)
    file_format = models.CharField(_("format"), max_length=4, choices=ExportFormat.choices)
    state = models.CharField(_("state"), max_length=8, choices=ExportState.choices, default=ExportState.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    filename = models.CharField(_("file name"), max_length=100, blank=True)
    error_type = models.CharField(_("error"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)
    heartbeat_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = UnitScopedManager.from_queryset(ExportJobQuerySet)()

    class Meta:
        verbose_name = _("background export")
        verbose_name_plural = _("background exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} {self.file_format} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse("exports:job", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.state == ExportState.READY:
            return 100
        # Rows added while the job runs may take it past the count it started with.
        return min(99, 100 * self.rows_done // max(self.rows_total, 1))

    @property
    def download_name(self) -> str:
        return f"{self.filename}.{self.file_format}"
