"""In-process timing of the Polres Dasbor (issue 14): a Polres of 3 Polsek and one of 31.

Generates, in the database DATABASE_URL names (use a scratch one: it writes a lot), a
year of daily tallies for every village of two Polres under Polda Jawa Barat: Polres
Indramayu with Polsek Krangkeng and 30 more Polsek (317 villages), and "Polres Kecil"
with 3 Polsek of ten villages each, at the same density per village (one tally row a day
per village, its officer and three topics per Polsek), one recent patrol per village (the
"last patrol" the coverage reads) and about 600 aspirations a year per Polsek. Then it
renders the dashboard of each Polres as its Kapolres (the whole view: middleware,
queries, template), then Polsek Krangkeng's as the Kapolres of Indramayu opens it, and
reports the median of the timed runs, the queries, the page's bytes and the 1-minute
load average (the machine is shared: read the times beside it).

    DATABASE_URL=sqlite:////tmp/krk-polres.sqlite3 python bench/polres_dashboard.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/krk_command python bench/polres_dashboard.py

The real Polres and national data sets (1M and 10M patrols) are `make bench`'s.
"""

from __future__ import annotations

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krangkeng_portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from aspirations import deadlines, tickets  # noqa: E402
from aspirations.models import Aspiration, AspirationType, Category, Status  # noqa: E402
from core import roles  # noqa: E402
from patrols.models import (  # noqa: E402
    ImbauanTopic,
    Officer,
    OfficerPatrolTally,
    Patrol,
    PatrolMode,
    PatrolTally,
    PatrolType,
    Position,
    TopicPatrolTally,
    UnitPatrolTally,
    Village,
)
from units.models import Kecamatan, Unit, UnitKind  # noqa: E402
from units.scoping import deployment_wide  # noqa: E402

DAYS = 365
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
RUNS = 15
rng = random.Random(14)


def make_polsek(polres: Unit, number: int, villages: int, kecamatan_code: str) -> Unit:
    polsek = Unit.objects.create(
        kind=UnitKind.POLSEK, code=f"{polres.code}-{number}", name=f"Polsek {polres.name} {number}", parent=polres
    )
    kecamatan = Kecamatan.objects.create(
        code=kecamatan_code,
        name=f"Kecamatan {number}",
        regency_code=kecamatan_code[:5],
        regency_name=polres.name,
        unit=polsek,
    )
    Village.objects.bulk_create(
        Village(
            code=f"{kecamatan_code}.{2001 + index}",
            name=f"Desa {kecamatan_code}.{index}",
            kecamatan=kecamatan,
            unit=polsek,
            visit_target_days=14,
        )
        for index in range(villages)
    )
    return polsek


