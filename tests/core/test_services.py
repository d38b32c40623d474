"""core.services.store_photos: files and rows of re-encoded photos, for any StoredPhoto model."""

import dataclasses
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from aspirations.models import Attachment
from core.images import process_photo
from core.services import store_photos
from patrols.models import PatrolPhoto
from tests.factories import AspirationFactory, PatrolFactory
from tests.photos import jpeg_bytes, upload

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def photos(count: int) -> list:
    return [process_photo(upload(jpeg_bytes())) for _ in range(count)]


class TestStorePhotos:
    def test_writes_each_photo_its_thumbnail_and_its_row(self, bhabin):
        patrol = PatrolFactory(leader=bhabin)
        rows = store_photos(PatrolPhoto, photos(2), patrol=patrol, caption="Balai Desa")
        assert list(patrol.photos.all()) == rows
        assert [(row.width, row.height, row.caption) for row in rows] == [(640, 480, "Balai Desa")] * 2
        assert len(stored_files()) == 4

    @pytest.mark.parametrize(
        ("model", "owner", "folder"),
        [(PatrolPhoto, "patrol", "patrols"), (Attachment, "aspiration", "aspirations")],
    )
    def test_each_app_keeps_its_files_in_its_own_folder_fanned_out_by_name(self, bhabin, model, owner, folder):
        record = PatrolFactory(leader=bhabin) if owner == "patrol" else AspirationFactory()
        [row] = store_photos(model, photos(1), **{owner: record})
        assert re.fullmatch(rf"{folder}/([0-9a-f]{{2}})/\1[0-9a-f]{{30}}\.jpg", row.image.name)
        assert re.fullmatch(rf"{folder}/([0-9a-f]{{2}})/\1[0-9a-f]{{30}}_t\.jpg", row.thumbnail.name)

    def test_a_photo_that_fails_validation_takes_the_files_of_the_others_with_it(self, bhabin):
        good, bad = photos(2)
        patrol = PatrolFactory(leader=bhabin)
        # As in a service: the rows roll back with the caller's transaction, the files are deleted.
        with pytest.raises(ValidationError), transaction.atomic():
            store_photos(PatrolPhoto, [good, dataclasses.replace(bad, width=-1)], patrol=patrol)
        assert not PatrolPhoto.objects.exists()
        assert stored_files() == []

    def test_bad_fields_from_the_caller_store_nothing(self, bhabin):
        with pytest.raises(ValidationError):
            store_photos(PatrolPhoto, photos(1), patrol=PatrolFactory(leader=bhabin), caption="x" * 201)
        assert stored_files() == []
