#!/usr/bin/env python
"""The portal through nginx (issue 18): one app server against two, and nginx's cost per request.

    .venv/bin/python bench/topology.py            # PostgreSQL database krk_bench_topology (dropped, recreated)
    .venv/bin/python bench/topology.py --quick    # 5 s per measurement instead of 15

The production topology of tests/topology/rig.py (deploy/nginx/krangkeng.conf with TLS,
gunicorn app servers of 2 sync workers each, production settings, Redis for sessions
and the cache) on this machine. Two pages: the public form (anonymous) and the patrol
list (signed in as command, 2,000 patrols), and /healthz (one query, no template: what
nginx costs shows there). For each, with wrk:

- 1 connection straight to app server A (the headers nginx would add) and through an
  nginx whose upstream is A alone: the difference of the medians is nginx's cost per
  request (TLS on a kept-alive connection, proxying, buffering);
- 16 connections: A directly, nginx -> A, nginx -> A + B; the last two give the
  ratio two app servers bring on this machine.

Writes bench/out/topology.json and prints a Markdown table (copied into
bench/FINDINGS.md by hand, with what it means).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load  # noqa: E402  (needs ROOT on sys.path)
from bench.run import PASSWORD, recreate_database  # noqa: E402
from tests.topology.rig import HOST, Nginx, Topology  # noqa: E402

PATROLS = 2_000
# The two pages of the issue, and the health check: one query and no template, so
# nginx's own cost per request is not lost in the page's.
PAGES = {"form": "/aspirasi/kirim/", "patrol_list": "/patroli/", "healthz": "/healthz"}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="5 s per measurement instead of 15")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--database", default="krk_bench_topology", help="dropped and recreated")
    parser.add_argument("--connections", type=int, default=16)
    return parser.parse_args()


def prepare_data(rig: Topology) -> None:
    """Migrate, the demo accounts and PATROLS patrols (bench/data.py), in this process."""
    os.environ.update(rig.env)
    import django
    from django.core.management import call_command

    django.setup()
    from bench import data
    from units.scoping import deployment_wide

    with deployment_wide():  # the harness writes every unit's rows, outside any request (units.scoping)
        call_command("migrate", verbosity=0)
        data.ensure_accounts(password=PASSWORD)
        data.grow_patrols(PATROLS)
        data.vacuum_analyze(data.LOADED_TABLES)


def session_cookie(rig: Topology) -> str:
    from tests.topology.client import Visitor

    visitor = Visitor(rig)
    if visitor.sign_in("pimpinan", PASSWORD).status != 302:
        raise RuntimeError("sign-in as pimpinan failed")
    return "; ".join(f"{name}={value}" for name, value in visitor.cookies.items())


def drain(rig: Topology) -> None:
    """Wait until every app server answers /healthz at once: when wrk stops, the requests
    still queued on a server (up to one per connection) keep its workers busy for a while,
    and would be counted against the next measurement."""
    from tests.topology.client import Visitor

    for server in rig.apps:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            started = time.monotonic()
            Visitor(rig, timeout=120).get("/healthz", via=server.name)
            if time.monotonic() - started < 0.2:
                break


def measure(url: str, lines: list[str], *, seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as listing:
        listing.write("\n".join(lines) + "\n")
    try:
        load.run_script("headers.lua", url, [listing.name], seconds=1, connections=connections)  # warm-up
        load_before = os.getloadavg()[0]
        result = load.run_script("headers.lua", url, [listing.name], seconds=seconds, connections=connections)
    finally:
        Path(listing.name).unlink()
    return {
        "rps": round(result.rps, 1),
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "errors": result.error_count,
        "load_before": round(load_before, 2),
    }


def run(args: argparse.Namespace, workdir: Path) -> dict:
    seconds = 5 if args.quick else 15
    recreate_database(args)
    rig = Topology(workdir, f"{args.pg}/{args.database}", app_servers=2, workers_per_server=2, job_worker=False)
    prepare_data(rig)
    rig.start()
    single = Nginx(workdir / "single", rig.nginx.static_root, rig.nginx.pages, upstreams=[rig.apps[0].port])
    single.workdir.mkdir()
    single.start()
    try:
        cookie = session_cookie(rig)
        results: dict = {"seconds": seconds, "connections": args.connections, "patrols": PATROLS, "pages": {}}
        for name, path in PAGES.items():
            extra = [f"Cookie: {cookie}"] if name == "patrol_list" else []
            direct = [path, f"Host: {HOST}", "X-Forwarded-Proto: https", "X-Forwarded-For: 127.0.0.1", *extra]
            proxied = [path, f"Host: {HOST}:{{port}}", *extra]
            a_url = f"http://127.0.0.1:{rig.apps[0].port}"
            targets = {
                "direct_A": (a_url, direct),
                "nginx_A": (
                    single.url.replace(HOST, "127.0.0.1"),
                    [field.format(port=single.https_port) for field in proxied],
                ),
                "nginx_AB": (
                    rig.url.replace(HOST, "127.0.0.1"),
                    [field.format(port=rig.nginx.https_port) for field in proxied],
                ),
            }
            page: dict = {}
            for label, (url, fields) in targets.items():
                line = "\t".join(fields)
                if label != "nginx_AB":
                    page[f"{label}_c1"] = measure(url, [line], seconds=seconds, connections=1)
                page[f"{label}_c{args.connections}"] = measure(
                    url, [line], seconds=seconds, connections=args.connections
                )
                print(
                    f"{name} {label}: " + json.dumps({k: v for k, v in page.items() if k.startswith(label)}), flush=True
                )
            c = args.connections
            page["nginx_overhead_ms"] = round(page["nginx_A_c1"]["p50_ms"] - page["direct_A_c1"]["p50_ms"], 2)
            one, two = page[f"nginx_A_c{c}"]["rps"], page[f"nginx_AB_c{c}"]["rps"]
            page["two_servers_ratio"] = round(two / one, 2) if one else None
            results["pages"][name] = page
        return results
    finally:
        single.stop()
        rig.stop()


def table(results: dict) -> str:
    c = results["connections"]
    rows = [
        f"| page | direct A, 1 conn p50 | nginx -> A, 1 conn p50 | nginx cost / request | direct A, {c} conn | "
        f"nginx -> A, {c} conn | nginx -> A + B, {c} conn | two servers / one |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, page in results["pages"].items():
        rows.append(
            f"| {name} | {page['direct_A_c1']['p50_ms']:.1f} ms | {page['nginx_A_c1']['p50_ms']:.1f} ms | "
            f"{page['nginx_overhead_ms']:+.1f} ms | {page[f'direct_A_c{c}']['rps']:.0f} req/s | "
            f"{page[f'nginx_A_c{c}']['rps']:.0f} req/s | {page[f'nginx_AB_c{c}']['rps']:.0f} req/s | "
            f"{page['two_servers_ratio'] or '-'} |"
        )
    return "\n".join(rows)


def main() -> int:
    args = parse_args()
    load.ensure_wrk()
    workdir = Path(tempfile.mkdtemp(prefix="krk-bench-topology-"))
    try:
        results = run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["load_average_after"] = os.getloadavg()
    results["when"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    out = ROOT / "bench" / "out" / "topology.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