def generate() -> None:
    if Unit.objects.filter(code="kecil").exists():
        return
    started = time.perf_counter()
    jabar = Unit.objects.get(code="jabar")
    indramayu = Unit.objects.get(code="indramayu")
    kecil = Unit.objects.create(kind=UnitKind.POLRES, code="kecil", name="Polres Kecil", parent=jabar)
    units = [Unit.objects.get(code="krangkeng")]
    # 30 more Polsek of Indramayu: 306 villages (10 or 11 each), 317 with Krangkeng's 11.
    for number in range(30):
        units.append(make_polsek(indramayu, number, 11 if number < 6 else 10, f"32.12.{50 + number}"))
    for number in range(3):
        units.append(make_polsek(kecil, number, 10, f"32.99.{10 + number}"))
    polsek = [(unit, list(Village.objects.filter(unit=unit).order_by("code"))) for unit in units]
    officer_group = Group.objects.get(name=roles.OFFICER)
    topics = list(ImbauanTopic.objects.all()[:6])
    category = Category.objects.first()
    today = timezone.localdate()
    now = timezone.now()
    for unit, villages in polsek:
        with transaction.atomic():
            Officer.objects.bulk_create(
                Officer(username=f"b.{village.code}", unit=unit, position=Position.BHABINKAMTIBMAS)
                for village in villages
            )
            officers = list(Officer.objects.filter(unit=unit, username__startswith="b.").order_by("username"))
            officer_group.user_set.add(*officers)
            patrol_rows, officer_rows, topic_rows = [], [], []
            for village, officer in zip(villages, officers, strict=True):
                for back in range(DAYS):
                    day = today - datetime.timedelta(days=back)
                    n = rng.choice((1, 1, 1, 2))
                    patrol_rows.append(
                        PatrolTally(
                            day=day,
                            unit=unit,
                            village=village,
                            patrol_type=PatrolType.SAMBANG,
                            patrols=n,
                            residents=3 * n,
                            incidents=0,
                        )
                    )
                    officer_rows.append(OfficerPatrolTally(day=day, unit=unit, officer=officer, led=n, joined=0))
            for back in range(DAYS):
                day = today - datetime.timedelta(days=back)
                topic_rows += [
                    TopicPatrolTally(day=day, unit=unit, topic=topic, patrols=len(villages))
                    for topic in rng.sample(topics, 3)
                ]
            PatrolTally.objects.bulk_create(patrol_rows, batch_size=5000)
            # The unit tally is the village tally summed per unit and day (as `patrols.tallies` writes it).
            per_day: dict[datetime.date, int] = {}
            for row in patrol_rows:
                per_day[row.day] = per_day.get(row.day, 0) + row.patrols
            UnitPatrolTally.objects.bulk_create(
                UnitPatrolTally(
                    day=day, unit=unit, patrol_type=PatrolType.SAMBANG, patrols=n, residents=3 * n, incidents=0
                )
                for day, n in per_day.items()
            )
            OfficerPatrolTally.objects.bulk_create(officer_rows, batch_size=5000)
            TopicPatrolTally.objects.bulk_create(topic_rows, batch_size=5000)
            Patrol.objects.bulk_create(
                Patrol(
                    patrol_type=PatrolType.SAMBANG,
                    mode=PatrolMode.MOTORBIKE,
                    started_at=now - datetime.timedelta(days=rng.randint(0, 20), hours=2),
                    ended_at=now - datetime.timedelta(days=0, hours=1),
                    village=village,
                    unit=unit,
                    place="Balai Desa",
                    leader=officer,
                    created_by=officer,
                    summary="Sambang.",
                )
                for village, officer in zip(villages, officers, strict=True)
            )
            aspirations = []
            for _ in range(600):
                submitted = now - datetime.timedelta(days=rng.randint(0, DAYS - 1), hours=rng.randint(0, 23))
                answered = rng.random() < 0.7
                aspirations.append(
                    Aspiration(
                        code=tickets.generate(),
                        type=AspirationType.KELUHAN,
                        category=category,
                        title="Keluhan",
                        description="Keluhan warga.",
                        village=rng.choice(villages),
                        unit=unit,
                        submitted_at=submitted,
                        verification_due=deadlines.verification_due(submitted),
                        status=Status.SELESAI if answered else Status.BARU,
                        first_response_at=submitted + datetime.timedelta(hours=rng.randint(1, 96))
                        if answered
                        else None,
                        verified_at=submitted + datetime.timedelta(hours=1) if answered else None,
                        resolved_at=submitted + datetime.timedelta(days=5) if answered else None,
                    )
                )
            Aspiration.objects.bulk_create(aspirations, batch_size=2000)
    print(f"generated in {time.perf_counter() - started:.0f} s: {PatrolTally.objects.count()} village tallies")


def kapolres(unit: Unit) -> Officer:
    officer, _ = Officer.objects.get_or_create(username=f"kapolres.{unit.code}", defaults={"unit": unit})
    officer.groups.add(Group.objects.get(name=roles.COMMAND))
    return officer


def measure(unit: Unit, path: str = "/dasbor/") -> tuple[float, int, int]:
    # The production settings over HTTPS, with plain static storage (no collectstatic manifest here).
    client = Client(secure=True, headers={"X-Forwarded-Proto": "https"})
    client.force_login(kapolres(unit))
    for _ in range(3):  # warm up
        response = client.get(path)
        assert response.status_code == 200, (response.status_code, response.get("Location"))
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return statistics.median(timings) * 1000, len(queries), len(response.content)


@override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}, SECURE_SSL_REDIRECT=False)
@deployment_wide()  # the harness writes and counts every unit's rows; each request enters its user's scope
def main() -> None:
    call_command("migrate", verbosity=0)
    generate()
    for code in ("kecil", "indramayu"):
        unit = Unit.objects.get(code=code)
        polsek = unit.children.count()
        villages = Village.objects.filter(unit__parent=unit).count()
        median, queries, size = measure(unit)
        load = os.getloadavg()[0]
        print(
            f"{unit.name}: {polsek} Polsek, {villages} villages: p50 {median:.0f} ms, {queries} queries, "
            f"{size:,} bytes (1-minute load {load:.1f})"
        )
    # A Polsek's own dashboard (every village, the map, the officers), as the Kapolres opens it.
    median, queries, size = measure(Unit.objects.get(code="indramayu"), "/dasbor/?unit=krangkeng")
    print(
        f"Polsek Krangkeng (from Polres Indramayu): p50 {median:.0f} ms, {queries} queries, "
        f"{size:,} bytes (1-minute load {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
