import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Apps with their own catalogue (strings in their code and templates); the project
# catalogue in locale/ holds krangkeng_portal/ and templates/.
APP_CATALOGUES = ["core", "units", "exports", "patrols", "aspirations", "audit", "open311"]
NOT_SOURCE = [".venv/*", ".venv-*/*", "venv/*", "tests/*", "bench/*", "staticfiles/*", "media/*", "node_modules/*"]


class Command(BaseCommand):
    help = "Extract translatable strings into every catalogue and compile them (needs GNU gettext)."

    def add_arguments(self, parser):
        parser.add_argument("--no-compile", action="store_true", help="Only extract; leave the .mo files alone.")

    def handle(self, *args, no_compile: bool, **options):
        root = Path(settings.BASE_DIR)
        cwd = Path.cwd()
        try:
            os.chdir(root)
            ignore = NOT_SOURCE + [f"{app}/*" for app in APP_CATALOGUES]
            call_command("makemessages", locale=["id"], ignore_patterns=ignore, no_obsolete=True, verbosity=0)
            for app in APP_CATALOGUES:
                os.chdir(root / app)
                (root / app / "locale").mkdir(exist_ok=True)
                call_command("makemessages", locale=["id"], no_obsolete=True, verbosity=0)
            os.chdir(root)
            if not no_compile:
                call_command("compilemessages", ignore_patterns=NOT_SOURCE, verbosity=0)
        finally:
            os.chdir(cwd)
        self.stdout.write(self.style.SUCCESS("Catalogues updated."))
