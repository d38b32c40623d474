"""StoredPhoto: the columns and files every stored photo has, whoever it belongs to."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def stored_photo_path(instance: StoredPhoto, filename: str) -> str:
    """`<app>/<first two characters>/<filename>`: the name is already random (core.images),
    and fanning out by its start keeps any one folder small."""
    return f"{instance._meta.app_label}/{filename[:2]}/{filename}"


class StoredPhoto(models.Model):
    """A photo re-encoded by `core.images` (a JPEG and its thumbnail, no metadata).

    Subclasses add the record the photo belongs to. The files live in the media
    storage (MEDIA_ROOT or the private bucket), which no URL serves: views check
    permission and stream them with
    `core.images.photo_response`. Rows are written by `core.services.store_photos`.
    """

    image = models.FileField(_("photo"), upload_to=stored_photo_path, max_length=200)
    thumbnail = models.FileField(_("thumbnail"), upload_to=stored_photo_path, max_length=200)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("added at"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def delete_files(self) -> None:
        """Remove the files from storage (the row stays: its caller deletes or rolls it back)."""
        for stored in (self.image, self.thumbnail):
            if stored:
                stored.delete(save=False)


class PendingUpload(StoredPhoto):
    """A photo uploaded in the background while its form is still being filled in.

    Re-encoded like any stored photo, owned by whoever uploaded it (`owner`, see
    `core.uploads.upload_owner`) and used only when that owner's form is sent
    before `expires_at`; `purge_pending_uploads` deletes what was never used.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.CharField(_("owner"), max_length=80, db_index=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("pending upload")
        verbose_name_plural = _("pending uploads")

    def __str__(self) -> str:
        return str(self.id)
