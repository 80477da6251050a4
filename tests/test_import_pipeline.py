"""The write pipeline (``elections.importing.pipeline``): statements sent from a worker while the caller goes
on, in order, waited for by the caller's next statement, errors raised in the caller."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from elections.importing.pipeline import pipelined, send

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def table(db):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE pipeline_probe (n integer PRIMARY KEY, at integer)")
    yield "pipeline_probe"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE pipeline_probe")


def insert(n: int, slow: bool = False):
    sleep = "(SELECT 0 FROM pg_sleep(0.05))" if slow and POSTGRES else "0"

    def statement(cursor):
        cursor.execute(f"INSERT INTO pipeline_probe (n, at) VALUES (%s, {sleep} + "
                       "(SELECT COUNT(*) FROM pipeline_probe))", [n])
    return statement


def probe() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n, at FROM pipeline_probe ORDER BY n")
        return list(cursor.fetchall())


def test_statements_run_in_the_order_sent_and_the_callers_next_statement_sees_them(table):
    with transaction.atomic(), pipelined():
        for n in (1, 2, 3):
            send(insert(n, slow=True))
        seen = probe()  # waits for the three
    assert seen == [(1, 0), (2, 1), (3, 2)]  # each saw those sent before it


def test_statements_are_sent_from_another_thread_on_postgresql_only(table):
    threads = []
    with transaction.atomic(), pipelined():
        send(lambda cursor: threads.append(threading.current_thread()))
    assert (threads[0] is not threading.current_thread()) == POSTGRES


def test_statements_sent_are_counted_and_logged_in_order(table):
    with CaptureQueriesContext(connection) as captured, transaction.atomic(), pipelined():
        send(insert(1, slow=True))
        send(insert(2))
        probe()
    sql = [q["sql"] for q in captured.captured_queries if "pipeline_probe" in q["sql"]]
    assert [s.split()[0] for s in sql] == ["INSERT", "INSERT", "SELECT"]
    assert "VALUES (1," in sql[0] and "VALUES (2," in sql[1]


@pytest.mark.skipif(not POSTGRES, reason="elsewhere statements run at once: the error is raised by send")
def test_a_failed_statement_is_raised_in_the_caller_and_those_after_it_are_dropped(table):
    with CaptureQueriesContext(connection) as captured:
        with pytest.raises(IntegrityError), transaction.atomic(), pipelined():
            send(insert(1))
            send(insert(1, slow=True))  # the same key again
            send(insert(2))
    sent = [q["sql"] for q in captured.captured_queries if "INSERT INTO pipeline_probe" in q["sql"]]
    assert len(sent) == 2  # the third was never sent
    assert probe() == []  # rolled back whole


def test_an_error_in_the_caller_waits_for_what_was_sent_and_leaves_the_connection_usable(table):
    with pytest.raises(ValueError), transaction.atomic(), pipelined():
        send(insert(1, slow=True))
        raise ValueError("the caller failed")
    assert [t.name for t in threading.enumerate() if t.name.startswith("write-pipeline")] == []
    assert probe() == []
    with transaction.atomic(), pipelined():
        send(insert(5))
    assert probe() == [(5, 0)]


def test_an_inner_block_sends_through_the_outer_one(table):
    with transaction.atomic(), pipelined():
        send(insert(1, slow=True))
        with pipelined():
            send(insert(2))
        send(insert(3))
    assert probe() == [(1, 0), (2, 1), (3, 2)]
