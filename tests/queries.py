"""Counting the queries a page costs, apart from loading the session.

Whether the session row is read from the database or a cache is a deployment
choice (settings.SESSION_ENGINE: the database, or Redis when the suite runs with
KRK_TEST_CACHE); what these tests pin is what the page itself asks.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextmanager
def page_queries():
    """Collect the SQL a block runs, leaving out reads and writes of django_session."""
    found: list[str] = []
    with CaptureQueriesContext(connection) as captured:
        yield found
    found.extend(q["sql"] for q in captured.captured_queries if '"django_session"' not in q["sql"])
