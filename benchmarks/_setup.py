"""Shared set-up of the benchmarks: Django on ``DATABASE_URL`` (else a temporary SQLite file)."""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


@dataclass
class TermResults:
    """What ``build_term_results`` wrote: the term and its rows."""

    term: Any
    hamlets: list[Any]
    cells: list[Any]
    congresses: list[Any]
    elections: list[Any]


def build_term_results(communes: list[Any], hamlet_count: int, rng: random.Random) -> TermResults:
    """``hamlet_count`` hamlets spread over ``communes`` with their 2022-2025 records, cells (3+ members),
    congresses (90 % of cells) and chief elections (93 %), written in bulk; the interval columns relinked."""
    from elections.intervals import relink
    from elections.models import ChiefElection, Congress, HamletTerm, PartyRole, Term
    from hamlets.models import Hamlet, PartyCell

    term, _ = Term.objects.get_or_create(start_year=2022, end_year=2025)
    hamlets = []
    for i in range(hamlet_count):
        members = rng.choice((0, 1, 2, 3, 4)) if rng.random() < 0.08 else rng.randint(5, 60)
        hamlet = Hamlet(commune=communes[i % len(communes)], name=f"Xóm {i // len(communes) + 1}", kind="xom",
                        party_members=members, special_area=rng.random() < 0.3, project01=rng.random() < 0.1)
        hamlet.fill_keys()
        hamlets.append(hamlet)
    Hamlet.settle_all(hamlets)
    hamlets = Hamlet.objects.bulk_create(hamlets, batch_size=2000)
    HamletTerm.objects.bulk_create([
        HamletTerm(hamlet=h, term=term, kind=h.kind, special_area=h.special_area, project01=h.project01,
                   party_members=h.party_members, party_cell=h.party_members >= 3) for h in hamlets], batch_size=2000)
    cells = PartyCell.objects.bulk_create([PartyCell(hamlet=h) for h in hamlets if h.party_members >= 3],
                                          batch_size=2000)
    day = lambda: dt.date(2022, 1, 1) + dt.timedelta(days=rng.randint(0, 300))  # noqa: E731
    congresses = [Congress(cell=c, term=term, held_on=day(), secretary=f"Bí thư {i}", deputy_secretary=f"Phó {i}")
                  for i, c in enumerate(cells) if rng.random() < 0.9]
    Congress.objects.bulk_create(congresses, batch_size=2000)
    elections = []
    for i, h in enumerate(hamlets):
        if rng.random() < 0.93:
            member = rng.random() < 0.85
            role = rng.choice((PartyRole.SECRETARY, PartyRole.DEPUTY, PartyRole.DEPUTY, "")) if member else ""
            elections.append(ChiefElection(hamlet=h, term=term, held_on=day(), chief=f"Trưởng thôn {i}",
                                           chief_member_since=dt.date(2005, 5, 1) if member else None,
                                           chief_party_role=role))
    ChiefElection.objects.bulk_create(elections, batch_size=2000)
    relink()  # the interval columns (bulk_create sends no signals)
    return TermResults(term, hamlets, cells, congresses, elections)
