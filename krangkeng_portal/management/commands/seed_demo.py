import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from aspirations.demo import seed_aspirations
from open311.demo import seed_api_client
from patrols.demo import seed_accounts, seed_patrols
from units.scoping import deployment_wide


class Command(BaseCommand):
    help = "Create demo accounts and data (idempotent). Refuses to run with DEBUG off unless --force."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for every demo account (default: generated and printed).")
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (never on a real server).")

    # A command works for the whole deployment (units.scoping).
    @deployment_wide()
    def handle(self, *args, password: str | None, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _("seed_demo creates accounts with a known password; it only runs with DJANGO_DEBUG=true (or --force).")
            )
        password = password or secrets.token_urlsafe(12)
        with transaction.atomic():
            accounts = seed_accounts(password=password)
            seed_patrols()
            seed_aspirations()
            api_key = seed_api_client(password=password)
        self.stdout.write(self.style.SUCCESS(_("Demo data ready. Sign in at /masuk/ with:")))
        for username, description in accounts:
            self.stdout.write(f"  {username:<24} {description}")
        self.stdout.write(_("Open311 API key of the demo client (see /open311/): %(key)s") % {"key": api_key})
        self.stdout.write(_("Password for every account: %(password)s") % {"password": password})
