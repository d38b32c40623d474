"""Render the error pages the front proxy answers by itself into a folder it serves.

nginx answers 502/504 (no app server answered), 503 (maintenance) and 413 (a body
larger than client_max_body_size) without asking the portal (deploy/nginx). Those
pages come from the portal's own templates, in the default language, so their texts
are translated with the rest. Run after `collectstatic` (they link its hashed CSS)
on every deployment.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.template import loader
from django.utils import translation

# File name -> template. 504 (the app server took too long) shares 502's page.
PAGES = {"502.html": "proxy_502.html", "503.html": "proxy_503.html", "413.html": "proxy_413.html"}
# nginx's client_max_body_size in deploy/nginx/krangkeng.conf.
PROXY_MAX_BODY_MB = 60


class Command(BaseCommand):
    help = "Write the front proxy's own error pages (502, 503, 413) into a folder it serves."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="The folder nginx serves as /_proxy/.")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        output.mkdir(parents=True, exist_ok=True)
        with translation.override(settings.LANGUAGE_CODE):
            for name, template in PAGES.items():
                html = loader.get_template(template).render({"max_mb": PROXY_MAX_BODY_MB})
                (output / name).write_text(html, encoding="utf-8")
        self.stdout.write(f"Wrote {len(PAGES)} pages to {output}.")
