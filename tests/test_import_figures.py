"""A workbook that reproduces a published figure imports, and the figures
engine then shows it; reading and checking cost a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elections.figures import Figures
from elections.importing import import_workbook
from elections.models import KnownRow, Term
from hamlets.models import Hamlet
from tests.workbooks import HEADERS_2025, hamlet_row, make_both_lists, make_units, new_row, write_workbook

pytestmark = pytest.mark.django_db
JULY_15 = dt.date(2022, 7, 15)
TUONG_DUONG = ["Thị trấn Thạch Giám", "Xã Mai Sơn", "Xã Yên Hòa"]


def tuong_duong_rows(count: int = 146, members: int = 145) -> list[dict]:
    """Tương Dương on 15 July 2022: 146 hamlets, all elected, 145 chiefs Party members, all congresses held;
    the first 20 chiefs are also deputy secretaries."""
    rows = []
    for i in range(count):
        chief = f"Lô Văn Trưởng {i}"
        rows.append(hamlet_row(
            district="Tương Dương", commune=TUONG_DUONG[i % 3], hamlet=f"Bản {i + 1}", party_members=5 + i % 20,
            congress_held_on=dt.date(2022, 6, 15), secretary=f"Vi Văn Bí {i}",
            deputy_secretary=chief if i < 20 else f"Lương Thị Phó {i}", chief_elected_on="25/06/2022",
            chief=chief, chief_member_since=dt.date(2001, 3, 2) if i < members else None,
            chief_party_role="Deputy secretary" if i < 20 else None))
    return rows


def test_tuong_duong_as_the_article_reports_it(tmp_path):
    units = make_units()
    result = import_workbook(write_workbook(tmp_path / "tuong-duong.xlsx", {"Hamlets": tuong_duong_rows()}))
    assert result.ok, result.problems[:3]
    hamlets = Hamlet.objects.filter(commune__district=units["Huyện Tương Dương"])
    figures = Figures(hamlets, Term.objects.get(), JULY_15).total()
    assert (figures["elections"].numerator, figures["elections"].denominator) == (146, 146)
    members = figures["chief_members"]
    assert (members.numerator, members.denominator, members.percent) == (145, 146, Decimal("99.32"))
    assert (figures["congresses"].numerator, figures["congresses"].denominator) == (146, 146)
    assert figures["chief_deputy"].numerator == 20 and figures["chief_secretary"].numerator == 0
    before = Figures(hamlets, Term.objects.get(), dt.date(2022, 6, 24)).total(["elections"])["elections"]
    assert before.numerator == 0  # the elections of 25 June do not count yet on the 24th


def test_reading_and_checking_take_a_constant_number_of_queries(tmp_path):
    make_units()

    def queries(rows: int) -> int:
        path = write_workbook(tmp_path / f"{rows}.xlsx", {"Hamlets": tuong_duong_rows(rows, rows)})
        with CaptureQueriesContext(connection) as captured:
            assert import_workbook(path, dry_run=True).ok
        return len(captured)

    assert queries(6) == queries(120) <= 9  # with the file's sheet looked up among those read before


def rows_2025(count: int) -> list[dict]:
    """Rows of both lists naming hamlets of Đại Đồng and Hạnh Lâm (2025 list, with and without Former commune)
    and of Thanh Chương and Hà Tĩnh's split Kỳ Lợi (earlier list)."""
    formers = ["Thanh Phong", "Thanh Ngọc", "Đồng Văn", "Dùng"]
    rows = []
    for i in range(count):
        if i % 4 == 0:
            rows.append(new_row(hamlet=f"Xóm {i}", former_commune=formers[i % 3]))
        elif i % 4 == 1:
            rows.append(new_row(commune="Hạnh Lâm", hamlet=f"Bản {i}"))
        elif i % 4 == 2:
            rows.append(hamlet_row(district="Thanh Chương", commune=formers[i % 4], hamlet=f"Xóm {i}",
                                   chief_party_role=None))
        else:
            rows.append(hamlet_row(province="Hà Tĩnh", district="Thị xã Kỳ Anh", commune="Kỳ Lợi",
                                   hamlet=f"Thôn {i}", chief_party_role=None))
    return rows


def test_rows_of_both_lists_take_a_constant_number_of_queries(tmp_path):
    make_both_lists()

    def queries(rows: int, dry_run: bool = True) -> int:
        path = write_workbook(tmp_path / f"{rows}.xlsx", {"Hamlets": rows_2025(rows)}, headers=HEADERS_2025)
        with CaptureQueriesContext(connection) as captured:
            result = import_workbook(path, dry_run=dry_run)
            assert result.ok, result.problems[:3]
        return len(captured)

    # the file's sheet read before (none), provinces, two regions (3 queries each), the rows recorded as known
    # (none), terms, hamlets, records, cells
    assert queries(8) == queries(120) == 13
    queries(120, dry_run=False)
    assert queries(8) == queries(120) == 4  # every row known unchanged: the sheet, the records, their places, terms
    KnownRow.objects.all().delete()
    assert queries(8) == queries(120) == 15  # read in full: the stored terms' congresses and elections too
