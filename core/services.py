"""Writes every app shares: storing re-encoded photos."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar, cast

from .images import ProcessedPhoto
from .models import StoredPhoto

Photo = TypeVar("Photo", bound=StoredPhoto)


def store_photos(model: type[Photo], photos: Sequence[ProcessedPhoto], **fields: Any) -> list[Photo]:
    """Write each photo's files and its `model` row (`fields`: its owner, and any other column).

    On any failure the files written so far are deleted and the error re-raised. Rows
    roll back with the caller's transaction, but files do not (Django has no
    on-rollback hook): call this last in a service, after everything that can fail.
    """
    stored: list[Photo] = []
    try:
        for photo in photos:
            row = model(width=photo.width, height=photo.height, **fields)
            stored.append(row)
            # process_photo() names both files.
            row.image.save(cast(str, photo.image.name), photo.image, save=False)
            row.thumbnail.save(cast(str, photo.thumbnail.name), photo.thumbnail, save=False)
            row.full_clean()
            row.save()
    except BaseException:
        for row in stored:
            row.delete_files()
        raise
    return stored
