from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from patrols import tallies
from units.scoping import deployment_wide


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Recount the daily patrol tallies the dashboard reads, from the patrols themselves. Needed after "
        "bulk changes that send no signals (QuerySet.update, bulk_create, SQL); harmless at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Only compare; exit with an error if any tally is out of date."
        )

    # A command works for the whole deployment (units.scoping).
    @deployment_wide()
    def handle(self, *args, check: bool, **options):
        before = tallies.snapshot()
        try:
            with transaction.atomic():
                tallies.rebuild()
                after = tallies.snapshot()
                if check:
                    raise _Rollback
        except _Rollback:
            pass
        stale = {kind: len(before[kind] ^ after[kind]) for kind in before}
        rows = ", ".join(f"{kind} {len(after[kind])} rows" for kind in after)
        if check:
            if any(stale.values()):
                raise CommandError(f"Tallies out of date ({stale}); run rebuild_patrol_tallies.")
            self.stdout.write(f"Tallies up to date: {rows}.")
        else:
            self.stdout.write(f"Tallies recounted: {rows}; rows that changed: {stale}.")
