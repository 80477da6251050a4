"""A bulk write's statements sent to PostgreSQL while Python builds the next ones.

A 5,000-row import writes with some twenty statements that return nothing (the ``COPY`` of new rows and of
their history rows, ``UPDATE ... FROM unnest``, ``DELETE``), each after Python has built its rows. Sent one
after the other, the server waited for Python and Python for the server (~300 ms each at 100,000 hamlets,
issue 11). Inside ``pipelined()`` they go, in order, to one worker thread that sends them on the same
connection while the caller builds the next (psycopg2 lets go of the GIL while it waits for the server).

Any other statement on the connection first waits for those sent (an execute wrapper), and so does the
block's end: whatever follows sees every write. A statement that fails (a unique clash: Django's
``IntegrityError``) is raised in the caller, at its next statement or at the block's end, and the statements
sent after it are dropped (the transaction is lost anyway). An error in the caller drops what is not sent yet
and waits for what is. Elsewhere than PostgreSQL, and inside an outer block, statements run at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection

Statement = Callable[[Any], None]  # given a Django cursor of the connection

_current: ContextVar[Pipeline | None] = ContextVar("write_pipeline", default=None)
_worker = threading.local()  # ``sending`` is True in the worker while it sends


class Pipeline:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="write-pipeline")
        self._sent: list[Future[None]] = []
        self._failed = False

    def send(self, statement: Statement) -> None:
        cursor = connection.cursor()  # made here: Django makes a connection's cursors in its own thread only

        def run() -> None:
            if self._failed:
                cursor.close()
                return
            _worker.sending = True
            try:
                with cursor:
                    statement(cursor)
            except BaseException:
                self._failed = True
                raise
            finally:
                _worker.sending = False

        self._sent.append(self._executor.submit(run))

    def wait(self) -> None:
        """Until every statement sent has run; the first one's error, if one failed."""
        sent, self._sent = self._sent, []
        errors = [error for future in sent if (error := future.exception()) is not None]
        if errors:
            raise errors[0]

    def wait_first(self, execute: Callable[..., Any], sql: str, params: Any, many: bool,
                   context: dict[str, Any]) -> Any:
        """Execute wrapper: a statement of the caller's runs after those sent (the worker's own go through)."""
        if not getattr(_worker, "sending", False):
            self.wait()
        return execute(sql, params, many, context)

    def close(self) -> None:
        self._failed = self._failed or bool(self._sent)  # left by an error in the caller: drop the rest
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._sent = []


@contextmanager
def pipelined() -> Iterator[None]:
    """Send the statements of ``send`` from a worker while the block goes on; see the module's docstring."""
    if connection.vendor != "postgresql" or _current.get() is not None:
        yield
        return
    pipeline = Pipeline()
    token = _current.set(pipeline)
    try:
        with connection.execute_wrapper(pipeline.wait_first):
            yield
            pipeline.wait()
    finally:
        pipeline.close()
        _current.reset(token)


def send(statement: Statement) -> None:
    """Run ``statement`` (given a cursor; its result is not read): from the worker inside ``pipelined()``,
    at once elsewhere."""
    pipeline = _current.get()
    if pipeline is None:
        with connection.cursor() as cursor:
            statement(cursor)
    else:
        pipeline.send(statement)
