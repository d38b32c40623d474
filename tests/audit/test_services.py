import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from tests.factories import OfficerFactory, PatrolFactory, neighbour_village, unit, village

pytestmark = pytest.mark.django_db


class TestAuditRecord:
    def test_records_actor_target_and_summary(self, commander):
        target = village("Krangkeng")
        entry = audit_record(
            action=AuditAction.PATROL_CHANGED, actor=commander, target=target, summary="lokasi diperbaiki"
        )
        entry.refresh_from_db()
        assert entry.actor == commander
        assert entry.actor_username == commander.username
        assert (entry.target_type, entry.target_id) == ("patrols.village", str(target.pk))
        assert entry.summary == "lokasi diperbaiki"
        assert entry.created_at is not None

    def test_actor_defaults_to_the_signed_in_user_of_the_request(self, rf, operator):
        request = rf.get("/", REMOTE_ADDR="203.0.113.7")
        request.user = operator
        entry = audit_record(action=AuditAction.IDENTITY_REVEALED, request=request)
        assert entry.actor == operator

    def test_anonymous_request_has_no_actor(self, rf):
        request = rf.get("/")
        request.user = AnonymousUser()
        entry = audit_record(action=AuditAction.SIGN_IN_FAILED, request=request, actor_username="tebakan")
        assert entry.actor is None
        assert entry.actor_username == "tebakan"

    def test_the_address_is_kept_only_as_a_keyed_hash(self, rf, operator):
        first = audit_record(action=AuditAction.SIGN_IN, actor=operator, request=rf.get("/", REMOTE_ADDR="203.0.113.7"))
        again = audit_record(action=AuditAction.SIGN_IN, actor=operator, request=rf.get("/", REMOTE_ADDR="203.0.113.7"))
        other = audit_record(action=AuditAction.SIGN_IN, actor=operator, request=rf.get("/", REMOTE_ADDR="203.0.113.8"))
        assert len(first.ip_hash) == 64
        assert first.ip_hash == again.ip_hash != other.ip_hash
        stored = AuditEntry.objects.filter(pk=first.pk).values_list().get()
        assert not any("203.0.113" in str(value) for value in stored)

    def test_the_hash_depends_on_the_secret_key(self, rf, operator, settings):
        before = audit_record(action=AuditAction.SIGN_IN, actor=operator, request=rf.get("/", REMOTE_ADDR="10.1.1.1"))
        settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
        after = audit_record(action=AuditAction.SIGN_IN, actor=operator, request=rf.get("/", REMOTE_ADDR="10.1.1.1"))
        assert before.ip_hash != after.ip_hash

    def test_behind_a_proxy_the_forwarded_client_counts(self, rf, operator, settings):
        settings.KRK_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
        direct_request = rf.get("/", REMOTE_ADDR="198.51.100.9")
        direct = audit_record(action=AuditAction.SIGN_IN, actor=operator, request=direct_request)
        proxied = audit_record(
            action=AuditAction.SIGN_IN,
            actor=operator,
            request=rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9"),
        )
        assert proxied.ip_hash == direct.ip_hash

    def test_the_username_snapshot_survives_the_account(self, operator):
        entry = audit_record(action=AuditAction.PERSONAL_DATA_EXPORTED, actor=operator)
        username = operator.username
        operator.delete()
        entry.refresh_from_db()
        assert entry.actor is None
        assert entry.actor_username == username

    def test_unknown_action_is_refused(self, operator):
        from django.core.exceptions import ValidationError

        before = AuditEntry.objects.count()
        with pytest.raises(ValidationError):
            audit_record(action="made_up", actor=operator)
        assert AuditEntry.objects.count() == before


class TestUnitOfTheEntry:
    def test_the_unit_of_the_record_acted_on(self, commander):
        patrol = PatrolFactory(village=neighbour_village())
        entry = audit_record(action=AuditAction.PATROL_CHANGED, actor=commander, target=patrol)
        assert entry.unit.code == "karangampel"

    def test_else_the_actors(self, operator):
        entry = audit_record(action=AuditAction.SIGN_IN, actor=operator)
        assert entry.unit == unit("krangkeng")

    def test_an_account_changed_is_the_accounts_unit(self, commander):
        polres_officer = OfficerFactory(unit=unit("indramayu"))
        entry = audit_record(action=AuditAction.ACCOUNT_CHANGED, actor=commander, target=polres_officer)
        assert entry.unit == unit("indramayu")

    def test_a_failed_sign_in_of_nobody_has_no_unit(self):
        entry = audit_record(action=AuditAction.SIGN_IN_FAILED, actor_username="tebakan")
        assert entry.unit is None

    def test_reads_the_unit_from_the_rows_in_hand(self, operator):
        with CaptureQueriesContext(connection) as queries:
            audit_record(action=AuditAction.SIGN_IN, actor=operator)
        assert not [query for query in queries.captured_queries if query["sql"].startswith("SELECT")]
