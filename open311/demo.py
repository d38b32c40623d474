"""Demo data for the API: one client organisation, and a few reports it sent.

The demo key is derived from the demo password, so every run of seed_demo can
print it again (a real key is shown only once); seed_demo refuses to run on a
real server. Idempotent: the reports are sent once.
"""

from __future__ import annotations

import hashlib

from aspirations.models import AspirationType
from patrols.models import Officer
from units.models import Unit

from . import keys, selectors
from .models import ApiClient
from .services import api_client_create, service_request_submit

DEMO_CLIENT = "Aplikasi Desa Krangkeng (demo)"

# (service code, village code, type, description): one report waits for review (a link).
REPORTS = [
    (
        "geng-motor-tawuran",
        "32.12.09.2010",
        AspirationType.KELUHAN,
        "Setiap malam Minggu ada balap liar di jalan desa dekat lapangan, warga resah.",
    ),
    (
        "lalu-lintas",
        "32.12.09.2011",
        AspirationType.KEBUTUHAN,
        "Lampu penerangan di tikungan Pantura Tanjakan mati, rawan kecelakaan malam hari.",
    ),
    (
        "keamanan-lingkungan",
        "32.12.09.2004",
        AspirationType.LAPORAN_KEJADIAN,
        "Ada orang mencurigakan menawarkan motor murah, fotonya di https://contoh.id/foto.",
    ),
]


def demo_key(password: str) -> str:
    return keys.PREFIX + "demo_" + hashlib.sha256(f"open311-demo:{password}".encode()).hexdigest()[:32]


def seed_api_client(*, password: str) -> str:
    """The demo client with the key derived from `password`, and its reports; returns the key."""
    key = demo_key(password)
    client = ApiClient.objects.filter(name=DEMO_CLIENT).first()
    if client is None:
        admin = Officer.objects.get(username="admin")
        client, _random_key = api_client_create(
            actor=admin,
            name=DEMO_CLIENT,
            unit=Unit.objects.get(code="krangkeng"),
            rate_limit_per_hour=60,
            contact="Kuwu (demo)",
        )
    ApiClient.objects.filter(pk=client.pk).update(
        key_digest=keys.digest(key), key_prefix=keys.shown_part(key), revoked_at=None
    )
    if not client.submissions.exists():
        for service_code, village_code, kind, description in REPORTS:
            service_request_submit(
                client=client,
                request=None,
                type=kind,
                category=selectors.service(service_code),
                title=description.split(",")[0],
                description=description,
                village=selectors.village_by_code(village_code),
            )
    return key
