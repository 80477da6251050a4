"""After a bulk write on PostgreSQL the planner's statistics are refreshed (issue 9, item 11)."""

import pytest
from django.db import connection

from cadre_tracker.db import analyze
from hamlets.models import Hamlet
from tests.factories import HamletFactory

pytestmark = pytest.mark.django_db(transaction=True)


def last_analyze(table: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = %s", [table])
        row = cursor.fetchone()
    return row[0] if row else None


def test_analyze_refreshes_statistics_on_postgresql_only():
    HamletFactory.create_batch(3)
    if connection.vendor != "postgresql":
        assert analyze([Hamlet]) is False
        return
    before = last_analyze(Hamlet._meta.db_table)
    assert analyze([Hamlet]) is True
    after = last_analyze(Hamlet._meta.db_table)
    assert after is not None and (before is None or after > before)
