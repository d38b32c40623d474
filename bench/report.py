"""Turn a run's raw results into bench/RESULTS.md: every scenario against its target.

The targets are issue 11's (section 2), judged at the full stage (1M patrols,
100k aspirations) and, for the dashboard, at the largest against the smallest
stage. Hand-written analysis (causes of misses, fixes with
before/after numbers) lives in bench/FINDINGS.md and is appended verbatim, so a
new run never loses it.
"""

from __future__ import annotations

from pathlib import Path

FINDINGS = Path(__file__).resolve().parent / "FINDINGS.md"
PUBLIC_PAGES = ("home", "form_get", "status", "status_unknown", "status_malformed")
LIST_PAGES = ("patrol_list", "patrol_list_deep", "inbox", "inbox_deep")
RSS_LIMIT_KB = 150 * 1024
WEIGHT_LIMIT = 100_000  # bytes (100 kB, decimal: the stricter reading)


# (pages, target, throughput share of the floor, p99 limit in ms)
PAGE_TARGETS = (
    (PUBLIC_PAGES, "Public page", 1 / 3, 100),
    (("form_post",), "Form POST (one aspiration, no photo)", 1 / 4, 150),
    (LIST_PAGES, "Signed-in list", 1 / 8, 400),
)
FLOOR_SHORT = {"floor_template": "template", "floor_query": "query", "floor_template_signed_in": "signed-in"}
FLOOR_NAMES = {
    "floor_template": "the anonymous template floor",
    "floor_query": "the one-query floor",
    "floor_template_signed_in": "the signed-in template floor",
}


def floor_of(key: str) -> str | None:
    """The floor a page's requests per second are compared with (None for the floors)."""
    if key.startswith("floor_"):
        return None
    if key in PUBLIC_PAGES or key == "directory":
        return "floor_template"
    if key == "form_post":
        return "floor_query"
    return "floor_template_signed_in"


def _pass(ok: bool | None) -> str:
    if ok is None:
        return "n/a"
    return "PASS" if ok else "**MISS**"


def _by_key(stage: dict) -> dict[str, dict]:
    return {item["scenario"]: item for item in stage["measurements"]}


def _answered(item: dict) -> bool:
    """A scenario whose requests all timed out has no latency to compare (p50 reads 0)."""
    return item["requests"] > 0


def _full_stage(results: dict) -> dict | None:
    return next((stage for stage in results["stages"] if stage["stage"]["full"]), None)


