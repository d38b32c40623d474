#!/usr/bin/env python
"""`make bench`: data-size and load benchmarks of the portal against the framework floor.

    .venv/bin/python bench/run.py            # the full run; writes bench/RESULTS.md
    .venv/bin/python bench/run.py --quick    # smoke test: small data, 3 s per scenario

See bench/README.md for what is measured and why. Never part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load, open311_scenarios, report, status  # noqa: E402  (needs ROOT on sys.path)
from bench.scenarios import (  # noqa: E402
    COMMAND_USER,
    Scenario,
    measure_in_process,
    post_bodies,
    post_body,
    reverse_first,
    scenarios,
    status_codes,
)
from bench.server import Browser, Gunicorn, load_average  # noqa: E402

PASSWORD = "bench-krangkeng-password-2024"  # the benchmark accounts' password (throwaway database)
SESSIONS = 8  # signed-in load spreads over this many sessions of the command user
STATUS_CODES = 200  # distinct ticket codes each status scenario cycles through
# Distinct submissions made per second of the form POST scenario: well above its rate
# (~200/s), so none is sent twice (a second send is answered, and stores nothing).
POST_BODIES_PER_SECOND = 1000


@dataclass(frozen=True)
class Stage:
    name: str
    patrols: int
    aspirations: int
    full: bool  # every scenario, and the per-page targets (else the data-dependent ones and the floors)


# The last stage is the one issue 11 names (1M patrols, 100k aspirations): every page
# is measured there and the per-page targets are judged there.
FULL_STAGES = [
    Stage("10k", 10_000, 10_000, full=False),
    Stage("100k", 100_000, 100_000, full=False),
    Stage("1M", 1_000_000, 100_000, full=True),
]
QUICK_STAGES = [
    Stage("2k", 2_000, 2_000, full=False),
    Stage("5k", 5_000, 5_000, full=False),
    Stage("20k", 20_000, 5_000, full=True),
]


@dataclass
class Measurement:
    scenario: str
    label: str
    path: str
    connections: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: int
    load_before: float
    peak_rss_kb: int  # max VmHWM over the workers after this scenario (cumulative)
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# Setting up


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small data and 3 s scenarios (smoke test)")
    parser.add_argument("--duration", type=int, help="seconds per scenario (default 12, quick 3)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8077)
    parser.add_argument("--database", default="krk_bench")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="server URL, without database")
    parser.add_argument("--stages", help="comma-separated stage names to run (default: all)")
    parser.add_argument("--reuse-db", action="store_true", help="keep the database and its rows (growing only)")
    parser.add_argument(
        "--quiet-wait",
        type=int,
        help="wait up to this many seconds for a quiet machine (no pytest, 1-min load < 0.7); default 600, quick 0",
    )
    parser.add_argument("--output", type=Path, help="results file (default bench/RESULTS.md, quick bench/out/)")
    parser.add_argument(
        "--report", type=Path, metavar="JSON", help="only write the results file again from a run's raw numbers"
    )
    args = parser.parse_args()
    args.duration = args.duration or (3 if args.quick else 12)
    if args.quiet_wait is None:
        args.quiet_wait = 0 if args.quick else 600
    if args.output is None:
        args.output = ROOT / "bench" / ("out/RESULTS-quick.md" if args.quick else "RESULTS.md")
    args.output = args.output.resolve()  # the log names it relative to ROOT
    return args


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def wait_for_quiet(max_seconds: int, *, threshold: float = 0.7, poll: int = 30) -> dict:
    """Wait until no test suite runs and the 1-minute load average is below `threshold`."""
    start = time.monotonic()
    while True:
        tests = subprocess.run(["pgrep", "-f", "pytest"], capture_output=True, text=True, check=False).stdout.split()
        tests = [pid for pid in tests if int(pid) != os.getpid()]
        load_now = load_average()
        waited = round(time.monotonic() - start)
        if not tests and load_now < threshold:
            return {"quiet": True, "waited_s": waited, "load": load_now}
        if waited >= max_seconds:
            return {"quiet": False, "waited_s": waited, "load": load_now, "pytest_running": bool(tests)}
        log(f"waiting for a quiet machine: load {load_now:.2f}, pytest running: {bool(tests)} ({waited} s so far)")
        time.sleep(poll)


def bench_environment(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    """Production settings on plain HTTP over loopback, the load source exempt from rate limits."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": f"{args.pg}/{args.database}",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
            # Plain HTTP on loopback: no TLS redirect, no Secure-only cookies.
            "DJANGO_HTTPS": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "DJANGO_STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "DJANGO_LOG_LEVEL": "WARNING",
            # Only the load source, and only in this environment (never a default).
            "KRK_RATELIMIT_EXEMPT_IPS": "127.0.0.1/32",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("CACHE_URL", None)
    env.pop("REDIS_URL", None)
    return env


