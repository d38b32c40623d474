"""Backup and restore round trip on the engine the suite runs on (SQLite, or PostgreSQL via DATABASE_URL)."""

import copy
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from audit.models import AuditAction
from audit.services import audit_record
from krangkeng_portal.backup import (
    MANIFEST,
    BackupError,
    backup_create,
    backup_restore,
    backup_verify,
    sha256_of,
    table_row_counts,
)
from tests.factories import OfficerFactory

# pg_dump is another process: it sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


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


@pytest.fixture
def data(settings, commander):
    """Rows in several tables and two media files (one in a sub-folder)."""
    for number in range(3):
        officer = OfficerFactory(username=f"backup.officer{number}")
        audit_record(action=AuditAction.PATROL_CHANGED, actor=officer, summary=f"row {number}")
    media = Path(settings.MEDIA_ROOT)
    (media / "patrols" / "2024").mkdir(parents=True)
    (media / "patrols" / "2024" / "foto.jpg").write_bytes(b"\xff\xd8" + bytes(range(256)) * 40)
    (media / "catatan.txt").write_text("Situasi aman dan kondusif", encoding="utf-8")
    return media


def media_checksums(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): sha256_of(path) for path in root.rglob("*") if path.is_file()}


class TestRoundTrip:
    def test_restore_gives_the_same_rows_and_files(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media_root=data)
        restored_media = tmp_path / "restored-media"

        result = backup_restore(source=backup.path, database=empty_database, media_root=restored_media)

        source_counts = table_row_counts(connection.settings_dict)
        assert table_row_counts(empty_database) == source_counts
        assert source_counts["audit_auditentry"] == 3
        assert result.rows == sum(source_counts.values())
        assert media_checksums(restored_media) == media_checksums(data)
        assert result.media_files == 2
        assert (restored_media / "catatan.txt").stat().st_mode & 0o777 == 0o640

    def test_backup_is_private_and_its_manifest_lists_every_file(self, data, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media_root=data)
        assert backup.path.stat().st_mode & 0o777 == 0o700
        files = {p.relative_to(backup.path).as_posix() for p in backup.path.rglob("*") if p.is_file()}
        listed = {line.split("  ", 1)[1] for line in (backup.path / MANIFEST).read_text().splitlines()}
        assert listed == files - {MANIFEST}
        assert {"backup.json", "media/catatan.txt", "media/patrols/2024/foto.jpg"} <= listed
        assert all((backup.path / name).stat().st_mode & 0o777 == 0o600 for name in files)
        assert backup_verify(backup.path)["engine"] == ("sqlite" if connection.vendor == "sqlite" else "postgresql")


class TestRestoreRefuses:
    def test_a_changed_file(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media_root=data)
        with (backup.path / "media" / "catatan.txt").open("a") as handle:
            handle.write("!")
        with pytest.raises(BackupError, match="Checksums do not match"):
            backup_restore(source=backup.path, database=empty_database, media_root=tmp_path / "m")

    def test_a_missing_file(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media_root=data)
        (backup.path / "media" / "catatan.txt").unlink()
        with pytest.raises(BackupError, match="missing"):
            backup_restore(source=backup.path, database=empty_database, media_root=tmp_path / "m")

    def test_an_unlisted_file(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media_root=data)
        (backup.path / "media" / "extra.php").write_text("<?php")
        with pytest.raises(BackupError, match="not in the manifest"):
            backup_restore(source=backup.path, database=empty_database, media_root=tmp_path / "m")

    def test_a_database_with_rows(self, data, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media_root=data)
        with pytest.raises(BackupError, match="not empty"):
            backup_restore(source=backup.path, database=connection.settings_dict, media_root=tmp_path / "m")

    def test_a_media_folder_with_files(self, data, empty_database, tmp_path):
        backup = backup_create(destination=tmp_path / "backup", media_root=data)
        with pytest.raises(BackupError, match="media folder"):
            backup_restore(source=backup.path, database=empty_database, media_root=data)


class TestCommands:
    def test_backup_then_restore_refuses_the_live_database(self, data, tmp_path, capsys):
        call_command("backup", output=tmp_path / "nightly")
        assert "Backup written to" in capsys.readouterr().out
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(tmp_path / "nightly"))

    def test_backup_refuses_an_existing_folder(self, data, tmp_path):
        (tmp_path / "exists").mkdir()
        with pytest.raises(CommandError, match="already exists"):
            call_command("backup", output=tmp_path / "exists")