def _ms(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def evaluate(results: dict) -> list[tuple[str, str, str, bool | None]]:
    """(target, scope, measured, ok) rows."""
    rows: list[tuple[str, str, str, bool | None]] = []
    stages = results["stages"]
    full = _full_stage(results)

    # Queries do not grow with the data.
    keys = sorted({key for stage in stages for key in stage["in_process"]})
    for key in keys:
        counts = [
            (stage["stage"]["name"], stage["in_process"][key]["queries"])
            for stage in stages
            if "queries" in stage["in_process"].get(key, {})
        ]
        errors = [
            f"{stage['stage']['name']}: {stage['in_process'][key]['error']}"
            for stage in stages
            if "error" in stage["in_process"].get(key, {})
        ]
        if errors:
            rows.append(("Page answers (measured at all)", key, "; ".join(errors), False))
        if len(counts) < 2:
            continue
        same = len({count for _name, count in counts}) == 1
        rows.append(
            (
                "Queries per request constant across data sizes",
                key,
                ", ".join(f"{name}: {count}" for name, count in counts),
                same,
            )
        )

    if full:
        rows += _page_targets(full)

    dashboards = [(stage["stage"]["name"], _by_key(stage).get("dashboard_c2")) for stage in stages]
    dashboards = [(name, item) for name, item in dashboards if item]
    if dashboards:
        largest_name, largest = dashboards[-1]
        smallest_name, smallest = dashboards[0]
        rows.append(
            (
                "Dasbor p50 < 300 ms at the largest size (2 connections = render time, no queueing)",
                f"dashboard @ {largest_name}",
                f"p50 {_ms(largest['p50_ms'])} ms" if _answered(largest) else "no request answered",
                _answered(largest) and largest["p50_ms"] < 300,
            )
        )
        if largest_name != smallest_name and _answered(largest) and _answered(smallest):
            ratio = largest["p50_ms"] / smallest["p50_ms"]
            rows.append(
                (
                    "Dasbor at the largest size < 2× its time at the smallest",
                    f"dashboard {largest_name} vs {smallest_name}",
                    f"{_ms(largest['p50_ms'])} ms vs {_ms(smallest['p50_ms'])} ms = {ratio:.2f}×",
                    ratio < 2,
                )
            )

    peak = max((item["peak_rss_kb"] for stage in stages for item in stage["measurements"]), default=0)
    if peak:
        rows.append(
            (
                "Peak RSS per gunicorn worker < 150 MB after the load",
                "all stages",
                f"{peak / 1024:.0f} MB (VmHWM)",
                peak < RSS_LIMIT_KB,
            )
        )

    if full and full.get("weight"):
        for page in full["weight"]:
            # A request to another origin would be weight this count misses.
            rows.append(
                (
                    "Public page < 100 kB compressed (HTML + CSS + JS + fonts)",
                    page["path"],
                    f"{page['total_bytes'] / 1000:.1f} kB; third-party requests: "
                    f"{', '.join(page['third_party']) or 'none'}",
                    page["total_bytes"] < WEIGHT_LIMIT and not page["problems"] and not page["third_party"],
                )
            )
    return rows


def _page_targets(stage: dict) -> list[tuple[str, str, str, bool | None]]:
    """Throughput against each page's floor and p99 at 16 connections, at one stage."""
    rows: list[tuple[str, str, str, bool | None]] = []
    measured = _by_key(stage)
    name = stage["stage"]["name"]
    for keys, what, share, p99_limit in PAGE_TARGETS:
        for key in keys:
            item = measured.get(key)
            floor_key = floor_of(key)
            floor = measured.get(floor_key, {}).get("rps")
            scope = f"{key} @ {name}"
            if not item:
                rows.append((f"{what} measured", scope, "not measured under load", False))
                continue
            if floor:
                ratio = item["rps"] / floor
                rows.append(
                    (
                        f"{what} ≥ 1/{round(1 / share)} of {FLOOR_NAMES[floor_key]}",
                        scope,
                        f"{item['rps']:.0f} req/s = {ratio:.2f} × floor ({floor:.0f})",
                        ratio >= share,
                    )
                )
            rows.append(
                (
                    f"{what} p99 < {p99_limit} ms at {item['connections']} connections",
                    scope,
                    f"p99 {_ms(item['p99_ms'])} ms" if _answered(item) else "no request answered",
                    _answered(item) and item["p99_ms"] < p99_limit,
                )
            )
    post = measured.get("form_post")
    if post:
        extra = post["extra"]
        rows.append(
            (
                "Form POST: rows created = answers",
                f"form_post @ {name}",
                f"{extra['answered_302']} answered 302, {extra['rows_created']} rows created, "
                f"other statuses {extra['other_statuses'] or 'none'}, flagged {extra['flagged_or_odd']}",
                bool(extra["rows_match"]) and not extra["flagged_or_odd"],
            )
        )
    return rows


def _machine(results: dict) -> list[str]:
    machine = results["machine"]
    quiet = results["quiet"]
    if quiet.get("quiet") is True:
        quiet_text = f"yes (1-min load {quiet['load']:.2f} after waiting {quiet['waited_s']} s; no pytest running)"
    elif quiet.get("quiet") is False:
        quiet_text = (
            f"**no**: still busy after waiting {quiet['waited_s']} s (1-min load {quiet['load']:.2f}, "
            f"pytest running: {quiet.get('pytest_running')}); the numbers carry that noise"
        )
    else:
        quiet_text = f"not waited for (1-min load {quiet['load']:.2f})"
    pg = machine["postgresql_settings"]
    return [
        "| | |",
        "|---|---|",
        f"| Date | {machine['date']} |",
        f"| CPU | {machine['cpu']}, {machine['nproc']} cores (`nproc`) |",
        f"| Memory | {machine['memory_gb']} GB |",
        f"| OS | {machine['os']}, kernel {machine['kernel']} |",
        f"| Python / Django / gunicorn | {machine['python']} / {machine['django']} / {machine['gunicorn']} |",
        f"| PostgreSQL | {machine['postgresql']}, stock server settings (shared_buffers {pg['shared_buffers']}, "
        f"work_mem {pg['work_mem']}); the portal's connections: jit {pg['jit']} |",
        f"| Load generator | {machine['wrk']}, 1 thread, same machine, loopback |",
        f"| Quiet machine | {quiet_text} |",
    ]


def _load_section(stage: dict) -> list[str]:
    """One stage's measurements under load: the table, what was not measured, the POST's integrity."""
    measured = _by_key(stage)
    name = stage["stage"]["name"]
    lines = [
        "",
        f"## Load at {name} ({stage['stage']['patrols']:,} patrols, {stage['stage']['aspirations']:,} aspirations)",
        "",
        "Ratios are requests/s divided by the floor the page's target names, in this stage: the",
        "anonymous template floor (public pages), the one-query floor (form POST), the signed-in",
        "template floor (signed-in pages). Queries: per request, counted in-process with Django's test",
        "client on the same database; render: median in-process time of one request, no concurrency.",
        "",
        "| Scenario | Conns | req/s | × floor | p50 ms | p90 ms | p99 ms | Queries | Render ms | "
        "Errors | Peak RSS MB | Load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for item in stage["measurements"]:
        key = item["scenario"]
        floor_key = floor_of(key)
        floor = measured.get(floor_key, {}).get("rps") if floor_key else None
        if not floor_key:
            ratio = "floor"
        elif floor:
            ratio = f"{item['rps'] / floor:.2f} {FLOOR_SHORT[floor_key]}"
        else:
            ratio = ""
        in_process = stage["in_process"].get(key, {})
        queries = in_process.get("queries", "")
        if in_process and in_process.get("queries_min") != in_process.get("queries"):
            queries = f"{in_process['queries_min']}–{in_process['queries']}"
        lines.append(
            f"| {item['label']} | {item['connections']} | {item['rps']:.0f} | {ratio} | {_ms(item['p50_ms'])} | "
            f"{_ms(item['p90_ms'])} | {_ms(item['p99_ms'])} | {queries} | {in_process.get('render_ms', '')} | "
            f"{item['errors']} | {item['peak_rss_kb'] / 1024:.0f} | {item['load_before']} |"
        )
    failures = {
        **{key: value["error"] for key, value in stage["in_process"].items() if "error" in value},
        **stage.get("errors", {}),
    }
    if failures:
        lines += ["", "Not measured under load:", ""]
        lines += [f"- `{key}`: {error}" for key, error in failures.items()]
    post = measured.get("form_post")
    if post:
        extra = post["extra"]
        lines += [
            "",
            f"Form POST integrity: {extra['rows_before']:,} rows before, {extra['rows_after']:,} after "
            f"(+{extra['rows_created']}); {extra['answered_302']} requests answered 302 → "
            f"{'match' if extra['rows_match'] else '**MISMATCH**'}; other statuses: "
            f"{extra['other_statuses'] or 'none'}; new rows flagged as spam or not `baru`: "
            f"{extra['flagged_or_odd']}.",
        ]
    return lines


def render(results: dict, *, raw_path: Path) -> str:
    args = results["args"]
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`bench/run.py`). Raw numbers of this run: `{raw_path}` (not committed).",
        f"Every scenario ran {args['duration']} s after a 2 s warm-up, {args['connections']} connections unless",
        "stated, against gunicorn with 2 sync workers in production settings (DEBUG off, WhiteNoise, the",
        "full middleware stack) on plain HTTP over loopback. The floor is measured in the same run, on the",
        "same server, before the pages of each stage.",
        "",
        "## Machine",
        "",
        *_machine(results),
        "",
        "## Targets",
        "",
        "| Target | Scope | Measured | Verdict |",
        "|---|---|---|---|",
    ]
    for target, scope, measured, ok in evaluate(results):
        lines.append(f"| {target} | {scope} | {measured} | {_pass(ok)} |")

    lines += ["", "## Data loading", ""]
    setup = results["setup"]
    lines.append(
        f"Migrations {setup['migrate_s']} s, collectstatic {setup['collectstatic_s']} s, accounts "
        f"{setup['accounts_s']} s. Sizes grow in place (10k → 100k → 1M): each row below is the time to add "
        "the missing rows (patrols, members and topics by `INSERT … SELECT generate_series` inside "
        "PostgreSQL; aspirations and their timelines generated in Python and streamed with `COPY`)."
    )
    lines += ["", "| Stage | Table | Rows added | Total | Seconds |", "|---|---|---:|---:|---:|"]
    for stage in results["stages"]:
        name = stage["stage"]["name"]
        for item in stage["loads"]:
            lines.append(f"| {name} | {item['table']} | {item['added']:,} | {item['total']:,} | {item['seconds']} |")
        broken = ", ".join(stage["broken_foreign_keys"]) or "none broken"
        lines.append(f"| {name} | VACUUM ANALYZE; foreign-key check | | {broken} | {stage['vacuum_s']} |")

    for stage in results["stages"]:
        lines += _load_section(stage)

    lines += _scaling(results)
    full = _full_stage(results)
    if full and full.get("weight"):
        lines += [
            "",
            "## Public page weight (first visit, compressed)",
            "",
            "HTML gzipped at level 6 (as the front proxy would; Django sends it uncompressed), assets as",
            "WhiteNoise sends them with `Accept-Encoding: gzip`. Fonts: none are referenced (system font stack).",
            "",
            "| Page | HTML | HTML gzip | Assets (gzip) | Total | Third-party requests |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for page in full["weight"]:
            assets = sum(page["assets"].values())
            lines.append(
                f"| {page['path']} | {page['html_bytes'] / 1000:.1f} kB | {page['html_gzip_bytes'] / 1000:.1f} kB | "
                f"{assets / 1000:.1f} kB ({len(page['assets'])} files) | {page['total_bytes'] / 1000:.1f} kB | "
                f"{', '.join(page['third_party']) or 'none'} |"
            )
        first = full["weight"][0]
        lines += ["", "Assets of the home page:", ""]
        lines += [f"- `{url}`: {size / 1000:.1f} kB" for url, size in first["assets"].items()]

    if FINDINGS.exists():
        lines += ["", FINDINGS.read_text().strip()]
    return "\n".join(lines) + "\n"


def _scaling(results: dict) -> list[str]:
    stages = results["stages"]
    if len(stages) < 2:
        return []
    names = [stage["stage"]["name"] for stage in stages]
    keys = []
    for stage in stages:
        for key in stage["in_process"]:
            if key not in keys and all("queries" in other["in_process"].get(key, {}) for other in stages):
                keys.append(key)
    lines = [
        "",
        "## Does it grow with the data?",
        "",
        "Queries per request / in-process render time (ms) / p50 under load (ms) at each size.",
        "",
        "| Page | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for key in keys:
        cells = []
        for stage in stages:
            in_process = stage["in_process"][key]
            measured = _by_key(stage).get(key)
            p50 = _ms(measured["p50_ms"]) if measured else "–"
            cells.append(f"{in_process['queries']} q / {in_process['render_ms']} ms / {p50} ms")
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    dashboards = [(stage["stage"]["name"], _by_key(stage).get("dashboard_c2")) for stage in stages]
    if all(item for _name, item in dashboards):
        lines += [
            "",
            "Dashboard render time (p50 at 2 connections, one request per worker): "
            + ", ".join(f"{name}: {_ms(item['p50_ms'])} ms" for name, item in dashboards)
            + ".",
        ]
    return lines
