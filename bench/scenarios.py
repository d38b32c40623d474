"""What the benchmark asks of the portal: its scenarios, and their queries and render time in-process.

The load itself (gunicorn, wrk) is bench/run.py's; Cek Status's look-ups are bench/status.py's.
"""

from __future__ import annotations

import re
import statistics
import time
import urllib.parse
import uuid
from dataclasses import dataclass

from bench import open311_scenarios, status

COMMAND_USER = "pimpinan"  # role command: sees every patrol and aspiration, the dashboard
PER_PAGE = 25


@dataclass
class Scenario:
    key: str
    label: str
    path: str
    signed_in: bool = False
    connections: int | None = None  # None: the run's default (16)
    scaling: bool = False  # also measured at every data size
    kind: str = "get"  # get | post | status | api_post
    expect: int = 200
    flow: str = ""  # status: which kind of code is looked up (bench/status.py)


def reverse_first(*names: str) -> str | None:
    from django.urls import NoReverseMatch, reverse

    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def scenarios(*, patrols: int, aspirations: int) -> list[Scenario]:
    """Every scenario this code base supports today (the inbox and dashboard when they exist)."""
    from django.urls import reverse

    deep_patrol_page = max(2, int(patrols * 0.9) // PER_PAGE)
    found = [
        Scenario("floor_bare", "Floor: bare view", "/__floor/bare", scaling=True),
        Scenario("floor_query", "Floor: one query", "/__floor/query", scaling=True),
        Scenario("floor_template", "Floor: base.html, visitor", "/__floor/template", scaling=True),
        Scenario(
            "floor_template_signed_in",
            "Floor: base.html, signed in",
            "/__floor/template-signed-in",
            signed_in=True,
            scaling=True,
        ),
        Scenario("home", "Home (Beranda)", reverse("home")),
        Scenario("form_get", "Public form GET (Sampaikan Aspirasi)", reverse("aspirations:submit")),
        Scenario("form_post", "Public form POST (creates a row)", reverse("aspirations:submit"), kind="post"),
        *status_scenarios(reverse("aspirations:status")),
        Scenario("directory", "Directory (Direktori)", reverse("directory")),
        Scenario("patrol_list", "Patrol list, page 1", reverse("patrols:patrol_list"), signed_in=True, scaling=True),
        Scenario(
            "patrol_list_deep",
            f"Patrol list, page {deep_patrol_page}",
            f"{reverse('patrols:patrol_list')}?page={deep_patrol_page}",
            signed_in=True,
            scaling=True,
        ),
    ]
    inbox = reverse_first("aspirations:inbox")
    if inbox:
        deep = max(2, int(aspirations * 0.9) // PER_PAGE)
        found += [
            Scenario("inbox", "Aspiration inbox, page 1", inbox, signed_in=True, scaling=True),
            Scenario(
                "inbox_deep", f"Aspiration inbox, page {deep}", f"{inbox}?page={deep}", signed_in=True, scaling=True
            ),
        ]
    dashboard = reverse_first("dashboard:dashboard")
    if dashboard:
        found += [
            Scenario("dashboard", "Dashboard (Dasbor)", dashboard, signed_in=True, scaling=True),
            Scenario(
                "dashboard_c2",
                "Dashboard, 2 connections (no queueing)",
                dashboard,
                signed_in=True,
                connections=2,
                scaling=True,
            ),
        ]
    if reverse_first("open311:developer"):
        found += open311_scenarios.scenarios(Scenario)
    return found


def status_scenarios(path: str) -> list[Scenario]:
    """Cek Status with a right, an unknown and a malformed code (how: bench/status.py)."""
    labels = {"right": "a right code", "unknown": "an unknown code", "malformed": "a malformed code"}
    return [
        Scenario(
            "status" if flow == "right" else f"status_{flow}",
            f"Status look-up (Cek Status), {labels[flow]}",
            path,
            kind="status",
            scaling=True,
            expect=status.EXPECT[flow],
            flow=flow,
        )
        for flow in status.FLOWS
    ]


def status_codes(count: int) -> dict[str, list[str]]:
    return {flow: status.codes(flow, count) for flow in status.FLOWS}


# ---------------------------------------------------------------------------------------
# Queries per request and render time, in-process (Django's test client, bench database)


def measure_in_process(items: list[Scenario], *, codes: dict[str, list[str]], repeat: int = 5) -> dict[str, dict]:
    """Queries per request and the median in-process time of each page (no server, no queueing)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from patrols.models import Officer

    command = Officer.objects.get(username=COMMAND_USER)
    signed_in = Client(REMOTE_ADDR="127.0.0.1")
    signed_in.force_login(command)
    results = {}
    for item in items:
        # A fresh visitor per public scenario: a session left by the form POST would
        # add its read to every later page.
        client = signed_in if item.signed_in else Client(REMOTE_ADDR="127.0.0.1")
        if item.kind == "post":
            results[item.key] = _post_in_process(client, item)
            continue
        if item.kind == "api_post":
            results[item.key] = open311_scenarios.post_in_process(client, item)
            continue
        timings, counts, statuses = [], [], set()
        for index in range(repeat + 1):
            start = time.perf_counter()
            try:
                with CaptureQueriesContext(connection) as captured:
                    response = _get_in_process(client, item, index, codes)
            except Exception as error:  # a colleague's page half-built: report it, measure the rest
                results[item.key] = {"error": f"{type(error).__name__}: {error}"}
                break
            elapsed = (time.perf_counter() - start) * 1000
            statuses.add(response.status_code)
            if index:  # the first one warms caches and compiles templates
                timings.append(elapsed)
                counts.append(len(captured))
        if item.key in results:
            continue
        if statuses != {item.expect}:
            results[item.key] = {"error": f"HTTP {sorted(statuses)}, expected {item.expect}"}
            continue
        results[item.key] = {
            "queries": max(counts),
            "queries_min": min(counts),
            "render_ms": round(statistics.median(timings), 2),
            "statuses": sorted(statuses),
        }
    return results


def _get_in_process(client, item: Scenario, index: int, codes: dict[str, list[str]]):
    if item.kind == "status":  # a different code each time
        flow_codes = codes[item.flow]
        return status.lookup(client, item.path, flow_codes[index % len(flow_codes)])
    return client.get(item.path)


def _post_in_process(client, item: Scenario) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    form = client.get(item.path)
    body = post_body(form.content.decode())
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(item.path, urllib.parse.parse_qs(body))
    return {
        "queries": len(captured),
        "queries_min": len(captured),
        "render_ms": round((time.perf_counter() - start) * 1000, 2),
        "statuses": [response.status_code],
    }


def post_body(form_html: str, *, csrf_token: str | None = None) -> str:
    """A valid anonymous submission built from the form page (CSRF token, signed start time, idempotency key)."""
    return urllib.parse.urlencode(_submission(form_html, csrf_token=csrf_token))


def post_bodies(form_html: str, count: int) -> list[str]:
    """`count` valid submissions, as from as many visitors of the form.

    Each has its own "shown at" token (signed here, dated a minute back, as if its
    form had been open that long) and its own idempotency key: the form flags a
    token used twice, and answers a key used twice with the first ticket (no row).
    """
    from aspirations.forms import started_token

    fields = _submission(form_html)
    return [
        urllib.parse.urlencode(
            {**fields, "started": started_token(time.time() - 60), "idempotency_key": str(uuid.uuid4())}
        )
        for _ in range(count)
    ]


def _submission(form_html: str, *, csrf_token: str | None = None) -> dict:
    from aspirations.models import Category
    from patrols.models import Village

    token = csrf_token or re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_html).group(1)
    started = re.search(r'name="started" value="([^"]+)"', form_html).group(1)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form_html).group(1)
    category = Category.objects.filter(is_active=True).order_by("sort_order").first()
    village = Village.objects.order_by("name").first()
    return {
        "csrfmiddlewaretoken": token,
        "type": "keluhan",
        "category": category.pk,
        "title": "Balap liar tiap malam Minggu",
        "description": "Setiap malam Minggu ada balap liar di jalan desa dekat lapangan, sangat membahayakan.",
        "village": village.pk,
        "place": "dekat lapangan desa",
        "occurred_at": "",
        "identity": "anonim",
        "reporter_name": "",
        "reporter_phone": "",
        "reporter_email": "",
        "website": "",
        "started": started,
        "idempotency_key": key,
    }
