"""Photos on aspirations."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import StoredPhoto
from units.scoping import UnitScopedManager

from .aspirations import Aspiration


class Attachment(StoredPhoto):
    """A photo on an aspiration; staff views check permission and stream it, the
    public status page never shows it."""

    aspiration = models.ForeignKey(
        Aspiration, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("aspiration")
    )
    # Always JPEG: the pipeline re-encodes every upload.
    content_type = models.CharField(_("content type"), max_length=40, default="image/jpeg")

    scoped_by = "aspiration__unit"
    objects = UnitScopedManager()

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
