import datetime
import zoneinfo

import pytest

from audit.models import AuditEntry
from core.dates import FromDayFilter, UntilDayFilter, day_range, day_start

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def test_day_start_is_midnight_wib():
    start = day_start(datetime.date(2025, 3, 31))
    assert start == datetime.datetime(2025, 3, 31, tzinfo=WIB)
    assert start.astimezone(datetime.UTC) == datetime.datetime(2025, 3, 30, 17, tzinfo=datetime.UTC)


def test_day_range_includes_the_last_day():
    assert day_range(datetime.date(2025, 3, 1), datetime.date(2025, 3, 31)) == (
        datetime.datetime(2025, 3, 1, tzinfo=WIB),
        datetime.datetime(2025, 4, 1, tzinfo=WIB),
    )


@pytest.mark.django_db
def test_filters_use_wib_days_at_midnight_edges():
    late = AuditEntry.objects.create(action="sign_in", summary="late")
    early = AuditEntry.objects.create(action="sign_in", summary="early")
    AuditEntry.objects.filter(pk=late.pk).update(created_at=datetime.datetime(2025, 3, 31, 23, 30, tzinfo=WIB))
    AuditEntry.objects.filter(pk=early.pk).update(created_at=datetime.datetime(2025, 4, 1, 0, 10, tzinfo=WIB))
    entries = AuditEntry.objects.all()
    until_march = UntilDayFilter(field_name="created_at").filter(entries, datetime.date(2025, 3, 31))
    from_april = FromDayFilter(field_name="created_at").filter(entries, datetime.date(2025, 4, 1))
    assert [e.summary for e in until_march] == ["late"]
    assert [e.summary for e in from_april] == ["early"]
    assert FromDayFilter(field_name="created_at").filter(entries, None).count() == 2