def recreate_database(args: argparse.Namespace) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{args.pg}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{args.database}"')
    connection.close()


def machine_facts() -> dict:
    import django
    import gunicorn
    from django.db import connection

    cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        pg_settings = {}
        for name in ("shared_buffers", "work_mem", "jit", "max_connections"):
            cursor.execute(f"SHOW {name}")
            pg_settings[name] = cursor.fetchone()[0]
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "memory_gb": round(int(memory.group(1)) / 1024 / 1024, 1) if memory else None,
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "kernel": platform.release(),
        "os": platform.freedesktop_os_release().get("PRETTY_NAME", "")
        if hasattr(platform, "freedesktop_os_release")
        else "",
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": postgres,
        "postgresql_settings": pg_settings,
        "wrk": load.wrk_version(),
    }


# ---------------------------------------------------------------------------------------
# Load


def run_stage_load(
    args: argparse.Namespace, env: dict[str, str], stage: Stage, items: list[Scenario], workdir: Path
) -> tuple[list[Measurement], dict]:
    from django.conf import settings

    codes = status_codes(STATUS_CODES)
    measurements: list[Measurement] = []
    extra: dict = {}
    log_file = ROOT / "bench" / "out" / f"gunicorn-{stage.name}.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with Gunicorn(port=args.port, env=env, log=log_file) as server:
        login_path = reverse_first("login")
        cookies = [
            f"{settings.SESSION_COOKIE_NAME}="
            + Browser(server.base_url).sign_in(
                COMMAND_USER, PASSWORD, login_path=login_path, session_cookie=settings.SESSION_COOKIE_NAME
            )
            for _ in range(SESSIONS)
        ]
        for item in items:
            connections = item.connections or args.connections
            try:
                if item.kind == "post":
                    result, post_extra = run_post_scenario(args, server, item, connections)
                elif item.kind == "api_post":
                    result, post_extra = open311_scenarios.run_post(args, server, item, connections)
                elif item.kind == "status":
                    result, post_extra = run_status_scenario(args, server, item, codes[item.flow], connections)
                else:
                    requests = build_requests(item, cookies)
                    precheck(server, item, requests)
                    # Warm-up (not recorded): workers import lazily, PostgreSQL caches the pages.
                    load.run_get(server.base_url, requests, seconds=2, connections=connections)
                    load_before = load_average()
                    result = load.run_get(server.base_url, requests, seconds=args.duration, connections=connections)
                    post_extra = {"load_before": load_before}
            except RuntimeError as error:
                log(f"{stage.name} {item.key}: not measured: {error}")
                extra.setdefault("errors", {})[item.key] = str(error)
                continue
            memory = server.worker_memory()
            measurement = Measurement(
                scenario=item.key,
                label=item.label,
                path=item.path,
                connections=connections,
                rps=round(result.rps, 1),
                p50_ms=round(result.p50_ms, 2),
                p90_ms=round(result.p90_ms, 2),
                p99_ms=round(result.p99_ms, 2),
                max_ms=round(result.max_ms, 2),
                requests=result.requests,
                errors=result.error_count,
                load_before=round(post_extra.pop("load_before"), 2),
                peak_rss_kb=max((values.get("VmHWM", 0) for values in memory.values()), default=0),
                extra={**post_extra, "workers": memory},
            )
            measurements.append(measurement)
            log(
                f"{stage.name} {item.key:18} {measurement.rps:8.1f} req/s  p50 {measurement.p50_ms:7.2f} ms  "
                f"p99 {measurement.p99_ms:7.2f} ms  errors {measurement.errors}  peak RSS "
                f"{measurement.peak_rss_kb / 1024:.0f} MB"
            )
        if stage.full:
            extra["weight"] = measure_weight(server)
    return measurements, extra


