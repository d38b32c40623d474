from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from patrols.territory import polsek_create_for_regency
from units.models import Unit
from units.scoping import deployment_wide


class Command(BaseCommand):
    help = (
        "Create one Polsek under a Polres for every kecamatan of its regency that no Polsek covers yet "
        '(e.g. create_units --polres "Polres Indramayu"); an admin adjusts them afterwards. Idempotent.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--polres", required=True, help="The Polres, by name or code.")
        parser.add_argument("--regency", help="The regency's Kemendagri code (default: found from the Polres).")

    # A command works for the whole deployment (units.scoping).
    @deployment_wide()
    def handle(self, *args, polres: str, regency: str | None, **options):
        unit = (
            Unit.objects.polres().filter(name__iexact=polres).first()
            or Unit.objects.polres().filter(code=polres).first()
        )
        if unit is None:
            raise CommandError(f"No Polres named {polres!r}.")
        try:
            result = polsek_create_for_regency(polres=unit, regency_code=regency)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for polsek in result.created:
            self.stdout.write(f"created {polsek.name} ({polsek.code})")
        self.stdout.write(
            f"{len(result.created)} Polsek created, {len(result.attached)} kecamatan attached, "
            f"{result.covered_already} already covered"
        )
