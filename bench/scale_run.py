#!/usr/bin/env python
"""Issue 14's scale benchmark: a Polsek, a Polres and the whole country (bench/README.md).

    .venv/bin/python bench/scale_run.py --set polres               # 317 villages, 1M patrols, 200k aspirations
    .venv/bin/python bench/scale_run.py --set polsek --patrols 2k  # one Polsek alone (the small deployment)
    .venv/bin/python bench/scale_run.py --set national --patrols 1M,3M,10M   # 83,762 villages, in stages

Each stage grows the data (bench/scale.py), then measures: the Polsek pages in process
(queries and the median of a few renders, signed in as `pimpinan` of Polsek Krangkeng),
the public form and the Dasbor through gunicorn at one connection (p50), the form's
weight, the tally roll-ups as SQL (per Polda, one Polda's subtree, the Polres's Polsek,
one Polsek), and every table's and index's size. The 1-minute load average is recorded
with each figure. Writes bench/out/scale-<set>-<time>.json and prints a summary.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402  (needs ROOT on sys.path)
from bench.run import PASSWORD, bench_environment, log, machine_facts, recreate_database  # noqa: E402
from bench.server import Browser, Gunicorn, load_average  # noqa: E402

# Pages of one Polsek, measured in process on every data set (scenario 1 of issue 14).
POLSEK_PAGES = ["patrol_list", "inbox", "dashboard", "form_get", "home"]
# Measured through gunicorn at one connection (p50 = the time of one request).
# The template floor (base.html for a visitor) is the public pages' yardstick: issue 11 asks
# them for at least 1/3 of its throughput, so at one connection a p50 within 3x the floor's.
# polres_dashboard: the Dasbor of Polres Indramayu as its Kapolres (`kapolres`) opens it, the
# comparison of its Polsek (issue 14's "Polres Dasbor p50 < 300 ms at 1M patrols").
SERVED_PAGES = ["floor_template", "form_get", "dashboard", "polres_dashboard", "patrol_list", "inbox"]
POLRES_COMMAND_USER = "kapolres"
ASPIRATIONS_PER_PATROL = {"polsek": 0.2, "polres": 0.2, "national": 0.1}
DEFAULT_PATROLS = {"polsek": "2k", "polres": "1M", "national": "1M,3M,10M"}
# Days the patrols spread over. National: 10M patrols are about a third of a year of one
# patrol a day per Bhabinkamtibmas (83,762 villages), so a month holds as many as it would.
PATROL_DAYS = {"polsek": 365, "polres": 365, "national": 120}

ROLLUPS = {
    # Every Polda over the last 30 days: the national comparison the tallies make possible.
    "national_by_polda_30d": """
        SELECT split_part(u.path, '/', 1) AS polda, sum(t.patrols), sum(t.incidents), sum(t.residents)
        FROM patrols_patroltally t JOIN units_unit u ON u.id = t.unit_id
        WHERE t.day >= %(since)s GROUP BY 1 ORDER BY 1""",
    "national_by_polda_all_days": """
        SELECT split_part(u.path, '/', 1) AS polda, sum(t.patrols)
        FROM patrols_patroltally t JOIN units_unit u ON u.id = t.unit_id
        GROUP BY 1 ORDER BY 1""",
    # One Polda's subtree (Jawa Barat): one indexed sum over the units below it.
    "polda_subtree_30d": """
        SELECT sum(t.patrols), sum(t.incidents) FROM patrols_patroltally t
        WHERE t.unit_id IN (SELECT id FROM units_unit WHERE path LIKE 'jabar/%%') AND t.day >= %(since)s""",
    # The Polres table: its Polsek side by side.
    "polres_by_polsek_30d": """
        SELECT t.unit_id, sum(t.patrols), sum(t.incidents) FROM patrols_patroltally t
        WHERE t.unit_id IN (SELECT id FROM units_unit WHERE path LIKE 'jabar/indramayu/%%')
          AND t.day >= %(since)s GROUP BY 1""",
    "polsek_30d": """
        SELECT sum(t.patrols), sum(t.incidents) FROM patrols_patroltally t
        WHERE t.unit_id = (SELECT id FROM units_unit WHERE code = 'krangkeng') AND t.day >= %(since)s""",
    # A Polsek's own lists as the scoped pages will read them (unit_id = its id, on the
    # (unit, -started_at) and (unit, -submitted_at) indexes): the paginator's count and page 1.
    "polsek_patrol_count": """
        SELECT count(*) FROM patrols_patrol WHERE unit_id = (SELECT id FROM units_unit WHERE code = 'krangkeng')""",
    "polsek_patrol_page_1": """
        SELECT id, started_at, village_id, leader_id FROM patrols_patrol
        WHERE unit_id = (SELECT id FROM units_unit WHERE code = 'krangkeng')
        ORDER BY started_at DESC, id DESC LIMIT 20""",
    "polsek_inbox_count": """
        SELECT count(*) FROM aspirations_aspiration
        WHERE unit_id = (SELECT id FROM units_unit WHERE code = 'krangkeng')""",
    # For comparison: the same national figure counted from the patrols themselves.
    "national_by_polda_30d_from_patrols": """
        SELECT split_part(u.path, '/', 1), count(*) FROM patrols_patrol p JOIN units_unit u ON u.id = p.unit_id
        WHERE p.started_at >= %(since)s GROUP BY 1""",
}
# The same roll-ups from the unit tally (one row per unit, day and type): what the figures
# above a Polsek read (`figures.patrols_per_unit`, `patrols_by_week_and_type`).
ROLLUPS |= {
    f"{key}_unit_tally": sql.replace("patrols_patroltally", "patrols_unitpatroltally")
    for key, sql in ROLLUPS.items()
    if "patrols_patroltally" in sql
}


def count(text: str) -> int:
    """ "1M" -> 1_000_000, "300k" -> 300_000, "2500" -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=sorted(DEFAULT_PATROLS), default="polres")
    parser.add_argument("--patrols", help="patrol totals of the stages, comma-separated (e.g. 1M,3M,10M)")
    parser.add_argument("--aspirations", help="aspiration totals of the stages (default: a share of the patrols)")
    parser.add_argument("--database", help="default krk_bench14_<set>")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL, without database")
    parser.add_argument("--port", type=int, default=8078)
    parser.add_argument("--duration", type=int, default=8, help="seconds per served page")
    parser.add_argument(
        "--connections", type=int, default=1, help="connections of the served pages (1: p50 is one request's time)"
    )
    parser.add_argument("--repeat", type=int, default=7, help="renders per page in process, and runs per roll-up")
    parser.add_argument("--reuse-db", action="store_true", help="keep the database and grow it")
    parser.add_argument("--no-serve", action="store_true", help="skip the gunicorn measurements")
    parser.add_argument("--serve", default=",".join(SERVED_PAGES), help="pages measured through gunicorn")
    parser.add_argument("--no-rollups", action="store_true", help="skip the roll-ups and the sizes")
    parser.add_argument("--no-pages", action="store_true", help="skip the pages in process (roll-ups and sizes only)")
    parser.add_argument("--measure-only", action="store_true", help="with --reuse-db: measure, load nothing")
    parser.add_argument("--days", type=int, help="days the patrols spread over (default: 120 national, else 365)")
    parser.add_argument("--drop-after", action="store_true", help="drop the database at the end (it is big)")
    parser.add_argument("--regencies", help="national set: only these regencies (comma-separated codes; tests)")
    args = parser.parse_args(argv)
    args.database = args.database or f"krk_bench14_{args.set}"
    if args.measure_only and not args.reuse_db:
        parser.error("--measure-only measures an existing database: add --reuse-db")
    args.patrols = [count(item) for item in (args.patrols or DEFAULT_PATROLS[args.set]).split(",")]
    if args.aspirations:
        args.aspirations = [count(item) for item in args.aspirations.split(",")]
    else:
        args.aspirations = [int(n * ASPIRATIONS_PER_PATROL[args.set]) for n in args.patrols]
    if len(args.aspirations) != len(args.patrols):
        parser.error("--aspirations needs one total per stage of --patrols")
    return args