def build_requests(item: Scenario, cookies: list[str]) -> list[tuple[str, str]]:
    if item.signed_in:
        return [(item.path, cookie) for cookie in cookies]
    return [(item.path, "")]


def precheck(server: Gunicorn, item: Scenario, requests: list[tuple[str, str]]) -> None:
    """wrk counts only statuses above 399 as errors: make sure the page really answers 200."""
    path, cookie = requests[0]
    response = Browser(server.base_url).request(path, headers={"Cookie": cookie} if cookie else {})
    if response.status != item.expect:
        raise RuntimeError(f"{item.key}: {path} answered HTTP {response.status}, expected {item.expect}")


def run_status_scenario(args, server: Gunicorn, item: Scenario, codes: list[str], connections: int):
    """Look up codes of one kind (bench/status.py knows how), after a check and a warm-up."""
    answered = status.precheck(Browser(server.base_url), item.path, codes[0])
    if answered != item.expect:
        raise RuntimeError(f"{item.key}: a look-up answered HTTP {answered}, expected {item.expect}")
    status.run_load(server.base_url, item.path, codes, seconds=2, connections=connections)
    load_before = load_average()
    result = status.run_load(server.base_url, item.path, codes, seconds=args.duration, connections=connections)
    return result, {"load_before": load_before}


def aspiration_count() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM aspirations_aspiration")
        return cursor.fetchone()


def run_post_scenario(args, server: Gunicorn, item: Scenario, connections: int):
    """Fetch the form (CSRF cookie, signed start time), wait out the minimum fill time, post
    submissions each as from its own visitor (`post_bodies`)."""
    from django.conf import settings
    from django.db import connection

    browser = Browser(server.base_url)
    form = browser.request(item.path)
    shown_at = time.monotonic()
    csrf_cookie = browser.cookie(settings.CSRF_COOKIE_NAME)
    body = post_body(form.text)
    time.sleep(max(0.0, settings.KRK_MIN_FILL_SECONDS + 1 - (time.monotonic() - shown_at)))
    # One real submission first: it must redirect to the ticket page.
    answer = browser.request(item.path, _pairs(body))
    if answer.status != 302:
        raise RuntimeError(f"form_post: HTTP {answer.status}, expected 302")
    before, last_id = aspiration_count()
    load_before = load_average()
    cookie = f"{settings.CSRF_COOKIE_NAME}={csrf_cookie}"
    bodies = post_bodies(form.text, POST_BODIES_PER_SECOND * args.duration)
    result = load.run_post(server.base_url + item.path, bodies, cookie, seconds=args.duration, connections=connections)
    after, _last = aspiration_count()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM aspirations_aspiration WHERE id > %s AND (is_spam_suspected OR status <> 'baru')",
            [last_id],
        )
        flagged = cursor.fetchone()[0]
    extra = {
        "load_before": load_before,
        "rows_before": before,
        "rows_after": after,
        "rows_created": after - before,
        "answered_302": result.ok_302,
        "other_statuses": result.other_statuses,
        "flagged_or_odd": flagged,
        "rows_match": after - before == result.ok_302 and not result.other_statuses and result.error_count == 0,
    }
    return result, extra


def _pairs(body: str) -> dict:
    return dict(urllib.parse.parse_qsl(body, keep_blank_values=True))


def measure_weight(server: Gunicorn) -> list[dict]:
    from django.urls import reverse

    from bench import weight

    browser = Browser(server.base_url)
    pages = [reverse("home"), reverse("aspirations:submit"), reverse("aspirations:status"), reverse("directory")]
    results = []
    for path in pages:
        measured = weight.measure(browser, path)
        results.append({**asdict(measured), "total_bytes": measured.total_bytes})
    return results


