"""After a bulk write on PostgreSQL the planner's statistics are refreshed (issue 9, item 11)."""

import math

import pytest
from django.db import connection

from cadre_tracker.db import analyze, analyze_changed, analyze_written
from hamlets.models import Hamlet, PartyMember
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


def test_a_bulk_write_refreshes_the_tables_it_changed_by_autovacuums_rule():
    """Tables never analysed, or changed by 50 rows plus a tenth of those last counted, are analysed; others not."""
    if connection.vendor != "postgresql":
        assert analyze_changed({Hamlet: 500}) == []
        return
    HamletFactory.create_batch(3)
    analyze([Hamlet, PartyMember])
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [Hamlet._meta.db_table])
        assert cursor.fetchone()[0] == 3
    assert analyze_changed({Hamlet: 54, PartyMember: 0}) == [Hamlet._meta.db_table]
    assert analyze_changed({Hamlet: 0}) == []
    table = Hamlet._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        counted = cursor.fetchone()[0]
    before = last_analyze(table)
    grown = math.ceil(50 + 0.1 * counted)
    assert analyze_changed({Hamlet: grown - 1}) == []
    assert last_analyze(table) == before
    assert analyze_changed({Hamlet: grown}) == [table]
    assert last_analyze(table) > before


def test_the_workers_task_analyses_the_models_it_is_named():
    """``analyze_after_commit`` hands the worker model labels (a task's arguments are JSON): they name the
    same tables as the models."""
    if connection.vendor != "postgresql":
        assert analyze_written.call({"hamlets.Hamlet": 500}) == []
        return
    HamletFactory.create_batch(3)
    analyze([Hamlet, PartyMember])
    assert analyze_written.call({"hamlets.Hamlet": 54, "hamlets.PartyMember": 0}) == [Hamlet._meta.db_table]
