"""Writes for officers, villages and assignments (HackSoft style: keyword-only)."""

from __future__ import annotations

import datetime

from django.db import transaction

from .models import Assignment, Officer, Village


@transaction.atomic
def assignment_start(*, officer: Officer, village: Village, start_date: datetime.date) -> Assignment:
    """Make `officer` the village's Bhabinkamtibmas from `start_date`.

    The village's open assignment, if any, ends the day before; the row is locked
    so two admins reassigning at once cannot leave two open assignments.
    """
    current = Assignment.objects.select_for_update().filter(village=village, end_date__isnull=True).first()
    if current is not None:
        if current.officer_id == officer.pk:
            return current
        current.end_date = max(current.start_date, start_date - datetime.timedelta(days=1))
        current.full_clean()
        current.save(update_fields=["end_date"])
        start_date = max(start_date, current.end_date + datetime.timedelta(days=1))
    assignment = Assignment(officer=officer, village=village, start_date=start_date)
    assignment.full_clean()
    assignment.save()
    return assignment