# ---------------------------------------------------------------------------------------
# Loading


def build_territory(args: argparse.Namespace) -> list:
    from bench import data, scale

    data.ensure_accounts(password=PASSWORD)
    steps = []
    if args.set == "polres":
        steps.append(scale.polres_territory())
    elif args.set == "national":
        regencies = args.regencies.split(",") if args.regencies else None
        steps.append(scale.national_territory(regencies=regencies))
    steps.append(scale.ensure_bhabins(password=PASSWORD))
    return steps


def grow(args: argparse.Namespace, patrols: int, aspirations: int) -> list:
    """Grow to the stage's totals; the national set loads with its secondary indexes dropped."""
    import contextlib

    from bench import data, scale

    big = args.set == "national"
    steps = []
    with scale.without_indexes(scale.PATROL_TABLES) if big else contextlib.nullcontext():
        steps += scale.grow_patrols(patrols, days=args.days or PATROL_DAYS[args.set])
    steps.append(scale.rebuild_tallies(drop_indexes=big))
    tables = ["aspirations_aspiration", "aspirations_aspirationevent"]
    with scale.without_indexes(tables) if big else contextlib.nullcontext():
        steps += data.grow_aspirations(aspirations)
    return steps


# ---------------------------------------------------------------------------------------
# Measuring


