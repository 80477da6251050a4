"""Write the meeting report of one province (workbooks.md, sections 2 and 3), or the national report
(section 4).

    python manage.py export_report --term 2022-2025 --as-of 2022-07-15 \\
        [--province "Nghệ An"] [--units 2025] [--user USERNAME] --out report.xlsx
    python manage.py export_report --national --term 2025-2027 --as-of 2025-08-01 \\
        [--units 2025] [--user USERNAME] --out national.xlsx

``--province`` is a 2025 province (``units.md``): a name, matched like the
import matches names (NFC, case, tone-mark placement, optional ``Tỉnh`` /
``Thành phố``), or its 2025 code; the name of an earlier province that
merged into another (Yên Bái) means that earlier province's hamlets only.
It may be left out when exactly one (2025) province has hamlets. The as-of
date decides the layout; ``--units 2025`` gives the 2025 layout for an
earlier date. ``--user`` writes the report as that user sees the data (a
district board: its own district, earlier layout; a commune board: its own
commune, 2025 layout). ``--national`` writes the whole country per province
(and per 2025 commune in the 2025 layout) instead; with ``--user`` only
central staff and administrators may have it. Every mistake is a
``CommandError`` with one clear message.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from cadre_tracker.language import ScriptCommand, both
from elections import layout
from elections.models import Term
from elections.reports import MeetingReport, NationalReport, Report
from hamlets import text
from hamlets.models import Province
from hamlets.scoping import FULL_SCOPE, Scope

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_term(value: str) -> Term:
    if Term.parse_years(value) is None:
        raise CommandError(both(f"--term: cần nhiệm kỳ dạng 2022-2025, nhận được {value!r}",
                                f"--term: expected a term like 2022-2025, got {value!r}"))
    term = Term.objects.parse(value)
    if term is None:
        known = ", ".join(t.name for t in Term.objects.all()) or both("chưa có", "none")
        raise CommandError(both(f"--term: chưa có nhiệm kỳ {text.clean(value)} (các nhiệm kỳ đã có: {known})",
                                f"--term: no term {text.clean(value)} in the database (known terms: {known})"))
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
        raise CommandError(both(f"--as-of: cần ngày dạng DD/MM/YYYY hoặc YYYY-MM-DD, nhận được {value!r}",
                                f"--as-of: expected a date YYYY-MM-DD, got {value!r}")) from None
    today = today or timezone.localdate()
    if day > today:
        raise CommandError(both(f"--as-of: {day:%d/%m/%Y} là ngày sau hôm nay ({today:%d/%m/%Y})",
                                f"--as-of: {day.isoformat()} is after today ({today.isoformat()})"))
    return day


def find_province(value: str) -> Province:
    """The province named (or coded) ``value`` (``layout.find_province``); a CommandError if none or several fit."""
    try:
        return layout.find_province(value)
    except layout.ProvinceNotFound as error:
        raise CommandError(f"--province: {error}") from None  # layout's message, in the active language


def parse_units(value: str | None) -> str | None:
    if value is None:
        return None
    if text.clean(value) != layout.NEW:
        raise CommandError(both(f"--units: chỉ nhận 2025 (xã, phường từ 01/07/2025), nhận được {value!r}",
                                f"--units: only 2025 is accepted (the 2025 list's communes), got {value!r}"))
    return layout.NEW


def only_province(scope: Scope) -> Province:
    """The one (2025) province with hamlets (in scope), when ``--province`` is left out."""
    provinces = list(layout.provinces_with_hamlets(scope).order_by("code"))
    if not provinces:
        raise CommandError(both("chưa tỉnh nào có thôn, xóm: ghi --province TÊN",
                                "no province has hamlets yet: give --province NAME"))
    if len(provinces) > 1:
        names = ", ".join(p.name for p in provinces)
        raise CommandError(both(f"cần --province TÊN: {len(provinces)} tỉnh có thôn, xóm ({names})",
                                f"--province NAME is needed: {len(provinces)} provinces have hamlets ({names})"))
    return provinces[0]


def user_scope(username: str | None) -> Scope:
    if username is None:
        return FULL_SCOPE  # the command line sees everything
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(both(f"--user: không có người dùng {username!r}", f"--user: no user {username!r}"))
    scope = Scope.of(user)
    if scope.nothing:
        raise CommandError(both(f"--user: {username!r} đã bị khoá hoặc chưa được giao tỉnh, huyện, xã nào",
                                f"--user: {username!r} is inactive or has no province or district assigned"))
    return scope


def check_scope(scope: Scope, province: Province, username: str | None) -> None:
    if not (scope.sees_all or scope.province_id == province.current_id):
        raise CommandError(both(f"--user: {username!r} không được xem {province.name}",
                                f"--user: {username!r} may not see {province.name}"))


def check_national(scope: Scope, username: str | None, province: str | None) -> None:
    if province:
        raise CommandError(both("--national đã gồm mọi tỉnh: không ghi kèm --province",
                                "--national covers every province: give it without --province"))
    if not scope.sees_all:
        raise CommandError(both(f"--user: {username!r} không được xem báo cáo toàn quốc (chỉ cán bộ trung ương và "
                                "quản trị viên)",
                                f"--user: {username!r} may not see the national report (central staff and "
                                "administrators only)"))


def check_out(value: str, extension: str) -> Path:
    path = Path(value).expanduser()
    if path.suffix.lower() != extension:
        raise CommandError(both(f"--out: tên tệp phải có đuôi {extension}, nhận được {value!r}",
                                f"--out: the file name must end in {extension}, got {value!r}"))
    if not path.parent.is_dir():
        raise CommandError(both(f"--out: không có thư mục {str(path.parent)!r}",
                                f"--out: no directory {str(path.parent)!r}"))
    if path.is_dir():
        raise CommandError(both(f"--out: {value!r} là một thư mục", f"--out: {value!r} is a directory"))
    return path


def write_atomically(report: Report, path: Path) -> None:
    """Write next to ``path`` and rename: a failed export leaves no half-written file."""
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            report.write_xlsx(stream)
        os.replace(partial, path)
    except OSError as error:
        raise CommandError(both(f"--out: không ghi được {str(path)!r}: {error.strerror or error}",
                                f"--out: cannot write {str(path)!r}: {error.strerror or error}")) from None
    finally:
        if os.path.exists(partial):
            os.remove(partial)


class Command(ScriptCommand):
    help = ("Write the meeting report of one province (or, with --national, the national report) for a term "
            "and as-of date as an .xlsx workbook.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--term", required=True, help="e.g. 2022-2025")
        parser.add_argument("--as-of", required=True, dest="as_of", metavar="YYYY-MM-DD",
                            help="events dated after this day do not count")
        parser.add_argument("--province", metavar="NAME", help="name or official code; may be left out when "
                                                               "only one province has hamlets")
        parser.add_argument("--units", metavar="2025", help="2025: group by the 2025 list's communes whatever "
                                                            "the date (the same hamlets and figures)")
        parser.add_argument("--out", required=True, metavar="PATH", help="the .xlsx file to write")
        parser.add_argument("--user", metavar="USERNAME", help="write the report as this user sees the data")
        parser.add_argument("--national", action="store_true",
                            help="the national report: every province (workbooks.md, section 4)")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = parse_as_of(options["as_of"])
        units = parse_units(options["units"])
        scope = user_scope(options["user"])
        term = parse_term(options["term"])
        if options["national"]:
            self.national(scope, term, as_of, units, options)
            return
        province = find_province(options["province"]) if options["province"] else only_province(scope)
        check_scope(scope, province, options["user"])
        path = check_out(options["out"], MeetingReport.extension)
        report = MeetingReport(province, term, as_of, scope=scope, units=units)
        write_atomically(report, path)
        self.stdout.write(both(f"{path}: {province.name}, nhiệm kỳ {term.name}, tính đến ngày {as_of:%d/%m/%Y}, "
                               f"{summary(report)}",
                               f"{path}: {province.name}, term {term.name}, as of {as_of.isoformat()}, "
                               f"{summary(report)}"))

    def national(self, scope: Scope, term: Term, as_of: dt.date, units: str | None, options: dict[str, Any]) -> None:
        check_national(scope, options["user"], options["province"])
        path = check_out(options["out"], NationalReport.extension)
        report = NationalReport(term, as_of, scope=scope, units=units)
        write_atomically(report, path)
        self.stdout.write(both(f"{path}: toàn quốc, nhiệm kỳ {term.name}, tính đến ngày {as_of:%d/%m/%Y}, "
                               f"{national_summary(report)}",
                               f"{path}: whole country, term {term.name}, as of {as_of.isoformat()}, "
                               f"{national_summary(report)}"))


def summary(report: MeetingReport) -> str:
    """``20 huyện``, or ``130 xã, phường (danh mục từ 01/07/2025), 4 thôn chưa xếp`` (in English ``20 districts``,
    ``130 communes of the 2025 list, 4 unplaced hamlets``)."""
    if not report.is_new:
        districts = len(report.districts_rows(total=False))
        return both(f"{districts} huyện", f"{districts} district{'' if districts == 1 else 's'}")
    rows = report.new_communes_rows(total=False)
    communes = sum(1 for row in rows if row.commune_id is not None)
    unplaced = sum(row.hamlets for row in rows if row.commune_id is None)
    return communes_said(communes, unplaced)


def communes_said(communes: int, unplaced: int) -> str:
    """``130 xã, phường (danh mục từ 01/07/2025), 4 thôn chưa xếp`` (``130 communes of the 2025 list,
    4 unplaced hamlets``)."""
    said = both(f"{communes} xã, phường (danh mục từ 01/07/2025)",
                f"{communes} commune{'' if communes == 1 else 's'} of the 2025 list")
    return said + (both(f", {unplaced} thôn chưa xếp", f", {unplaced} unplaced hamlet{'' if unplaced == 1 else 's'}")
                   if unplaced else "")


def national_summary(report: NationalReport) -> str:
    """``63 tỉnh``, or ``34 tỉnh, 3321 xã, phường (danh mục từ 01/07/2025), 12 thôn chưa xếp`` (``63 provinces``,
    ``34 provinces, 3321 communes of the 2025 list, 12 unplaced hamlets``)."""
    provinces = len(report.provinces)
    said = both(f"{provinces} tỉnh", f"{provinces} province{'' if provinces == 1 else 's'}")
    if not report.is_new:
        return said
    rows = report.communes_rows(total=False)
    communes = sum(1 for row in rows if row.commune_id is not None)
    unplaced = sum(row.hamlets for row in rows if row.commune_id is None)
    return f"{said}, {communes_said(communes, unplaced)}"
