import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from patrols.models import Assignment, Village
from patrols.services import assignment_start
from tests.factories import OfficerFactory, village

pytestmark = pytest.mark.django_db
JAN1 = datetime.date(2025, 1, 1)


class TestAssignmentStart:
    def test_first_assignment_is_open(self):
        officer = OfficerFactory()
        assignment = assignment_start(officer=officer, village=village("Srengseng"), start_date=JAN1)
        assert assignment.end_date is None
        assert list(Assignment.objects.in_force(JAN1)) == [assignment]

    def test_new_officer_closes_the_previous_assignment(self):
        first, second = OfficerFactory(), OfficerFactory()
        old = assignment_start(officer=first, village=village("Srengseng"), start_date=JAN1)
        new = assignment_start(officer=second, village=village("Srengseng"), start_date=datetime.date(2025, 3, 1))
        old.refresh_from_db()
        assert old.end_date == datetime.date(2025, 2, 28)
        assert list(Assignment.objects.in_force(datetime.date(2025, 2, 28))) == [old]
        assert list(Assignment.objects.in_force(datetime.date(2025, 3, 1))) == [new]

    def test_same_officer_again_is_a_no_op(self):
        officer = OfficerFactory()
        first = assignment_start(officer=officer, village=village("Srengseng"), start_date=JAN1)
        again = assignment_start(officer=officer, village=village("Srengseng"), start_date=datetime.date(2025, 5, 1))
        assert again == first
        assert Assignment.objects.count() == 1

    def test_one_officer_may_hold_several_villages(self):
        officer = OfficerFactory()
        for name in ("Srengseng", "Kalianyar"):
            assignment_start(officer=officer, village=village(name), start_date=JAN1)
        assert officer.assignments.in_force(JAN1).count() == 2


class TestAssignmentIntegrity:
    def test_database_refuses_two_open_assignments_for_a_village(self):
        srengseng = village("Srengseng")
        Assignment.objects.create(officer=OfficerFactory(), village=srengseng, start_date=JAN1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Assignment.objects.create(officer=OfficerFactory(), village=srengseng, start_date=JAN1)

    def test_end_before_start_is_invalid(self):
        assignment = Assignment(
            officer=OfficerFactory(), village=village("Srengseng"), start_date=JAN1, end_date=datetime.date(2024, 1, 1)
        )
        with pytest.raises(ValidationError):
            assignment.full_clean()

    def test_overlap_with_a_closed_assignment_is_invalid(self):
        srengseng = village("Srengseng")
        Assignment.objects.create(
            officer=OfficerFactory(), village=srengseng, start_date=JAN1, end_date=datetime.date(2025, 6, 30)
        )
        overlapping = Assignment(officer=OfficerFactory(), village=srengseng, start_date=datetime.date(2025, 6, 1))
        with pytest.raises(ValidationError):
            overlapping.full_clean()


def test_with_current_officers_prefetches_in_two_queries(django_assert_num_queries):
    for index, name in enumerate(("Srengseng", "Kalianyar", "Tanjakan")):
        assignment_start(officer=OfficerFactory(first_name=f"N{index}"), village=village(name), start_date=JAN1)
    with django_assert_num_queries(2):
        names = {
            v.name: [a.officer.first_name for a in v.current_assignments]
            for v in Village.objects.with_current_officers()
        }
    assert names["Srengseng"] == ["N0"]
    assert names["Krangkeng"] == []
