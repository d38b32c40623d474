"""Hand on the work of job workers that died; delete expired exports and old webhook digests.

Run it every few minutes from cron (or a systemd timer) and before a worker starts
(ExecStartPre in the worker's unit). Safe to run at any time, by several servers at once.
"""

from django.core.management.base import BaseCommand

from aspirations.delivery import notifications_recover
from exports.services import exports_recover
from units.scoping import deployment_wide


class Command(BaseCommand):
    help = "Queue again the notifications and exports of dead workers; delete expired exports."

    # A command works for the whole deployment (units.scoping).
    @deployment_wide()
    def handle(self, *args, **options) -> None:
        counts = {**notifications_recover(), **exports_recover()}
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
