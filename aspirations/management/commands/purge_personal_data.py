from django.core.management.base import BaseCommand

from aspirations.retention import retention_run
from units.scoping import deployment_wide


class Command(BaseCommand):
    help = (
        "Retention (UU 27/2022), run daily: anonymise the reporter of aspirations closed more than "
        "KRK_RETENTION_DAYS ago and delete aspirations rejected as spam more than KRK_SPAM_RETENTION_DAYS ago. "
        "Idempotent; each run is recorded in the audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be done; change nothing.")

    # A command works for the whole deployment (units.scoping).
    @deployment_wide()
    def handle(self, *args, dry_run: bool, **options):
        for line in retention_run(dry_run=dry_run).lines():
            self.stdout.write(line)
