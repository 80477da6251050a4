"""Place hamlets in the 2025 list where the conversion table decides (``units.md``).

    place_hamlets [--province NAME]... [--out PATH.xlsx]

Every hamlet whose earlier commune the official conversion table maps to
exactly one 2025 commune is placed there (with a history row, reason
"placed by place_hamlets"); running it again changes nothing. It prints, per
2025 province, how many hamlets it placed now and how many remain unplaced
(hamlets of a split commune, or of one absent from the table, wait for
someone to place them: ``/units/unplaced/`` or the ``Placements`` sheet).

``--province`` names a 2025 province (name or 2025 code); the name of an
earlier province that merged means that province's hamlets only.
``--out`` writes the ``Placements`` sheet (``workbooks.md``) for the hamlets
that remain unplaced, with the candidates named in the last column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db.models import Q

from cadre_tracker.language import LanguageCommand, both
from hamlets.models import Hamlet, Province, UnitList
from hamlets.names import UnitNotFound, find_province
from hamlets.placing import place_automatically, unplaced_counts, write_placements


def selection(names: list[str]) -> tuple[Q, list[Province]]:
    """The hamlets the ``--province`` names select (all when none is named)."""
    try:
        provinces = [find_province(name) for name in names]
    except UnitNotFound as error:
        raise CommandError(str(error)) from None
    condition = Q(pk__in=[]) if provinces else Q()
    for province in provinces:
        if province.unit_list == UnitList.NEW:
            condition |= Q(province=province)
        else:
            condition |= Q(commune__district__province=province)
    return condition, provinces


class Command(LanguageCommand):
    help = "Place hamlets in the 2025 communes the conversion table decides; optionally write the Placements sheet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", action="append", default=[], metavar="NAME",
                            help="a 2025 province (name or 2025 code), or an earlier province's name for its "
                                 "hamlets only; may be repeated")
        parser.add_argument("--out", metavar="PATH.xlsx",
                            help="write the Placements sheet for the hamlets that remain unplaced")

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"]
        if out and Path(out).suffix.lower() != ".xlsx":
            raise CommandError(both(f"--out: cần tệp .xlsx, nhận được {out!r}",
                                    f"--out: expected a .xlsx path, got {out!r}"))
        condition, provinces = selection(options["province"])
        hamlets = Hamlet.objects.filter(condition)
        placed = place_automatically(hamlets)
        placed_by_province: dict[int, int] = {}
        for hamlet in placed:
            placed_by_province[hamlet.province_id] = placed_by_province.get(hamlet.province_id, 0) + 1
        counts = unplaced_counts(hamlets)
        for province in provinces:  # a province named but without hamlets still gets its line
            current = province.current
            counts.setdefault(current.pk, (current.code, current.name, 0))
        for province_id, (_code, name, unplaced) in sorted(counts.items(), key=lambda item: item[1]):
            now = placed_by_province.get(province_id, 0)
            self.stdout.write(both(f"{name}: xếp được {now}, còn {unplaced} chưa xếp",
                                   f"{name}: placed {now} now, {unplaced} remain unplaced"))
        if out:
            try:
                rows = write_placements(out, hamlets)
            except OSError as error:
                raise CommandError(both(f"--out: không ghi được {out}: {error.strerror}",
                                        f"--out: cannot write {out}: {error.strerror}")) from None
            self.stdout.write(both(f"{out}: {rows} thôn chưa xếp (trang Placements)",
                                   f"{out}: {rows} unplaced hamlets (sheet Placements)"))
