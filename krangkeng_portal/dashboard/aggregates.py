"""A median the database computes, on PostgreSQL and on SQLite alike.

PostgreSQL has `percentile_cont(0.5) WITHIN GROUP (ORDER BY ...)`. SQLite has no
median, so it gets a small aggregate function written in Python, registered on the
connection just before the query that needs it (as Django registers its own
`django_*` functions on SQLite). Either way the median is one column of the same
aggregate query as the counts next to it, and NULLs are ignored.
"""

from __future__ import annotations

import statistics

from django.db.models import Aggregate, DurationField, Func
from django.db.models.expressions import TemporalSubtraction

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
    """The median of a duration expression, e.g. `Median(Elapsed("verified_at", "submitted_at"))`."""

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


class Elapsed(Func):
    """`end - start` of two datetime columns, a duration computed by the database itself.

    Django subtracts datetimes natively on PostgreSQL, but on SQLite with a Python
    function called for every row (`django_timestamp_diff`, two timestamps parsed each
    time): 0.2 s for the medians of a Polres's month of aspirations. SQLite's own
    `julianday` counts milliseconds, so there the difference is whole milliseconds
    (as microseconds, the way Django stores a duration on SQLite).
    """

    arity = 2
    output_field = DurationField()

    def as_sql(self, compiler, connection, **extra_context):
        end, start = self.get_source_expressions()
        return compiler.compile(TemporalSubtraction(end, start))

    def as_sqlite(self, compiler, connection, **extra_context):
        (end, end_params), (start, start_params) = (compiler.compile(e) for e in self.get_source_expressions())
        sql = f"(CAST(ROUND((julianday({end}) - julianday({start})) * 86400000) AS INTEGER) * 1000)"
        return sql, (*end_params, *start_params)