def measure_pages(args: argparse.Namespace) -> dict:
    """The Polsek's pages in process, as `pimpinan` of Polsek Krangkeng (anonymous for the form).

    Per page, medians over `repeat` requests after a first one: wall time, the Django
    process's CPU time and the time spent waiting for SQL. On a shared, loaded machine the
    wall time swells with the run queue; CPU time and the query count swell much less.
    """
    from django.db import connection
    from django.test import Client

    from bench.scenarios import COMMAND_USER, scenarios
    from patrols.models import Officer

    staff, visitor = Client(), Client()
    staff.force_login(Officer.objects.get(username=COMMAND_USER))
    results = {}
    for item in [item for item in scenarios(patrols=0, aspirations=0) if item.key in POLSEK_PAGES]:
        client = staff if item.signed_in else visitor
        samples, load_before = [], load_average()
        for _ in range(args.repeat + 1):
            sql: list[float] = []

            def timed(execute, statement, params, many, context, sql=sql):
                start = time.perf_counter()
                try:
                    return execute(statement, params, many, context)
                finally:
                    sql.append(time.perf_counter() - start)

            wall, cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timed):
                response = client.get(item.path)
            samples.append((time.perf_counter() - wall, time.process_time() - cpu, sum(sql), len(sql)))
        samples = samples[1:]  # the first warms caches and compiles templates
        results[item.key] = {
            "status": response.status_code,
            "bytes": len(response.content),
            "queries": max(sample[3] for sample in samples),
            "wall_ms": round(statistics.median(s[0] for s in samples) * 1000, 1),
            "cpu_ms": round(statistics.median(s[1] for s in samples) * 1000, 1),
            "sql_ms": round(statistics.median(s[2] for s in samples) * 1000, 1),
            "load_before": round(load_before, 2),
        }
    return results


# The alternative the national case would want (bench/FINDINGS.md): one row per unit and
# day, whatever the villages and types, so a month of the whole country is 7,285 x 30 rows.
def _time_sql(cursor, key: str, sql: str, params: dict, repeat: int) -> dict:
    """Median of `repeat` runs after a first one (reported apart), with the plan of one more."""
    timings = []
    load_before = load_average()
    for _ in range(repeat + 1):
        start = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        timings.append((time.perf_counter() - start) * 1000)
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
    result = {
        "p50_ms": round(statistics.median(timings[1:]), 2),
        "first_ms": round(timings[0], 2),
        "rows": len(rows),
        "load_before": round(load_before, 2),
        "plan": "\n".join(line for (line,) in cursor.fetchall()),
    }
    log(f"  roll-up {key:36} p50 {result['p50_ms']:9.2f} ms  rows {len(rows)}  load {load_before:.2f}")
    return result


