"""Photos on aspirations."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .aspirations import Aspiration


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
