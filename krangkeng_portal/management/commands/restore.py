from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from krangkeng_portal.backup import BackupError, backup_restore
from units.scoping import deployment_wide


class Command(BaseCommand):
    help = (
        "Restore a folder written by `backup` into the configured database and media storage, after checking "
        "its signature (KRK_BACKUP_KEY) and its manifest. The database must have no rows and the media "
        "storage no files, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="The backup folder.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that has rows and overwrite files in the media storage.",
        )

    # A command works for the whole deployment (units.scoping).
    @deployment_wide()
    def handle(self, *args, source: Path, force: bool, **options):
        connections.close_all()
        try:
            result = backup_restore(
                source=source,
                database=settings.DATABASES["default"],
                media=default_storage,
                key=settings.KRK_BACKUP_KEY,
                force=force,
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {result.tables} tables ({result.rows} rows) and {result.media_files} media files."
            )
        )