def measure_rollups(args: argparse.Namespace) -> dict:
    from django.db import connection
    from django.utils import timezone

    params = {"since": timezone.localdate() - datetime.timedelta(days=30)}
    with connection.cursor() as cursor:
        results = {key: _time_sql(cursor, key, sql, params, args.repeat) for key, sql in ROLLUPS.items()}
        for table in ("patrols_patroltally", "patrols_unitpatroltally"):
            cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE day >= %(since)s) FROM {table}", params)
            results[f"rows_{table}"] = dict(zip(("all", "last_30_days"), cursor.fetchone(), strict=True))
    results.update(measure_figures(params["since"], args.repeat))
    return results


def measure_figures(since: datetime.date, repeat: int) -> dict:
    """The dashboard's own roll-ups (`figures.patrols_per_unit`, `patrols_by_week_and_type`) over
    30 days for the whole deployment and for the Polres, as the pages call them: median ms."""
    from django.utils import timezone

    from krangkeng_portal.dashboard import figures
    from krangkeng_portal.dashboard.periods import Period
    from units.models import Unit

    period = Period(since, timezone.localdate())
    every = list(Unit.objects.values_list("pk", flat=True))
    polres = Unit.objects.filter(code__in=["indramayu", "polres-3212"]).first()
    calls = {
        "figures_patrols_per_unit_all_30d": lambda: figures.patrols_per_unit(period),
        "figures_by_week_and_type_all_30d": lambda: figures.patrols_by_week_and_type(period, every),
    }
    if polres is not None:
        subtree = polres.subtree_ids()
        calls["figures_patrols_per_unit_polres_30d"] = lambda: figures.patrols_per_unit(period, subtree)
        calls["figures_by_week_and_type_polres_30d"] = lambda: figures.patrols_by_week_and_type(period, subtree)
    results = {}
    for key, call in calls.items():
        load_before = load_average()
        timings = []
        for _ in range(repeat + 1):
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
        results[key] = {"p50_ms": round(statistics.median(timings[1:]), 2), "load_before": round(load_before, 2)}
        log(f"  figure  {key:36} p50 {results[key]['p50_ms']:9.2f} ms  load {load_before:.2f}")
    return results


def serve(args: argparse.Namespace, env: dict[str, str]) -> dict:
    from django.conf import settings
    from django.urls import reverse

    from bench import weight
    from bench.scenarios import COMMAND_USER, reverse_first

    paths = {
        "floor_template": "/__floor/template",
        "form_get": reverse("aspirations:submit"),
        "dashboard": reverse_first("dashboard:dashboard"),
        "polres_dashboard": reverse_first("dashboard:dashboard"),
        "patrol_list": reverse("patrols:patrol_list"),
        "inbox": reverse_first("aspirations:inbox"),
    }
    results: dict = {}
    log_file = ROOT / "bench" / "out" / f"gunicorn-scale-{args.set}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with Gunicorn(port=args.port, env=env, log=log_file) as server:
        cookies = {
            username: "{}={}".format(
                settings.SESSION_COOKIE_NAME,
                Browser(server.base_url).sign_in(
                    username, PASSWORD, login_path=reverse("login"), session_cookie=settings.SESSION_COOKIE_NAME
                ),
            )
            for username in (COMMAND_USER, POLRES_COMMAND_USER)
        }
        for key in args.serve.split(","):
            user = POLRES_COMMAND_USER if key == "polres_dashboard" else COMMAND_USER
            requests = [(paths[key], "" if key in ("form_get", "floor_template") else cookies[user])]
            load.run_get(server.base_url, requests, seconds=2, connections=args.connections)
            load_before = load_average()
            result = load.run_get(server.base_url, requests, seconds=args.duration, connections=args.connections)
            results[key] = {
                "p50_ms": round(result.p50_ms, 2),
                "p99_ms": round(result.p99_ms, 2),
                "rps": round(result.rps, 1),
                "requests": result.requests,
                "errors": result.error_count,
                "load_before": round(load_before, 2),
            }
            log(
                f"  served {key:14} p50 {result.p50_ms:8.2f} ms  p99 {result.p99_ms:8.2f}  {result.rps:8.1f} req/s"
                f" at {args.connections}  load {load_before:.2f}"
            )
        measured = weight.measure(Browser(server.base_url), paths["form_get"])
        results["form_weight"] = {
            "html_bytes": measured.html_bytes,
            "html_gzip_bytes": measured.html_gzip_bytes,
            "total_bytes": measured.total_bytes,
            "problems": measured.problems,
        }
        sizes = f"{measured.html_bytes:,} B, {measured.html_gzip_bytes:,} B gzip"
        log(f"  form weight: HTML {sizes}, with what it fetches {measured.total_bytes:,} B")
    return results


