"""Delete background photo uploads that expired unused (run from cron, e.g. hourly)."""

from typing import Any

from django.core.management.base import BaseCommand

from core.uploads import purge_pending_uploads


class Command(BaseCommand):
    help = "Delete pending photo uploads that expired without being used, with their files."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_pending_uploads()
        self.stdout.write(f"Deleted {deleted} expired pending upload(s).")
