"""Shared set-up of the benchmarks: Django on ``DATABASE_URL`` (else a temporary SQLite file)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(workdir: str | os.PathLike[str] | None = None, require_postgres: bool = False) -> str:
    """Django set up on ``DATABASE_URL`` (a SQLite file in ``workdir`` when unset); the database's vendor."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_tracker.settings")
    if not os.environ.get("DATABASE_URL"):
        if require_postgres or workdir is None:
            raise SystemExit("set DATABASE_URL to a PostgreSQL database (postgres://user@host:5432/name)")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir) / 'benchmark.sqlite3'}"
    import django

    django.setup()
    from django.db import connection

    if require_postgres and connection.vendor != "postgresql":
        raise SystemExit(f"this benchmark needs PostgreSQL, not {connection.vendor}")
    return connection.vendor


def postgres_settings(analyze: bool) -> str:
    """ANALYZE the new rows (what autovacuum does shortly after a bulk load) and say whether JIT is on:
    with JIT, each figures query pays about a second of compilation (``PGOPTIONS="-c jit=off"``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if analyze:
            cursor.execute("ANALYZE")
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    return f"PostgreSQL: statistics {'analysed' if analyze else 'NOT analysed'}, jit={jit}"