def all_tables() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace "
            "ORDER BY pg_total_relation_size(oid) DESC LIMIT 20"
        )
        return [name for (name,) in cursor.fetchall()]


# ---------------------------------------------------------------------------------------
# Main


_DEPLOYMENT_WIDE = None


def setup(args: argparse.Namespace, env: dict[str, str]) -> dict:
    os.environ.update(env)
    if not args.reuse_db:
        log(f"creating database {args.database}")
        recreate_database(args)
    import django
    from django.core.management import call_command

    django.setup()
    from units.scoping import deployment_wide

    # The harness loads and measures every unit's rows, outside any request, to the end. The
    # context manager is kept: a generator-based one left unreferenced is collected at once,
    # and its exit (restoring "no scope") runs then, failing the first query with ScopeError.
    global _DEPLOYMENT_WIDE
    _DEPLOYMENT_WIDE = deployment_wide()
    _DEPLOYMENT_WIDE.__enter__()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return {"machine": machine_facts()}


def run_stage(args, env, patrols: int, aspirations: int) -> dict:
    from dataclasses import asdict

    from bench import data, scale

    if args.measure_only:
        steps, vacuum = [], 0.0
    else:
        log(f"stage: growing to {patrols:,} patrols and {aspirations:,} aspirations (load {load_average():.2f})")
        steps = grow(args, patrols, aspirations)
        tables = [*data.LOADED_TABLES, "patrols_village", "patrols_officer", "patrols_assignment"]
        vacuum = data.vacuum_analyze(tables)
    for step in steps:
        log(f"  {step.table}: +{step.added:,} (total {step.total:,}) in {step.seconds} s")
    log(f"  VACUUM ANALYZE {vacuum} s")
    stage = {
        "patrols": patrols,
        "aspirations": aspirations,
        "loads": [asdict(step) for step in steps],
        "vacuum_s": vacuum,
        "units": scale.polsek_counts(),
        "pages": {} if args.no_pages else measure_pages(args),
        "rollups": {} if args.no_rollups else measure_rollups(args),
        "sizes": [] if args.no_rollups else scale.table_sizes(all_tables()),
    }
    for key, value in stage["pages"].items():
        log(f"  in process {key:14} {value}")
    if not args.no_serve:
        stage["served"] = serve(args, env)
    return stage


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="krk-bench14-"))
    try:
        env = bench_environment(args, workdir)
        results = {"args": {key: str(value) for key, value in vars(args).items()}, **setup(args, env)}
        from dataclasses import asdict

        results["territory"] = [] if args.measure_only else [asdict(step) for step in build_territory(args)]
        for step in results["territory"]:
            log(f"  {step['table']}: {step['total']:,} in {step['seconds']} s")
        results["stages"] = []
        for patrols, aspirations in zip(args.patrols, args.aspirations, strict=True):
            results["stages"].append(run_stage(args, env, patrols, aspirations))
            raw = ROOT / "bench" / "out" / f"scale-{args.set}-{time.strftime('%Y%m%d-%H%M%S')}.json"
            raw.parent.mkdir(parents=True, exist_ok=True)
            raw.write_text(json.dumps(results, indent=2, default=str))  # after every stage: a long run may stop
            log(f"wrote {raw.relative_to(ROOT)}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.drop_after:
        drop_database(args)
    return 0


def drop_database(args: argparse.Namespace) -> None:
    import psycopg2
    from django.db import connections

    connections.close_all()
    connection = psycopg2.connect(f"{args.pg}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
    connection.close()
    log(f"dropped database {args.database}")


if __name__ == "__main__":
    sys.exit(main())
