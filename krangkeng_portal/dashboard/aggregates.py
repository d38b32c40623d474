"""A median the database computes, on PostgreSQL and on SQLite alike.

PostgreSQL has `percentile_cont(0.5) WITHIN GROUP (ORDER BY ...)`. SQLite has no
median, so it gets a small aggregate function written in Python, registered on the
connection just before the query that needs it (as Django registers its own
`django_*` functions on SQLite). Either way the median is one column of the same
aggregate query as the counts next to it, and NULLs are ignored.
"""

from __future__ import annotations

import statistics

from django.db.models import Aggregate, DurationField

SQLITE_FUNCTION = "KRK_MEDIAN"


class _SqliteMedian:
    def __init__(self) -> None:
        self.values: list = []

    def step(self, value) -> None:
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


class Median(Aggregate):
    """The median of a duration expression, e.g. `Median(F("verified_at") - F("submitted_at"))`."""

    name = "Median"
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_aggregate(SQLITE_FUNCTION, 1, _SqliteMedian)
        return super().as_sql(
            compiler, connection, function=SQLITE_FUNCTION, template="%(function)s(%(expressions)s)", **extra_context
        )
