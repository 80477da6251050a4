"""Fill a database with national-size plausible data, for benchmarks (issue 11).

    generate_national [--hamlets 100000] [--members 5500000] [--seed 11] [--force] [--quiet]

Over the real units of both official lists (loaded first with
``load_admin_units`` when absent): hamlets with their 2022-2025 record
(earlier list) and 2025-2027 record (2025 list), placed in their 2025
commune where the conversion table names one, cells, congresses, chief
elections and by-elections, Party members, admissions, targets, plans and
evaluations (``elections.national_data``). Written with COPY on PostgreSQL,
``bulk_create`` elsewhere, with a progress bar on stderr. It empties the
hamlet tables and the targets first: it refuses to when they hold hamlets
it did not generate, unless ``--force``.
"""

from __future__ import annotations

import io
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from cadre_tracker.language import LanguageCommand, both
from elections.national_data.generate import NationalData, foreign_hamlets
from elections.national_data.writer import BulkWriter, Progress
from hamlets.models import Commune, UnitList


class Command(LanguageCommand):
    help = "Generate national-size plausible data over the real units (benchmarks); COPY on PostgreSQL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hamlets", type=int, default=100_000)
        parser.add_argument("--members", type=int, default=5_500_000)
        parser.add_argument("--seed", type=int, default=11)
        parser.add_argument("--force", action="store_true",
                            help="run even on a database holding hamlets this command did not generate "
                                 "(they are deleted)")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        hamlets, members = options["hamlets"], options["members"]
        if hamlets < 1 or members < 0:
            raise CommandError(both("--hamlets phải từ 1 trở lên, --members từ 0 trở lên",
                                    "--hamlets must be 1 or more, --members 0 or more"))
        foreign = foreign_hamlets()
        if foreign and not options["force"]:
            raise CommandError(both(
                f"Cơ sở dữ liệu có {foreign:,} thôn không do lệnh này tạo ra; lệnh sẽ xóa chúng. "
                "Thêm --force nếu thật sự muốn.",
                f"The database holds {foreign:,} hamlets this command did not generate; it would delete them. "
                "Add --force if you mean it."))
        started = time.perf_counter()
        if not Commune.objects.filter(unit_list=UnitList.EARLIER).exists() or \
                not Commune.objects.filter(unit_list=UnitList.NEW).exists():
            call_command("load_admin_units", stdout=io.StringIO())
        progress = Progress(self.stderr._out, enabled=not options["quiet"])
        counts = NationalData(hamlets, members, options["seed"]).generate(BulkWriter(progress))
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{value:,} {name}" for name, value in counts.items())
        self.stdout.write(both(f"Đã tạo trong {elapsed:.0f} giây: {summary}",
                               f"Generated in {elapsed:.0f} s: {summary}"))
