from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from krangkeng_portal.backup import BackupError, backup_create
from units.scoping import deployment_wide


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or a consistent SQLite copy) and the media storage "
        "into a new folder with a SHA-256 manifest, signed with KRK_BACKUP_KEY."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Folder to create (default: KRK_BACKUP_DIR/krangkeng-<date>-<time>).",
        )

    # A command works for the whole deployment (units.scoping).
    @deployment_wide()
    def handle(self, *args, output: Path | None, **options):
        if output is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.KRK_BACKUP_DIR) / f"krangkeng-{stamp}"
        try:
            result = backup_create(destination=output, media=default_storage, key=settings.KRK_BACKUP_KEY)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {result.path} ({result.files} files, {result.bytes} bytes).")
        )
