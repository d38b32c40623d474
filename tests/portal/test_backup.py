"""Backup and restore round trip on the engine the suite runs on (SQLite, or PostgreSQL via DATABASE_URL)."""

import copy
import hashlib
import hmac
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from audit.models import AuditAction
from audit.services import audit_record
from krangkeng_portal.backup import (
    MANIFEST,
    SIGNATURE,
    BackupError,
    backup_create,
    backup_restore,
    backup_verify,
    sha256_of,
    storage_files,
    table_row_counts,
)
from tests.factories import OfficerFactory
from tests.s3 import Bucket

# pg_dump is another process: it sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

KEY = "kunci-cadangan-" + "x" * 40


@pytest.fixture(autouse=True)
def _backup_key(settings):
    """What the commands read; the functions are given KEY."""
    settings.KRK_BACKUP_KEY = KEY


@pytest.fixture
def empty_database(tmp_path):
    """A new, empty database of the engine under test; PostgreSQL ones are dropped afterwards."""
    target = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "sqlite":
        target["NAME"] = str(tmp_path / "restored.sqlite3")
        yield target
        return
    name = f"krk_restore_{uuid.uuid4().hex[:12]}"
    target["NAME"] = name
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield target
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def folder(path: Path) -> FileSystemStorage:
    """A media folder as the portal's storage writes it (FILE_UPLOAD_PERMISSIONS)."""
    return FileSystemStorage(location=path)


@pytest.fixture
def data(settings, commander):
    """Rows in several tables and two media files (one in a sub-folder) under MEDIA_ROOT."""
    for number in range(3):
        officer = OfficerFactory(username=f"backup.officer{number}")
        audit_record(action=AuditAction.PATROL_CHANGED, actor=officer, summary=f"row {number}")
    media = folder(Path(settings.MEDIA_ROOT))
    media.save("patrols/2024/foto.jpg", ContentFile(b"\xff\xd8" + bytes(range(256)) * 40))
    media.save("catatan.txt", ContentFile(b"Situasi aman dan kondusif"))
    return media


def media_checksums(storage) -> dict[str, str]:
    return {name: hashlib.sha256(storage.open(name, "rb").read()).hexdigest() for name in storage_files(storage)}


