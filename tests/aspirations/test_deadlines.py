"""Working-day deadlines across weekends and real Indonesian public holidays."""

import datetime
import zoneinfo

import pytest

from aspirations import deadlines

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")
UTC = datetime.UTC


def wib(year, month, day, hour=10, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=WIB)


def end_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max, tzinfo=WIB)


class TestWorkingDays:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (datetime.date(2025, 12, 5), True),  # Friday
            (datetime.date(2025, 12, 6), False),  # Saturday
            (datetime.date(2025, 12, 7), False),  # Sunday
            (datetime.date(2025, 3, 31), False),  # Idul Fitri 1446 H (Monday)
            (datetime.date(2025, 4, 18), False),  # Good Friday
            (datetime.date(2026, 1, 16), False),  # Isra Mi'raj 1447 H (Friday)
            (datetime.date(2026, 5, 14), False),  # Ascension Day (Thursday)
            (datetime.date(2026, 8, 17), False),  # Independence Day (Monday)
        ],
    )
    def test_weekends_and_public_holidays_are_not_working_days(self, day, working):
        assert deadlines.is_working_day(day) is working

    def test_the_day_itself_never_counts(self):
        assert deadlines.add_working_days(datetime.date(2025, 12, 8), 1) == datetime.date(2025, 12, 9)

    def test_refuses_zero_days(self):
        with pytest.raises(ValueError):
            deadlines.add_working_days(datetime.date(2025, 12, 8), 0)


class TestVerificationDue:
    def test_three_working_days_in_an_ordinary_week(self):
        # Monday -> Tuesday, Wednesday, Thursday.
        assert deadlines.verification_due(wib(2025, 12, 8)) == end_of(datetime.date(2025, 12, 11))

    def test_skips_the_weekend(self):
        # Friday -> Monday, Tuesday, Wednesday.
        assert deadlines.verification_due(wib(2025, 12, 5, 16)) == end_of(datetime.date(2025, 12, 10))

    def test_skips_a_holiday_next_to_the_weekend(self):
        # Thursday 15 Jan 2026; Friday 16 Jan is Isra Mi'raj -> Mon 19, Tue 20, Wed 21.
        assert deadlines.verification_due(wib(2026, 1, 15)) == end_of(datetime.date(2026, 1, 21))

    def test_skips_idul_fitri_and_the_weekend_before_it(self):
        # Friday 28 Mar 2025; Sat-Sun, then Idul Fitri Mon 31 Mar and Tue 1 Apr -> Wed 2, Thu 3, Fri 4.
        assert deadlines.verification_due(wib(2025, 3, 28)) == end_of(datetime.date(2025, 4, 4))

    def test_cuti_bersama_count_only_when_configured(self, settings):
        settings.KRK_HOLIDAY_CATEGORIES = ("public", "government")
        # The joint leave days 2-4 and 7 Apr 2025 are skipped too -> Tue 8, Wed 9, Thu 10.
        assert deadlines.verification_due(wib(2025, 3, 28)) == end_of(datetime.date(2025, 4, 10))

    def test_counts_from_the_date_in_wib_not_utc(self):
        # 17:30 UTC on Thursday is already Friday 00:30 in Krangkeng.
        submitted = datetime.datetime(2025, 12, 4, 17, 30, tzinfo=UTC)
        assert deadlines.verification_due(submitted) == end_of(datetime.date(2025, 12, 10))

    def test_the_number_of_days_is_a_setting(self, settings):
        settings.KRK_VERIFY_WORKING_DAYS = 1
        assert deadlines.verification_due(wib(2025, 12, 5)) == end_of(datetime.date(2025, 12, 8))


class TestFollowupDue:
    def test_five_working_days_after_verification_across_a_holiday(self):
        # Verified Wed 13 May 2026; Thu 14 is Ascension Day -> Fri 15, Mon 18, Tue 19, Wed 20, Thu 21.
        assert deadlines.followup_due(wib(2026, 5, 13, 9)) == end_of(datetime.date(2026, 5, 21))

    def test_the_number_of_days_is_a_setting(self, settings):
        settings.KRK_FOLLOWUP_WORKING_DAYS = 2
        assert deadlines.followup_due(wib(2025, 12, 8)) == end_of(datetime.date(2025, 12, 10))
