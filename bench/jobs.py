#!/usr/bin/env python
"""The job worker against the fake providers: notifications per second, and enqueue-to-send latency.

    .venv/bin/python bench/jobs.py              # PostgreSQL database krk_bench_jobs (dropped, recreated)
    .venv/bin/python bench/jobs.py --sqlite     # an SQLite file instead
    .venv/bin/python bench/jobs.py --quick      # fewer messages

One `manage.py db_worker` process (as in production) sends WhatsApp notifications to
the fake Cloud API of tests/fake_providers.py on loopback. Throughput: a backlog of
messages queued before the worker starts, drained from the first send to the last.
Latency: messages queued at a steady rate while the worker runs; for each, the time
from the row's creation (the request's transaction) to the fake provider accepting
it; p50 and p99. The form POST's own cost with the enqueue is in the main benchmark
(the `post` scenario). Writes bench/out/jobs.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_providers import PHONE_NUMBER_ID, RunningFake  # noqa: E402  (needs ROOT on sys.path)


def environment(database_url: str, fake: RunningFake, media: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DJANGO_HTTPS": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": media,
        "KRK_WHATSAPP_API_URL": fake.whatsapp_url,
        "KRK_WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "KRK_WHATSAPP_TOKEN": "bench-token",
        "KRK_WHATSAPP_APP_SECRET": "bench-secret",
        "KRK_NOTIFY_BACKOFF_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }


def fresh_postgres(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def queue_messages(count: int, *, per_second: float | None = None) -> None:
    """Residents' aspirations asking for WhatsApp news, through the form's service."""
    from aspirations.models import Category
    from aspirations.services import aspiration_submit
    from patrols.models import Village

    category, village = Category.objects.first(), Village.objects.first()
    for n in range(count):
        aspiration_submit(
            type="keluhan",
            category=category,
            title=f"Bench {n}",
            description="Lampu jalan mati di depan balai desa.",
            village=village,
            reporter_name="Warga",
            reporter_phone="081234567890",
            consent=True,
            notify_channel="whatsapp",
        )
        if per_second:
            time.sleep(1 / per_second)


def wait_for_sent(fake: RunningFake, count: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while len(fake.fake.accepted) < count:
        if time.monotonic() > deadline:
            raise SystemExit(f"only {len(fake.fake.accepted)} of {count} sent after {timeout} s")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="an SQLite file instead of PostgreSQL")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432/krk_bench_jobs")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    backlog, steady, rate = (100, 40, 10.0) if args.quick else (500, 200, 10.0)

    fake = RunningFake()
    with tempfile.TemporaryDirectory() as scratch:
        database_url = f"sqlite:///{scratch}/jobs.sqlite3" if args.sqlite else args.pg
        if not args.sqlite:
            fresh_postgres(database_url)
        env = {**os.environ, **environment(database_url, fake, f"{scratch}/media")}
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
        os.environ.update(environment(database_url, fake, f"{scratch}/media"))
        os.environ["DJANGO_SETTINGS_MODULE"] = "krangkeng_portal.settings"
        import django

        django.setup()
        from aspirations.models import Notification
        from units.scoping import deployment_wide

        # The harness queues every unit's messages (units.scoping); the context manager stays
        # referenced, or its collection would end the scope before the first query.
        scope = deployment_wide()
        scope.__enter__()

        queue_messages(backlog)
        worker_command = [*manage, "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload", "-v", "0"]
        worker = subprocess.Popen(worker_command, cwd=ROOT, env=env)
        try:
            wait_for_sent(fake, backlog)
            times = sorted(message.accepted_at for message in fake.fake.accepted)
            throughput = (backlog - 1) / (times[-1] - times[0])

            first_steady = len(fake.fake.accepted)
            queue_messages(steady, per_second=rate)
            wait_for_sent(fake, backlog + steady)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        created = {
            str(reference): at.timestamp()
            for reference, at in Notification.objects.values_list("reference", "created_at")
        }
        latencies = sorted(
            message.accepted_at - created[message.reference] for message in fake.fake.accepted[first_steady:]
        )
    fake.stop()
    result = {
        "database": "sqlite" if args.sqlite else "postgresql",
        "throughput_per_second": round(throughput, 1),
        "backlog": backlog,
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1),
        "latency_p99_ms": round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        "steady_messages": steady,
        "steady_rate_per_second": rate,
        "sent_twice": sum(1 for count in fake.fake.counts().values() if count > 1),
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "jobs.json").write_text(json.dumps(result, indent=2))
    print(
        f"| worker, {result['database']} | {result['throughput_per_second']} notifications/s "
        f"(backlog of {backlog}) | latency p50 {result['latency_p50_ms']} ms, p99 {result['latency_p99_ms']} ms "
        f"({steady} at {rate:g}/s) | sent twice: {result['sent_twice']} |"
    )


if __name__ == "__main__":
    main()
