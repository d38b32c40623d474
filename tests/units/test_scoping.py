"""The unit scope (units.scoping): a query of unit data outside any scope fails, inside one it
sees the scope's subtree, and the condition is a subquery inside the same query."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aspirations.models import Aspiration, AspirationEvent, Attachment
from audit.models import AuditEntry
from exports.models import ExportJob
from patrols.models import Assignment, Patrol, PatrolPhoto, PatrolTally, UnitPatrolTally, Village
from tests.factories import AspirationFactory, OfficerFactory, PatrolFactory, neighbour_village, unit
from units.scoping import (
    ScopeError,
    deployment_wide,
    unit_scope,
    user_scope,
    visible_unit_ids,
    visible_units,
)

pytestmark = pytest.mark.django_db

SCOPED = [
    Patrol,
    PatrolPhoto,
    PatrolTally,
    UnitPatrolTally,
    Village,
    Assignment,
    Aspiration,
    AspirationEvent,
    Attachment,
]
SCOPED += [AuditEntry, ExportJob]


@pytest.fixture
def two_polsek():
    """A patrol and an aspiration in Krangkeng, and the same in Karangampel (another Polsek)."""
    outside = neighbour_village()
    return {
        "krangkeng": (PatrolFactory(), AspirationFactory()),
        "karangampel": (PatrolFactory(village=outside), AspirationFactory(village=outside)),
    }


class TestOutsideAnyScope:
    @pytest.mark.parametrize("model", SCOPED, ids=lambda model: model.__name__)
    def test_a_query_of_unit_data_raises(self, model):
        with user_scope(AnonymousUser()), pytest.raises(ScopeError):
            list(model.objects.all())

    @pytest.mark.parametrize(
        "query",
        [
            lambda: Patrol.objects.exists(),
            lambda: Patrol.objects.count(),
            lambda: Patrol.objects.in_bulk([1]),
            lambda: Patrol.objects.filter(pk=1).update(place="x"),
            lambda: Patrol.objects.filter(pk=-1).delete(),
            lambda: Patrol.objects.values_list("pk", flat=True).first(),
            lambda: Aspiration.objects.filter(patrol__in=Patrol.objects.all()).exists(),
        ],
        ids=["exists", "count", "in_bulk", "update", "delete", "values_list", "subquery"],
    )
    def test_every_way_to_the_database_raises(self, query, two_polsek):
        with user_scope(AnonymousUser()), pytest.raises(ScopeError):
            query()

    def test_a_queryset_built_outside_a_scope_runs_in_the_scope_it_is_evaluated_in(self, two_polsek):
        with user_scope(AnonymousUser()):
            built_at_import = Patrol.objects.all()  # as a form field's queryset is
        with unit_scope(unit("krangkeng")):
            assert list(built_at_import) == [two_polsek["krangkeng"][0]]

    def test_the_user_model_is_not_scoped(self, two_polsek):
        with user_scope(AnonymousUser()):
            assert OfficerFactory._meta.model.objects.count() >= 2


class TestInAScope:
    def test_a_polsek_sees_its_own_rows_only(self, two_polsek):
        with unit_scope(unit("krangkeng")):
            assert list(Patrol.objects.all()) == [two_polsek["krangkeng"][0]]
            assert list(Aspiration.objects.all()) == [two_polsek["krangkeng"][1]]
            assert not Village.objects.filter(unit=unit("karangampel")).exists()

    def test_a_polres_sees_every_polsek_below_it(self, two_polsek):
        with unit_scope(unit("indramayu")):
            assert Patrol.objects.count() == 2
            assert Aspiration.objects.count() == 2

    def test_deployment_wide_sees_everything(self, two_polsek):
        with user_scope(AnonymousUser()), deployment_wide():
            assert Patrol.objects.count() == 2

    def test_the_scope_is_a_subquery_in_the_same_query(self, two_polsek):
        with unit_scope(unit("indramayu")), CaptureQueriesContext(connection) as queries:
            assert Patrol.objects.count() == 2  # both Polsek
        assert len(queries) == 1
        assert "IN (SELECT" in queries[0]["sql"]
        assert "indramayu/%" in queries[0]["sql"]

    def test_a_polseks_scope_is_its_id(self, two_polsek):
        """A Polsek has no unit below it: `unit_id = <id>`, which the planner estimates exactly
        (the subquery made PostgreSQL walk a national table's date index: bench/FINDINGS.md)."""
        krangkeng = unit("krangkeng")
        officer = OfficerFactory(unit=krangkeng)
        for scope in (unit_scope(krangkeng), user_scope(officer)):
            with scope, CaptureQueriesContext(connection) as queries:
                assert Patrol.objects.count() == 1
            sql = queries[-1]["sql"]
            assert "IN (SELECT" not in sql and f'"unit_id" = {krangkeng.pk}' in sql

    def test_related_managers_and_prefetches_are_scoped(self, two_polsek):
        outside = two_polsek["karangampel"][1]
        with unit_scope(unit("krangkeng")):
            assert list(AspirationEvent.objects.filter(aspiration=outside)) == []

    def test_unique_checks_see_every_unit(self, two_polsek):
        """A village code taken in another Polsek is a validation error, not an IntegrityError."""
        taken = neighbour_village()
        copy = Village(code=taken.code, name="Copy", kecamatan=unit("krangkeng").kecamatan.first())
        with unit_scope(unit("krangkeng")):
            errors = {}
            try:
                copy.validate_unique()
            except Exception as error:  # ValidationError
                errors = error.message_dict
        assert "code" in errors


class TestUserScope:
    def test_a_user_sees_their_unit_and_below(self, two_polsek):
        polres_operator = OfficerFactory(unit=unit("indramayu"))
        polsek_operator = OfficerFactory(unit=unit("karangampel"))
        with user_scope(polres_operator):
            assert Patrol.objects.count() == 2
        with user_scope(polsek_operator):
            assert list(Patrol.objects.all()) == [two_polsek["karangampel"][0]]

    def test_staff_without_a_unit_see_nothing_and_a_superuser_everything(self, two_polsek):
        with user_scope(OfficerFactory(unit=None)):
            assert Patrol.objects.count() == 0
        with user_scope(OfficerFactory(unit=None, is_superuser=True)):
            assert Patrol.objects.count() == 2

    def test_visible_units(self, two_polsek):
        polsek = OfficerFactory(unit=unit("krangkeng"))
        polres = OfficerFactory(unit=unit("indramayu"))
        assert list(visible_units(polsek)) == [unit("krangkeng")]
        assert set(visible_units(polres)) == {unit("indramayu"), unit("krangkeng"), unit("karangampel")}
        assert set(visible_unit_ids(polres).values_list("pk", flat=True)) == {
            unit(code).pk for code in ("indramayu", "krangkeng", "karangampel")
        }
        assert not visible_units(OfficerFactory(unit=None)).exists()
        assert not visible_units(AnonymousUser()).exists()
