"""What the database itself guarantees, and what the migrations load."""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from aspirations.models import AspirationEvent, Category, EventKind, Status
from core import roles
from tests.factories import AspirationFactory, OfficerFactory, category

pytestmark = pytest.mark.django_db


def refused(**fields) -> bool:
    try:
        with transaction.atomic():
            AspirationFactory(**fields)
    except IntegrityError:
        return True
    return False


class TestAspirationConstraints:
    def test_identity_needs_a_consent_time(self):
        assert refused(reporter_phone="081234567890")
        assert not refused(reporter_phone="081234567890", consent_given_at=timezone.now())

    def test_latitude_and_longitude_come_together(self):
        assert refused(latitude="-6.48")
        assert not refused(latitude="-6.48", longitude="108.50")

    def test_a_rejection_needs_a_reason(self):
        assert refused(status=Status.DITOLAK)
        assert not refused(status=Status.DITOLAK, rejection_reason="spam")

    def test_resolved_needs_a_time(self):
        assert refused(status=Status.SELESAI)
        assert not refused(status=Status.SELESAI, resolved_at=timezone.now())

    def test_codes_are_unique(self):
        first = AspirationFactory()
        assert refused(code=first.code)

    def test_a_category_in_use_cannot_be_deleted(self):
        aspiration = AspirationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            aspiration.category.delete()

    def test_anonymous_means_no_identity_field(self):
        assert AspirationFactory().is_anonymous
        assert not AspirationFactory(reporter_email="a@example.org", consent_given_at=timezone.now()).is_anonymous


class TestEventConstraints:
    def test_an_internal_note_is_never_public(self):
        aspiration = AspirationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            AspirationEvent.objects.create(aspiration=aspiration, kind=EventKind.INTERNAL_NOTE, is_public=True)

    def test_a_status_change_names_the_new_status(self):
        aspiration = AspirationFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            AspirationEvent.objects.create(aspiration=aspiration, kind=EventKind.STATUS_CHANGE, is_public=True)


class TestCategories:
    def test_the_migration_loads_the_domain_categories_with_other_last(self):
        slugs = list(Category.objects.values_list("slug", flat=True))
        assert slugs == [
            "keamanan-lingkungan",
            "geng-motor-tawuran",
            "narkoba",
            "lalu-lintas",
            "konflik-sosial",
            "kdrt-perlindungan-anak",
            "bencana",
            "pelayanan-polisi",
            "lainnya",
        ]

    def test_the_label_follows_the_language(self):
        drugs = category("narkoba")
        with translation.override("id"):
            assert str(drugs) == "Narkoba"
        with translation.override("en"):
            assert str(drugs) == "Drugs"
        drugs.name_en = ""
        with translation.override("en"):
            assert str(drugs) == "Narkoba"


class TestRolePermissions:
    @pytest.mark.parametrize(
        ("role", "allowed"),
        [(roles.OFFICER, False), (roles.OPERATOR, True), (roles.COMMAND, True), (roles.ADMIN, False)],
    )
    def test_only_intake_and_command_may_reveal_identity(self, role, allowed):
        user = OfficerFactory(role=role)
        assert user.has_perm("aspirations.view_reporter_identity") is allowed

    def test_admin_edits_categories(self):
        assert OfficerFactory(role=roles.ADMIN).has_perm("aspirations.change_category")
        assert not OfficerFactory(role=roles.OPERATOR).has_perm("aspirations.change_category")

    def test_every_role_group_exists(self):
        assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