# ---------------------------------------------------------------------------------------
# Main


def main() -> int:
    args = parse_args()
    if args.report:  # e.g. after editing bench/FINDINGS.md
        raw = args.report.resolve()
        args.output.write_text(report.render(json.loads(raw.read_text()), raw_path=raw.relative_to(ROOT)))
        log(f"wrote {args.output.relative_to(ROOT)} from {raw.relative_to(ROOT)}")
        return 0
    stages = QUICK_STAGES if args.quick else FULL_STAGES
    if args.stages:
        wanted = set(args.stages.split(","))
        stages = [stage for stage in stages if stage.name in wanted]
    load.ensure_wrk()
    quiet = wait_for_quiet(args.quiet_wait) if args.quiet_wait else {"quiet": None, "load": load_average()}
    log(f"machine: {quiet}")

    workdir = Path(tempfile.mkdtemp(prefix="krk-bench-"))
    try:
        return run(args, stages, quiet, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, stages: list[Stage], quiet: dict, workdir: Path) -> int:
    env = bench_environment(args, workdir)
    os.environ.update(env)
    if not args.reuse_db:
        log(f"creating database {args.database}")
        recreate_database(args)

    import django
    from django.core.management import call_command

    django.setup()
    from bench import data
    from units.scoping import deployment_wide

    # The harness loads and checks every unit's rows: no request, so no unit scope (units.scoping).
    # Kept in a name until the function returns: a generator-based context manager left
    # unreferenced is collected at once, and its exit ("no scope") fails the next query.
    scope = deployment_wide()
    scope.__enter__()

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_seconds = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    call_command("collectstatic", interactive=False, verbosity=0)
    collectstatic_seconds = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    data.ensure_accounts(password=PASSWORD)
    accounts_seconds = round(time.perf_counter() - started, 1)
    log(
        f"migrated in {migrate_seconds} s, static collected in {collectstatic_seconds} s, accounts {accounts_seconds} s"
    )

    results = {
        "args": {key: str(value) for key, value in vars(args).items()},
        "machine": machine_facts(),
        "quiet": quiet,
        "setup": {
            "migrate_s": migrate_seconds,
            "collectstatic_s": collectstatic_seconds,
            "accounts_s": accounts_seconds,
        },
        "stages": [],
    }
    for stage in stages:
        log(f"stage {stage.name}: growing to {stage.patrols:,} patrols and {stage.aspirations:,} aspirations")
        loads = [*data.grow_patrols(stage.patrols), *data.grow_aspirations(stage.aspirations)]
        vacuum = data.vacuum_analyze(data.LOADED_TABLES)
        broken = data.check_integrity()
        for item in loads:
            log(f"  {item.table}: +{item.added:,} rows (total {item.total:,}) in {item.seconds} s")
        log(f"  VACUUM ANALYZE {vacuum} s; broken foreign keys: {broken or 'none'}")
        items = scenarios(patrols=stage.patrols, aspirations=stage.aspirations)
        if not stage.full:
            items = [item for item in items if item.scaling]
        in_process = measure_in_process(items, codes=status_codes(20))
        for key, value in in_process.items():
            if "error" in value:
                log(f"  {key}: not measured under load ({value['error']})")
        items = [item for item in items if "error" not in in_process.get(item.key, {})]
        measurements, extra = run_stage_load(args, env, stage, items, workdir)
        results["stages"].append(
            {
                "stage": asdict(stage),
                "loads": [asdict(item) for item in loads],
                "vacuum_s": vacuum,
                "broken_foreign_keys": broken,
                "in_process": in_process,
                "measurements": [asdict(item) for item in measurements],
                **extra,
            }
        )

    raw = ROOT / "bench" / "out" / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps(results, indent=2, default=str))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report.render(results, raw_path=raw.relative_to(ROOT)))
    log(f"wrote {args.output.relative_to(ROOT)} and {raw.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
