"""Open311 scenarios (bench/scenarios.py, run.py): GET requests (1000 rows), GET requests/{id}, POST requests.

The POST sends one report again and again under a bench client's key; the API
answers 200 (post.lua counts 200s as well as the form's 302s) and every answer
is a new row. From the second one on, the same text from the same key is held
for review (a token instead of the id): the same work, one query more.
(Not named open311.py: run.py's folder is first on sys.path, and that would shadow the app.)
"""

from __future__ import annotations

import time
import urllib.parse

BENCH_KEY = "krk311_bench_throwaway_database_only"  # the bench database is dropped after the run
LIST_SIZE = 1000


def ensure_client() -> str:
    """The bench client, holding BENCH_KEY (idempotent)."""
    from open311 import keys
    from open311.models import ApiClient
    from patrols.models import Officer

    ApiClient.objects.update_or_create(
        name="Bench",
        defaults={
            "key_digest": keys.digest(BENCH_KEY),
            "key_prefix": keys.shown_part(BENCH_KEY),
            "created_by": Officer.objects.get(username="admin"),
        },
    )
    return BENCH_KEY


def scenarios(scenario_class) -> list:
    from django.urls import reverse

    from aspirations.models import Aspiration
    from open311.selectors import publishable

    listed = reverse("open311:requests", kwargs={"format": "xml"})
    found = [
        scenario_class(
            "open311_list", f"Open311 GET requests ({LIST_SIZE} rows)", f"{listed}?page_size={LIST_SIZE}", scaling=True
        ),
        scenario_class("open311_post", "Open311 POST requests (creates a row)", listed, kind="api_post"),
    ]
    newest = Aspiration.objects.filter(publishable()).order_by("-submitted_at").values_list("public_id", flat=True)
    public_id = newest.first()
    if public_id:
        one = reverse("open311:request", kwargs={"format": "xml", "service_request_id": public_id})
        found.append(scenario_class("open311_one", "Open311 GET requests/{id}", one, scaling=True))
    return found


def post_body() -> str:
    from patrols.models import Village

    return urllib.parse.urlencode(
        {
            "api_key": ensure_client(),
            "service_code": "geng-motor-tawuran",
            "attribute[village]": Village.objects.order_by("code").values_list("code", flat=True).first(),
            "attribute[type]": "keluhan",
            "description": "Setiap malam Minggu ada balap liar di jalan desa dekat lapangan, sangat membahayakan.",
        }
    )


def post_in_process(client, item) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = dict(urllib.parse.parse_qsl(post_body()))
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.post(item.path, data)
    return {
        "queries": len(captured),
        "queries_min": len(captured),
        "render_ms": round((time.perf_counter() - start) * 1000, 2),
        "statuses": [response.status_code],
    }


def run_post(args, server, item, connections: int):
    """One POST first (it must answer 200), then wrk; rows before and after must match the answers."""
    from aspirations.models import Aspiration
    from bench import load
    from bench.server import Browser, load_average

    body = post_body()
    answer = Browser(server.base_url).request(item.path, dict(urllib.parse.parse_qsl(body)))
    if answer.status != 200:
        raise RuntimeError(f"open311_post: HTTP {answer.status}, expected 200")
    before = Aspiration.objects.count()
    load_before = load_average()
    result = load.run_post(server.base_url + item.path, [body], "", seconds=args.duration, connections=connections)
    created = Aspiration.objects.count() - before
    extra = {
        "load_before": load_before,
        "rows_created": created,
        "answered_200": result.ok_302,
        "other_statuses": result.other_statuses,
        "rows_match": created == result.ok_302 and not result.other_statuses and result.error_count == 0,
    }
    return result, extra