class TestRoundTrip:
    def test_restore_gives_the_same_rows_and_files(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        restored_media = folder(tmp_path / "restored-media")

        result = backup_restore(source=backup.path, database=empty_database, media=restored_media, key=KEY)

        source_counts = table_row_counts(connection.settings_dict)
        assert table_row_counts(empty_database) == source_counts
        assert source_counts["audit_auditentry"] >= 3  # the fixture's entries (and its accounts')
        assert result.rows == sum(source_counts.values())
        assert media_checksums(restored_media) == media_checksums(data)
        assert result.media_files == 2
        assert (tmp_path / "restored-media" / "catatan.txt").stat().st_mode & 0o777 == 0o640

    def test_the_bucket_round_trips_through_the_same_backup(self, data, s3_server, empty_database, tmp_path):
        """With KRK_S3_BUCKET the media are objects: backed up from the bucket, restored into an empty one."""
        source, target = Bucket.create(s3_server), Bucket.create(s3_server)
        with override_settings(STORAGES={"default": source.storage_settings()}):
            for name in storage_files(data):
                default_storage.save(name, data.open(name, "rb"))
            backup = backup_create(destination=tmp_path / "backup", media=default_storage, key=KEY)
        assert (backup.path / "media" / "patrols" / "2024" / "foto.jpg").is_file()
        with override_settings(STORAGES={"default": target.storage_settings()}):
            result = backup_restore(source=backup.path, database=empty_database, media=default_storage, key=KEY)
            assert media_checksums(default_storage) == media_checksums(data)
        assert result.media_files == 2 and target.object_keys() == ["catatan.txt", "patrols/2024/foto.jpg"]
        assert all(target.public_grants(key) == [] for key in target.object_keys())

    def test_a_bucket_with_objects_is_refused(self, data, s3_media, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        default_storage.save("patrols/lain.jpg", ContentFile(b"\xff\xd8"))
        with pytest.raises(BackupError, match=f"media storage \\(bucket {s3_media.name}\\) is not empty"):
            backup_restore(source=backup.path, database=empty_database, media=default_storage, key=KEY)
        assert s3_media.object_keys() == ["patrols/lain.jpg"]

    def test_backup_is_private_and_its_manifest_lists_every_file(self, data, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        assert backup.path.stat().st_mode & 0o777 == 0o700
        files = {p.relative_to(backup.path).as_posix() for p in backup.path.rglob("*") if p.is_file()}
        listed = {line.split("  ", 1)[1] for line in (backup.path / MANIFEST).read_text().splitlines()}
        assert listed == files - {MANIFEST, SIGNATURE}
        assert {"backup.json", "media/catatan.txt", "media/patrols/2024/foto.jpg"} <= listed
        assert all((backup.path / name).stat().st_mode & 0o777 == 0o600 for name in files)
        assert backup_verify(backup.path, key=KEY)["engine"] == (
            "sqlite" if connection.vendor == "sqlite" else "postgresql"
        )


class TestRestoreRefuses:
    def test_a_changed_file(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        with (backup.path / "media" / "catatan.txt").open("a") as handle:
            handle.write("!")
        with pytest.raises(BackupError, match="Checksums do not match"):
            backup_restore(source=backup.path, database=empty_database, media=folder(tmp_path / "m"), key=KEY)

    def test_a_missing_file(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        (backup.path / "media" / "catatan.txt").unlink()
        with pytest.raises(BackupError, match="missing"):
            backup_restore(source=backup.path, database=empty_database, media=folder(tmp_path / "m"), key=KEY)

    def test_an_unlisted_file(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        (backup.path / "media" / "extra.php").write_text("<?php")
        with pytest.raises(BackupError, match="not in the manifest"):
            backup_restore(source=backup.path, database=empty_database, media=folder(tmp_path / "m"), key=KEY)

    def test_a_database_with_rows(self, data, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        with pytest.raises(BackupError, match="not empty"):
            backup_restore(source=backup.path, database=connection.settings_dict, media=folder(tmp_path / "m"), key=KEY)

    def test_a_media_folder_with_files(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        with pytest.raises(BackupError, match=r"media storage .* is not empty"):
            backup_restore(source=backup.path, database=empty_database, media=data, key=KEY)


def rewrite_manifest_line(backup: Path, relative: str) -> None:
    """What someone who changed a file without the key can do: fix its checksum in the manifest."""
    manifest = backup / MANIFEST
    lines = manifest.read_text().splitlines()
    fixed = [
        f"{sha256_of(backup / relative)}  {relative}" if line.endswith(f"  {relative}") else line for line in lines
    ]
    manifest.write_text("\n".join(fixed) + "\n")


class TestSignature:
    def test_the_manifest_is_signed_with_the_key(self, data, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        expected = hmac.new(KEY.encode(), (backup.path / MANIFEST).read_bytes(), hashlib.sha256).hexdigest()
        assert (backup.path / SIGNATURE).read_text() == expected + "\n"
        assert (backup.path / SIGNATURE).stat().st_mode & 0o777 == 0o600

    def test_a_media_file_changed_with_its_manifest_line_is_refused(self, data, empty_database, tmp_path):
        """Issue 12: a photo swapped and its checksum fixed in the manifest restored silently."""
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        (backup.path / "media" / "catatan.txt").write_text("Situasi diubah orang lain", encoding="utf-8")
        rewrite_manifest_line(backup.path, "media/catatan.txt")
        with pytest.raises(BackupError, match=r"signature .* does not match"):
            backup_restore(source=backup.path, database=empty_database, media=folder(tmp_path / "m"), key=KEY)
        assert not (tmp_path / "m").exists()
        assert table_row_counts(empty_database) == {}

    def test_another_key_is_refused(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        with pytest.raises(BackupError, match="not the key it was made with"):
            backup_restore(source=backup.path, database=empty_database, media=folder(tmp_path / "m"), key=KEY + "2")

    def test_an_unsigned_backup_is_refused(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media=data, key=KEY)
        (backup.path / SIGNATURE).unlink()
        with pytest.raises(BackupError, match="unsigned"):
            backup_restore(source=backup.path, database=empty_database, media=folder(tmp_path / "m"), key=KEY)

    def test_no_backup_and_no_restore_without_a_key(self, data, tmp_path):
        with pytest.raises(BackupError, match="KRK_BACKUP_KEY is not set"):
            backup_create(destination=tmp_path / "backup", media=data, key="")
        assert not (tmp_path / "backup").exists()
        backup = backup_create(destination=tmp_path / "signed", media=data, key=KEY)
        with pytest.raises(BackupError, match="KRK_BACKUP_KEY is not set"):
            backup_verify(backup.path, key="")


class TestCommands:
    def test_backup_then_restore_refuses_the_live_database(self, data, tmp_path, capsys):
        call_command("backup", output=tmp_path / "nightly")
        assert "Backup written to" in capsys.readouterr().out
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(tmp_path / "nightly"))

    def test_restore_refuses_a_backup_made_with_another_key(self, data, tmp_path, settings):
        call_command("backup", output=tmp_path / "nightly")
        settings.KRK_BACKUP_KEY = "kunci-lain-" + "y" * 40
        with pytest.raises(CommandError, match="does not match"):
            call_command("restore", str(tmp_path / "nightly"))

    def test_backup_refuses_an_existing_folder(self, data, tmp_path):
        (tmp_path / "exists").mkdir()
        with pytest.raises(CommandError, match="already exists"):
            call_command("backup", output=tmp_path / "exists")
