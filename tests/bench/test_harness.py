"""The benchmark harness's own pieces on a few rows (never a timed test: bench/ measures)."""

import datetime
import random

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from aspirations import tickets
from aspirations.models import Aspiration, AspirationEvent, Status
from bench import data, report, status
from patrols.models import Officer, Patrol, PatrolTally

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the loaders use PostgreSQL's SQL and COPY"
)


class TestFloorUrls:
    def test_bench_settings_change_only_the_urlconf(self):
        from django.conf import settings as production

        import bench.settings as bench_settings

        assert bench_settings.ROOT_URLCONF == "bench.urls"
        assert bench_settings.MIDDLEWARE == production.MIDDLEWARE
        assert bench_settings.INSTALLED_APPS == production.INSTALLED_APPS

    def test_production_urls_have_no_floor(self):
        with pytest.raises(Resolver404):
            resolve("/__floor/bare")

    @override_settings(ROOT_URLCONF="bench.urls")
    def test_bare_floor_answers_without_a_query(self, client, django_assert_num_queries):
        with django_assert_num_queries(0):
            response = client.get("/__floor/bare")
        assert response.status_code == 200
        assert response.content == b"ok"

    @override_settings(ROOT_URLCONF="bench.urls")
    def test_query_floor_runs_one_query(self, client, django_assert_num_queries):
        with django_assert_num_queries(1):
            assert client.get("/__floor/query").status_code == 200

    @override_settings(ROOT_URLCONF="bench.urls")
    def test_template_floor_renders_base_html_for_a_visitor(self, client):
        response = client.get("/__floor/template")
        assert response.status_code == 200
        assert response.templates[0].name == "base.html"  # and the partials it includes
        assert {template.name for template in response.templates} <= {"base.html", "_nav.html", "_footer.html"}
        assert not response.context["user"].is_authenticated

    @override_settings(ROOT_URLCONF="bench.urls")
    def test_signed_in_template_floor_needs_a_session(self, client):
        assert client.get("/__floor/template-signed-in").status_code == 302
        data.ensure_accounts(password="bench-password-for-tests")
        client.force_login(Officer.objects.get(username="pimpinan"))
        response = client.get("/__floor/template-signed-in")
        assert response.status_code == 200
        assert response.templates[0].name == "base.html"  # and the partials it includes
        assert {template.name for template in response.templates} <= {"base.html", "_nav.html", "_footer.html"}
        assert response.context["user"].username == "pimpinan"

    @override_settings(ROOT_URLCONF="bench.urls")
    def test_the_portal_is_still_there(self, client):
        assert client.get("/").status_code == 200


class TestStatusFlows:
    @pytest.fixture
    def aspirations(self):
        data.ensure_accounts(password="bench-password-for-tests")
        planner = data._AspirationPlanner(rng=random.Random(3), now=timezone.now(), taken=set())
        for pk, submitted_at in enumerate(planner.submission_times(5), start=1):
            row, _events = planner.plan(pk, submitted_at)
            Aspiration.objects.create(**row)

    def test_each_flow_looks_up_its_kind_of_code(self, client, aspirations):
        right, unknown, malformed = (status.codes(flow, 5) for flow in status.FLOWS)
        assert sorted(right) == sorted(Aspiration.objects.values_list("code", flat=True))
        assert len(unknown) == 5 and all(tickets.is_valid(code) for code in unknown)
        assert not Aspiration.objects.filter(code__in=unknown).exists()
        assert all(not tickets.is_valid(code) for code in malformed)

        path = reverse("aspirations:status")
        for flow, codes in zip(status.FLOWS, (right, unknown, malformed), strict=True):
            response = status.lookup(client, path, codes[0])
            assert response.status_code == status.EXPECT[flow]
            # Only a right code shows an aspiration (its code as the result's heading).
            assert (f'ticket-code">{codes[0]}<' in response.content.decode()) == (flow == "right")
            assert 'id="status-result"' in response.content.decode()  # a look-up's page, not the empty form
            assert response.request["QUERY_STRING"] == ""  # no code in the URL


class TestFormPost:
    def test_every_body_stores_a_new_unflagged_aspiration(self, client, settings):
        from bench.scenarios import post_bodies

        settings.KRK_RATELIMIT_EXEMPT_IPS = ["127.0.0.1"]
        url = reverse("aspirations:submit")
        bodies = post_bodies(client.get(url).content.decode(), 3)
        answers = [client.post(url, body, content_type="application/x-www-form-urlencoded") for body in bodies]
        assert [answer.status_code for answer in answers] == [302, 302, 302]
        assert Aspiration.objects.filter(is_spam_suspected=False).count() == 3


class TestCsv:
    def test_null_is_bare_and_empty_string_is_quoted(self):
        assert data._csv_field(None) == ""
        assert data._csv_field("") == '""'
        assert data._csv_field('a "b", c') == '"a ""b"", c"'
        assert data._csv_field("plain") == "plain"

    def test_stream_reads_every_chunk_in_order(self):
        stream = data._Stream(iter(["ab", "cde", "f"]))
        assert stream.read(2) == b"ab"
        assert stream.read(-1) == b"cdef"
        assert stream.read(10) == b""


class TestAspirationPlanner:
    def test_planned_rows_pass_model_validation(self):
        data.ensure_accounts(password="bench-password-for-tests")
        planner = data._AspirationPlanner(rng=random.Random(7), now=timezone.now(), taken=set())
        statuses = set()
        times = planner.submission_times(150)
        assert times == sorted(times)  # oldest first: rows go in in time order, as in real life
        for pk, submitted_at in enumerate(times, start=1):
            row, events = planner.plan(pk, submitted_at)
            aspiration = Aspiration(**row)
            aspiration.full_clean(exclude=["updated_at"])
            assert tickets.is_valid(aspiration.code)
            statuses.add(aspiration.status)
            for values in events:
                AspirationEvent(**values).full_clean(exclude=["aspiration"])
            assert events[0]["kind"] == "created"
        assert statuses == set(Status.values)


