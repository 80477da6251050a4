"""Write the meeting report of one province (workbooks.md, section 2).

    python manage.py export_report --term 2022-2025 --as-of 2022-07-15 \\
        [--province "Nghệ An"] [--user USERNAME] --out report.xlsx

``--province`` is a name, matched like the import matches names (NFC, case,
tone-mark placement, optional ``Tỉnh`` / ``Thành phố``), or an official
code; it may be left out when exactly one province has hamlets. ``--user``
writes the report as that user sees the data (a district board: its own
district only). Every mistake is a ``CommandError`` with one clear message.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from elections.models import Term
from elections.reports import MeetingReport, Report
from hamlets import text
from hamlets.models import Hamlet, Province
from hamlets.scoping import FULL_SCOPE, Scope

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_term(value: str) -> Term:
    if Term.parse_years(value) is None:
        raise CommandError(f"--term: expected a term like 2022-2025, got {value!r}")
    term = Term.objects.parse(value)
    if term is None:
        known = ", ".join(t.name for t in Term.objects.all()) or "none"
        raise CommandError(f"--term: no term {text.clean(value)} in the database (known terms: {known})")
    return term


def parse_as_of(value: str, today: dt.date | None = None) -> dt.date:
    raw = text.clean(value)
    try:
        if _ISO_DATE.match(raw):
            day = dt.date.fromisoformat(raw)
        elif match := _VN_DATE.match(raw):
            day = dt.date(int(match[3]), int(match[2]), int(match[1]))
        else:
            raise ValueError(raw)
    except ValueError:
        raise CommandError(f"--as-of: expected a date YYYY-MM-DD, got {value!r}") from None
    today = today or timezone.localdate()
    if day > today:
        raise CommandError(f"--as-of: {day.isoformat()} is after today ({today.isoformat()})")
    return day


def find_province(value: str) -> Province:
    """The province named (or coded) ``value``; a CommandError if none or several fit."""
    raw = text.clean(value)
    if raw.isdigit():
        province = Province.objects.filter(code=int(raw)).first()
        if province is None:
            raise CommandError(f"--province: no province with the code {raw}")
        return province
    prefix, key = text.split_prefix(raw)
    provinces = list(Province.objects.order_by("code"))
    hits = [p for p in provinces if _fits(p.name, prefix, key)]
    if not hits:  # typed without diacritics: "nghe an"
        loose = text.search_key(key)
        hits = [p for p in provinces if text.search_key(text.split_prefix(p.name)[1]) == loose]
    if not hits:
        raise CommandError(f"--province: no province named {raw!r}")
    if len(hits) > 1:
        names = ", ".join(f"{p.name} (code {p.code})" for p in hits)
        raise CommandError(f"--province: {raw!r} fits several provinces ({names}); give the prefix or the code")
    return hits[0]


def _fits(name: str, prefix: str, key: str) -> bool:
    own_prefix, own_key = text.split_prefix(name)
    return own_key == key and (not prefix or prefix == own_prefix)


def only_province(scope: Scope) -> Province:
    """The one province with hamlets (in scope), when ``--province`` is left out."""
    with_hamlets = Hamlet.objects.restrict(scope).values("commune__district__province_id")
    provinces = list(Province.objects.filter(pk__in=with_hamlets).order_by("code"))
    if not provinces:
        raise CommandError("no province has hamlets yet: give --province NAME")
    if len(provinces) > 1:
        names = ", ".join(p.name for p in provinces)
        raise CommandError(f"--province NAME is needed: {len(provinces)} provinces have hamlets ({names})")
    return provinces[0]


def user_scope(username: str | None) -> Scope:
    if username is None:
        return FULL_SCOPE  # the command line sees everything
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"--user: no user {username!r}")
    scope = Scope.of(user)
    if scope.nothing:
        raise CommandError(f"--user: {username!r} is inactive or has no province or district assigned")
    return scope


def check_scope(scope: Scope, province: Province, username: str | None) -> None:
    if not (scope.everything or scope.province_id == province.pk):
        raise CommandError(f"--user: {username!r} may not see {province.name}")


def check_out(value: str, extension: str) -> Path:
    path = Path(value).expanduser()
    if path.suffix.lower() != extension:
        raise CommandError(f"--out: the file name must end in {extension}, got {value!r}")
    if not path.parent.is_dir():
        raise CommandError(f"--out: no directory {str(path.parent)!r}")
    if path.is_dir():
        raise CommandError(f"--out: {value!r} is a directory")
    return path


def write_atomically(report: Report, path: Path) -> None:
    """Write next to ``path`` and rename: a failed export leaves no half-written file."""
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            report.write_xlsx(stream)
        os.replace(partial, path)
    except OSError as error:
        raise CommandError(f"--out: cannot write {str(path)!r}: {error.strerror or error}") from None
    finally:
        if os.path.exists(partial):
            os.remove(partial)


class Command(BaseCommand):
    help = "Write the meeting report of one province, term and as-of date as an .xlsx workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--term", required=True, help="e.g. 2022-2025")
        parser.add_argument("--as-of", required=True, dest="as_of", metavar="YYYY-MM-DD",
                            help="events dated after this day do not count")
        parser.add_argument("--province", metavar="NAME", help="name or official code; may be left out when "
                                                               "only one province has hamlets")
        parser.add_argument("--out", required=True, metavar="PATH", help="the .xlsx file to write")
        parser.add_argument("--user", metavar="USERNAME", help="write the report as this user sees the data")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_as_of(options["as_of"])
        scope = user_scope(options["user"])
        term = parse_term(options["term"])
        province = find_province(options["province"]) if options["province"] else only_province(scope)
        check_scope(scope, province, options["user"])
        path = check_out(options["out"], MeetingReport.extension)
        report = MeetingReport(province, term, as_of, scope=scope)
        write_atomically(report, path)
        districts = len(report.districts_rows(total=False))
        self.stdout.write(f"{path}: {province.name}, term {term.name}, as of {as_of.isoformat()}, "
                          f"{districts} district{'' if districts == 1 else 's'}")
