"""Losing a server loses nothing: an app server killed with kill -9 during a load of
reports and patrols, and the topology's Redis restarted during a load.

What happens to a POST when its app server dies: nginx passes a request to the other
server when the connection to the first fails before the request was sent (refused,
reset on connect); a POST that had already been sent is not sent again (nginx's
default for non-idempotent requests), so the browser gets the Indonesian 502 page. The
visitor sends the form again, as the page says; every create form carries an
idempotency key (core/idempotency.py), so a report that the dead server had already
stored is answered with its ticket, never stored twice, and one it had not is stored
now. These tests do what that visitor does (send again on a 502 or a dropped
connection, same key) and then check the database against every answer received.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import redis

from aspirations.models import Aspiration
from patrols.models import Patrol, PatrolTally
from tests.conftest import PASSWORD

from .client import Visitor
from .forms import TICKET, patrol_form, public_report, report_choices, ticket_of

# One topology per test session: every test that uses it on the same xdist worker.
pytestmark = [pytest.mark.xdist_group("topology"), pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 4
ROUNDS = 5  # each a public report and a patrol: 40 writes in all


@dataclass
class Outcome:
    kind: str  # "aspiration" or "patrol"
    key: str
    location: str | None  # the redirect that acknowledged it; None: never acknowledged
    ticket: str | None = None
    failed_attempts: list[str] = field(default_factory=list)


def post_until_acknowledged(visitor: Visitor, path: str, fields: dict[str, str], kind: str) -> Outcome:
    """POST; on a 502/503/504 or a dropped connection send the same form again (same key)."""
    outcome = Outcome(kind, fields["idempotency_key"], None)
    for _attempt in range(8):
        try:
            answer = visitor.post(path, fields)
        except OSError as error:
            outcome.failed_attempts.append(type(error).__name__)
        else:
            if answer.status == 302:
                outcome.location = answer.headers["Location"]
                if kind == "aspiration":
                    outcome.ticket = ticket_of(answer, visitor)
                return outcome
            outcome.failed_attempts.append(str(answer.status))
            if answer.status not in (502, 503, 504):
                return outcome
        time.sleep(0.3)
    return outcome


@dataclass
class Load:
    """THREADS visitors, each sending ROUNDS public reports (each from its own address,
    under the hourly limit) and ROUNDS patrols (as a signed-in officer)."""

    topology: object
    officers: list[Visitor]
    choices: tuple[int, int]
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, number: int) -> None:
        officer = self.officers[number]
        for round_ in range(ROUNDS):
            try:
                resident = Visitor(officer.topology, source=f"127.0.{number + 1}.{round_ + 1}")
                fields = public_report(resident, choices=self.choices)
                results = [post_until_acknowledged(resident, "/aspirasi/kirim/", fields, "aspiration")]
                results.append(post_until_acknowledged(officer, "/patroli/catat/", patrol_form(officer), "patrol"))
            except Exception as error:  # a GET that failed: nginx should have retried it elsewhere
                with self.lock:
                    self.errors.append(repr(error))
                continue
            with self.lock:
                self.outcomes.extend(results)
                self.done += len(results)

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.run, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        return threads

    def wait_until(self, writes: int, threads: list[threading.Thread]) -> None:
        while self.done < writes and any(thread.is_alive() for thread in threads):
            time.sleep(0.05)


def officers(topology, count: int) -> list[Visitor]:
    signed_in = []
    for _ in range(count):
        officer = Visitor(topology)
        assert officer.sign_in("bhabin.test", PASSWORD).status == 302
        signed_in.append(officer)
    return signed_in


def assert_every_acknowledged_write_stored_once(load: Load, bhabin) -> None:
    assert not load.errors, load.errors
    unacknowledged = [outcome for outcome in load.outcomes if outcome.location is None]
    assert not unacknowledged, unacknowledged
    reports = [outcome for outcome in load.outcomes if outcome.kind == "aspiration"]
    patrols = [outcome for outcome in load.outcomes if outcome.kind == "patrol"]
    assert len(reports) == len(patrols) == THREADS * ROUNDS

    for outcome in reports:
        stored = Aspiration.objects.filter(idempotency_key=outcome.key)
        assert stored.count() == 1, outcome
        assert outcome.ticket and TICKET.fullmatch(outcome.ticket)
        assert stored.get().code == outcome.ticket  # the ticket the resident was shown is the stored one
    for outcome in patrols:
        stored = Patrol.objects.filter(created_by=bhabin, idempotency_key=outcome.key)
        assert stored.count() == 1, outcome
        assert outcome.location == f"/patroli/{stored.get().pk}/"

    # Nothing beyond what was acknowledged, and nothing half-written.
    assert Aspiration.objects.count() == len(reports)
    assert Patrol.objects.count() == len(patrols)
    assert all(report.events.exists() for report in Aspiration.objects.prefetch_related("events"))
    assert sum(PatrolTally.objects.values_list("patrols", flat=True)) == len(patrols)


class TestAppServerKilled:
    def test_kill_9_during_load_loses_no_acknowledged_write_and_the_server_rejoins(self, topology, bhabin):
        victim, survivor = topology.apps
        load = Load(topology, officers(topology, THREADS), report_choices())
        total = THREADS * ROUNDS * 2
        threads = load.start()

        load.wait_until(total // 4, threads)
        victim.kill()
        killed_at = load.done
        try:
            # While it is down: a new sign-in and the officer's pages work through nginx.
            late = Visitor(topology)
            assert late.sign_in("bhabin.test", PASSWORD).status == 302
            assert late.get("/patroli/saya/").status == 200
            load.wait_until(total * 3 // 5, threads)
        finally:
            victim.start()  # whatever happened: the next tests need both servers
        served_before_rejoining = victim.requests_served()
        for thread in threads:
            thread.join(timeout=180)

        retried = Counter(attempt for outcome in load.outcomes for attempt in outcome.failed_attempts)
        print(f"\nkilled after {killed_at} of {total} writes; failed attempts sent again: {dict(retried)}")
        assert_every_acknowledged_write_stored_once(load, bhabin)

        # Rejoined: nginx sends it requests again (after fail_timeout), without a reload.
        time.sleep(topology.nginx.fail_timeout + 0.5)
        visitor = Visitor(topology)
        for _ in range(20):
            assert visitor.get("/aspirasi/kirim/").status == 200
        assert victim.requests_served() > served_before_rejoining
        assert survivor.process is not None and survivor.process.poll() is None


class TestRedisRestarted:
    def test_the_portal_keeps_working_without_redis_and_recovers_without_a_restart(self, topology, bhabin):
        pids = [app.process.pid for app in topology.apps]
        officer, watcher = officers(topology, 2)
        choices = report_choices()

        # A steady load of page views across the outage: every one must be answered.
        statuses: list[tuple[str, int]] = []
        stop = threading.Event()

        def browse() -> None:
            reader = Visitor(topology)
            while not stop.is_set():
                for path in ["/", "/aspirasi/kirim/"]:
                    statuses.append((path, reader.get(path).status))
                statuses.append(("/petugas/", watcher.get("/petugas/").status))

        browser = threading.Thread(target=browse)
        browser.start()
        try:
            time.sleep(1)
            topology.redis.stop()

            # Redis down. Sessions come from PostgreSQL: still signed in, a patrol is saved.
            assert officer.get("/patroli/saya/").status == 200
            answer = officer.post("/patroli/catat/", patrol_form(officer))
            assert answer.status == 302
            assert "Patroli tersimpan" in officer.get(answer.headers["Location"]).text
            # Signing in and out works.
            other = Visitor(topology)
            assert other.sign_in("bhabin.test", PASSWORD).status == 302
            token = other.get("/petugas/").hidden("csrfmiddlewaretoken")
            assert other.post("/keluar/", {"csrfmiddlewaretoken": token}).status == 302
            assert other.get("/petugas/").status == 302
            # Rate limits fail open (aspirations/ratelimit.py, README): the form stays open,
            # over the hourly limit of 10 from one address.
            resident = Visitor(topology, source="127.0.0.20")
            for _ in range(12):
                fields = public_report(resident, choices=choices)
                assert TICKET.search(ticket_of(resident.post("/aspirasi/kirim/", fields), resident) or "")

        finally:
            if topology.redis.process is None:
                topology.redis.start()  # the same port, empty (nothing is kept on disk)
            time.sleep(1)
            stop.set()
            browser.join()

        assert statuses and all(status == 200 for _path, status in statuses), Counter(statuses)
        # Recovered without restarting any app server: sessions are cached again...
        assert officer.get("/petugas/").status == 200
        keys = redis.Redis.from_url(topology.redis.url).keys("*sessions.cached_db*")
        assert keys
        # ...and rate limits are counted again.
        resident = Visitor(topology, source="127.0.0.21")
        answers = [
            resident.post("/aspirasi/kirim/", public_report(resident, choices=choices)).status for _ in range(11)
        ]
        assert answers == [302] * 10 + [429]
        assert [app.process.pid for app in topology.apps] == pids