@on_postgresql
class TestLoaders:
    def test_grow_in_steps_with_consistent_rows(self):
        data.ensure_accounts(password="bench-password-for-tests")
        data.grow_patrols(40)
        data.grow_aspirations(30)
        added = {result.table: result.added for result in data.grow_patrols(70) + data.grow_aspirations(50)}

        assert added["patrols_patrol"] == 30
        assert added["aspirations_aspiration"] == 20
        assert Patrol.objects.count() == 70
        assert Aspiration.objects.count() == 50
        assert Patrol.members.through.objects.exists()
        assert Patrol.topics.through.objects.exists()
        assert sum(row.patrols for row in PatrolTally.objects.all()) == 70  # bulk loads recount the tallies
        assert data.check_integrity() == []
        for patrol in Patrol.objects.all()[:20]:
            patrol.full_clean()
            assert patrol.started_at > timezone.now() - datetime.timedelta(days=data.DAYS + 1)
        # The identity sequence moved past the copied ids: a normal insert still works.
        assert Aspiration.objects.order_by("-pk").first().pk == 50

    def test_growing_to_a_smaller_size_adds_nothing(self):
        data.ensure_accounts(password="bench-password-for-tests")
        data.grow_patrols(10)
        assert data.grow_patrols(5)[0].added == 0


class TestReport:
    def results(self, *, list_rps: float = 300, list_p99: float = 20.0, rows_created: int = 40) -> dict:
        def measured(key, rps, p50=5.0, p99=20.0, **extra):
            return {
                "scenario": key,
                "label": key,
                "path": "/",
                "connections": 16,
                "rps": rps,
                "p50_ms": p50,
                "p90_ms": p50,
                "p99_ms": p99,
                "max_ms": p99,
                "requests": 100,
                "errors": 0,
                "load_before": 0.1,
                "peak_rss_kb": 80_000,
                "extra": extra,
            }

        post = {
            "rows_before": 10,
            "rows_after": 10 + rows_created,
            "rows_created": rows_created,
            "answered_302": 40,
            "other_statuses": {},
            "flagged_or_odd": 0,
            "rows_match": rows_created == 40,
        }
        stage = {
            "stage": {"name": "1M", "patrols": 1_000_000, "aspirations": 100_000, "full": True},
            "in_process": {"home": {"queries": 0, "queries_min": 0, "render_ms": 1.0}},
            "measurements": [
                measured("floor_bare", 4000),
                measured("floor_query", 2000),
                measured("floor_template", 3000),
                measured("floor_template_signed_in", 2400),
                measured("home", 1000),
                measured("status_unknown", 999),
                measured("form_post", 600, **post),
                measured("patrol_list", list_rps, p99=list_p99),
            ],
        }
        return {"stages": [stage]}

    def verdicts(self, results: dict) -> dict:
        return {(target, scope): ok for target, scope, _measured, ok in report.evaluate(results)}

    def test_each_page_is_judged_against_its_own_floor(self):
        verdicts = self.verdicts(self.results())
        assert verdicts[("Public page ≥ 1/3 of the anonymous template floor", "home @ 1M")] is True  # 1000/3000
        assert verdicts[("Public page ≥ 1/3 of the anonymous template floor", "status_unknown @ 1M")] is False
        assert verdicts[("Form POST (one aspiration, no photo) ≥ 1/4 of the one-query floor", "form_post @ 1M")]
        assert verdicts[("Signed-in list ≥ 1/8 of the signed-in template floor", "patrol_list @ 1M")] is True
        assert verdicts[("Form POST: rows created = answers", "form_post @ 1M")] is True

    def test_slow_lists_lost_rows_and_unmeasured_pages_are_misses(self):
        verdicts = self.verdicts(self.results(list_rps=299, list_p99=400.0, rows_created=39))
        assert verdicts[("Signed-in list ≥ 1/8 of the signed-in template floor", "patrol_list @ 1M")] is False
        assert verdicts[("Signed-in list p99 < 400 ms at 16 connections", "patrol_list @ 1M")] is False
        assert verdicts[("Form POST: rows created = answers", "form_post @ 1M")] is False
        assert verdicts[("Signed-in list measured", "inbox_deep @ 1M")] is False
        assert verdicts[("Public page measured", "status_malformed @ 1M")] is False


def test_markdown_renders(tmp_path):
    results = TestReport().results()
    results.update(
        machine={
            "date": "today",
            "nproc": 2,
            "memory_gb": 1,
            "cpu": "cpu",
            "kernel": "k",
            "os": "os",
            "python": "3",
            "django": "5",
            "gunicorn": "g",
            "postgresql": "15",
            "postgresql_settings": {"shared_buffers": "1", "work_mem": "1", "jit": "on", "max_connections": "1"},
            "wrk": "wrk",
        },
        quiet={"quiet": True, "waited_s": 0, "load": 0.1},
        setup={"migrate_s": 1, "collectstatic_s": 1, "accounts_s": 1},
        args={"duration": "12", "connections": "16"},
    )
    results["stages"][0].update(loads=[], vacuum_s=0.1, broken_foreign_keys=[])
    text = report.render(results, raw_path="bench/out/results.json")
    assert "| Public page ≥ 1/3 of the anonymous template floor | home @ 1M |" in text
    assert "| home | 16 | 1000 | 0.33 template |" in text
    assert "| patrol_list | 16 | 300 | 0.12 signed-in |" in text
