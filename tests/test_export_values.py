"""The hamlet list's fast export (``values_list()`` reads, ``cadre_tracker.export_values``) gives byte for
byte what the generic export (model instances, django-tables2 accessors) gives, in both layouts and both
languages, with namesakes, formula-like names and every kind of cell, and costs the same queries
whatever the number of rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from fractions import Fraction

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES

from cadre_tracker import export_values, generic
from cadre_tracker.spreadsheets import (
    EXCEL_MAX_TEXT,
    CsvWriter,
    cell,
    csv_chunks,
    looks_like_formula,
    safe_row,
    write_csv,
    xlsx_row,
)
from elections.models import PartyRole, Term
from hamlets.models import Hamlet, namesake_name, namesake_namer
from tests.factories import (
    ChiefElectionFactory,
    CommuneFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
    HamletTermFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    PartyCellFactory,
    ProvinceFactory,
    TermFactory,
    succeed,
)

pytestmark = pytest.mark.django_db
LIST = "/hamlets/"
P2022 = {"term": "2022-2025", "as_of": "2022-12-31"}  # the earlier layout
P2026 = {"term": "2025-2027", "as_of": "2026-06-30"}  # the 2025 layout
SORTS = ["", "-name", "district", "commune", "-chief_elected_on", "kind", "has_cell", "-party_members"]


def hamlets(count: int, t22: Term, t25: Term, code: int = 40) -> None:
    """``count`` hamlets over two earlier communes merged into one 2025 commune (so namesakes), one of them
    unplaced, with every kind of cell: kinds, party roles, both booleans, NULLs, dates, formula-like text."""
    new = NewProvinceFactory(name=f"Tỉnh {code}", code=code)
    district = DistrictFactory(province=ProvinceFactory(name=f"Tỉnh {code}", code=code, successor=new),
                               name="Huyện Thanh Chương")
    lam, xuan = (CommuneFactory(district=district, name=name) for name in ("Xã Thanh Lâm", "Xã Thanh Xuân"))
    other = CommuneFactory(district=DistrictFactory(province=district.province, name="=Huyện Lạ"), name="+Xã Lạ")
    hanh_lam = NewCommuneFactory(province=new, name="Xã Hạnh Lâm")
    succeed(lam, hanh_lam)
    succeed(xuan, hanh_lam)
    for i in range(count):
        name = {1: f'=HYPERLINK("{i}")', 3: f"@SUM(A{i})"}.get(i % 5, f"Xóm {i // 3}")  # namesakes: i // 3
        hamlet = HamletFactory(commune=[lam, xuan, other][i % 3], name=name, kind=["xom", "ban", "to_dan_pho"][i % 3],
                               special_area=i % 2 == 0, project01=i % 3 == 0, party_members=i % 7, term=t22)
        HamletTermFactory(hamlet=hamlet, term=t25, kind=hamlet.kind, party_members=i % 5 + 1, party_cell=i % 2 == 0,
                          special_area=i % 4 == 0)
        if i % 2 == 0:
            cell = PartyCellFactory(hamlet=hamlet)  # its records say so
            for term, day in ((t22, dt.date(2022, 3, 5 + i % 20)), (t25, dt.date(2025, 9, 1 + i % 20))):
                CongressFactory(cell=cell, term=term, held_on=day, secretary=f"-Bí thư {i}",
                                deputy_secretary="" if i % 4 else f"Phó {i}")
        if i % 3 != 2:
            for term, day in ((t22, dt.date(2022, 6, 10 + i % 9)), (t25, dt.date(2025, 10, 1 + i % 9))):
                ChiefElectionFactory(hamlet=hamlet, term=term, held_on=day, chief=f"Trưởng {i}",
                                     chief_member_since=dt.date(2010, 1, 1) if i % 2 else None,
                                     chief_party_role=["", PartyRole.SECRETARY, PartyRole.DEPUTY][i % 3])


@pytest.fixture
def admin(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_user("admin", password="x", is_superuser=True))
    return client


@pytest.fixture
def terms() -> tuple[Term, Term]:
    return TermFactory(start_year=2022, end_year=2025), TermFactory(start_year=2025, end_year=2027)


def body(response) -> bytes:
    """The export's content: a CSV's bytes, or an xlsx's parts but its timestamps (``docProps``)."""
    content = response.getvalue()
    if response["Content-Type"].startswith("text/csv"):
        return content
    book = zipfile.ZipFile(io.BytesIO(content))
    return b"".join(name.encode() + book.read(name) for name in sorted(book.namelist()) if "docProps" not in name)


def export(client: Client, period: dict[str, str], fmt: str, sort: str, language: str) -> bytes:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    query = {**period, "_export": fmt, **({"sort": sort} if sort else {})}
    response = client.get(LIST, query)
    assert response.status_code == 200
    return body(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("period", [P2022, P2026], ids=["earlier-layout", "2025-layout"])
def test_the_fast_export_gives_exactly_the_generic_one(admin, terms, monkeypatch, period, fmt):
    hamlets(24, *terms)
    Hamlet.objects.filter(name="Xóm 4").update(new_commune=None)
    for language in ("vi", "en"):
        fast = {sort: export(admin, period, fmt, sort, language) for sort in SORTS}
        with monkeypatch.context() as patched:
            patched.setattr(generic, "declared_reads", lambda *args: None)  # the generic path, for the same tables
            slow = {sort: export(admin, period, fmt, sort, language) for sort in SORTS}
        assert fast == slow
    if fmt == "csv":  # what is compared holds what matters: namesakes, quoted formulas, both languages' cells
        text = export(admin, period, fmt, "", "vi").decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "'@SUM(A3)" in text and "'-Bí thư" in text and "Không" in text
        assert ("Xóm 3 (Thanh Lâm cũ)" in text and "Xóm 3 (Thanh Xuân cũ)" in text) == (period is P2026)
        english = export(admin, period, fmt, "", "en").decode("utf-8-sig")
        assert "Yes" in english and "No" in english and ("2022-" in english or "2025-" in english)


def test_the_fast_export_builds_no_hamlet(admin, terms, monkeypatch):
    """Every column of both layouts is declared: no row is read as a model instance."""
    hamlets(6, *terms)

    def refuse(*args, **kwargs):
        raise AssertionError("a hamlet was built")

    monkeypatch.setattr(Hamlet, "from_db", classmethod(refuse))
    for period in (P2022, P2026):
        assert export(admin, period, "csv", "", "vi").count(b"\n") == 7


@pytest.mark.parametrize("period", [P2022, P2026], ids=["earlier-layout", "2025-layout"])
def test_the_fast_exports_queries_do_not_grow_with_rows(admin, terms, period):
    def queries(count: int, code: int) -> int:
        hamlets(count, *terms, code=code)
        with CaptureQueriesContext(connection) as captured:
            for fmt in ("csv", "xlsx"):
                export(admin, period, fmt, "", "vi")
        return len(captured)

    few = queries(3, 40)
    assert queries(60, 41) == few


WRITER_VALUES = [None, 0, 7, -3, 2.5, True, False, Decimal("1.50"), Fraction(1, 3), "", "Xóm 1", "=1+2", "+84", "-x",
                 "@SUM(A1)", "\tTab", "\rCR", "a\rb", "a\r\nb", "Bản\x01 Ít", "#N/A", "#REF!", "x" * 40_000, "ｰ",
                 "\uff1dSUM", dt.date(2022, 3, 5), dt.date(22, 5, 1), dt.datetime(2022, 7, 15, 8, 30),
                 timezone.make_aware(dt.datetime(2022, 7, 15, 8, 30), dt.UTC), gettext_lazy("Có"), 10**20]


def sheet_xml(rows: list[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("S")
    for row in rows:
        sheet.append(row(sheet) if callable(row) else row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    book = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    return b"".join(book.read(name) for name in sorted(book.namelist()) if "docProps" not in name)


def reference_row(ws, values: list[object]) -> list[object]:
    """``xlsx_row`` as it was before its inline tests: a value openpyxl stores as it is, else ``cell``."""
    def as_is(value: object) -> bool:
        if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
            return True
        return (isinstance(value, str) and not looks_like_formula(value) and value not in ERROR_CODES
                and not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", value) and "\r" not in value
                and len(value) <= EXCEL_MAX_TEXT)
    return [value if as_is(value) else cell(ws, value) for value in values]


def test_xlsx_rows_are_written_as_before():
    """``xlsx_row``'s inline tests of plain values give the file its earlier tests gave, byte for byte (a
    date, for one, still becomes a cell at once: openpyxl would register its format later, in another order)."""
    rows = [WRITER_VALUES, list(reversed(WRITER_VALUES))]
    fast = sheet_xml([lambda ws, row=row: xlsx_row(ws, row) for row in rows])
    assert fast == sheet_xml([lambda ws, row=row: reference_row(ws, row) for row in rows])


@pytest.mark.parametrize("language", ["vi", "en"])
def test_csv_writer_writes_what_safe_row_gives(language):
    """The writer's inline fields and its dates formatted once are ``safe_row``'s, in either language."""
    with translation.override(language):
        stream = io.StringIO(newline="")
        writer = CsvWriter(stream, bom=False)
        writer.writerows([WRITER_VALUES, WRITER_VALUES])
        expected = io.StringIO(newline="")
        csv.writer(expected).writerows([safe_row(WRITER_VALUES), safe_row(WRITER_VALUES)])
    assert stream.getvalue() == expected.getvalue()
    assert ("2022-03-05" in stream.getvalue()) == (language == "en")


def test_an_export_breaks_ties_by_primary_key_only_where_it_may():
    by_commune = Hamlet.objects.order_by("commune__code")
    assert generic.total_order(by_commune).query.order_by == ("commune__code", "pk")
    total = Hamlet.objects.order_by("name_sort", "-pk")
    assert generic.total_order(total).query.order_by == ("name_sort", "-pk")
    assert not generic.total_order(Hamlet.objects.all()).query.order_by  # the model's own order, untouched
    values = Hamlet.objects.order_by("commune__code").values("commune__code")
    assert generic.total_order(values).query.order_by == ("commune__code",)


def chunk_columns() -> list[list[object]]:
    """Columns that each take one of ``CsvWriter.writechunk``'s ways: whole numbers (with NULLs), plain texts,
    texts with one formula deep down (and a NUL inside a text, a false alarm), dates (with NULLs), and mixed."""
    rows = 40
    texts = [f"Xóm {i}" for i in range(rows)]
    return [
        [None if i % 7 == 0 else i for i in range(rows)],
        texts,
        [*texts[:30], "=1+2", *texts[31:]],
        [*texts[:5], "a\x00=b", *texts[6:]],
        [None if i % 3 == 0 else dt.date(2022, 1 + i % 12, 1 + i % 28) for i in range(rows)],
        [WRITER_VALUES[i % len(WRITER_VALUES)] for i in range(rows)],
        [*texts[:10], "\uff1dSUM", "", None, *texts[13:]],
        [True if i % 2 else None for i in range(rows)],
    ]


def plain_columns() -> list[list[object]]:
    """Columns whose fields no CSV quotes: the writer joins their lines itself."""
    columns = chunk_columns()
    return [columns[i] for i in (0, 1, 2, 3, 4, 6)]


QUOTED = [[*[f"Xóm {i}" for i in range(39)], 'Xóm "Cũ"'], [*[f"Xóm {i}" for i in range(39)], "Xóm 1, Xóm 2"],
          ["a\nb", *[f"Xóm {i}" for i in range(39)]], [*range(39), None]]


@pytest.mark.parametrize("columns", [chunk_columns(), plain_columns(), [*plain_columns(), QUOTED[0]],
                                     [*plain_columns(), QUOTED[1]], [QUOTED[2], QUOTED[3]], [QUOTED[3], QUOTED[3]],
                                     [chunk_columns()[1]], [[""] * 40, [None] * 40], [[""] * 40]],
                         ids=["mixed", "plain", "quote", "comma", "line-break", "numbers", "one-column", "empty",
                              "one-empty-column"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_csv_chunks_write_what_safe_row_gives(language, columns):
    """A chunk written column by column (its lines joined by the writer, or by ``csv`` when a field needs
    quotes) is what ``safe_row`` gives row by row, whatever the columns hold, and so are empty rows and rows
    of several lengths (written one at a time)."""
    rows = [list(row) for row in zip(*columns, strict=True)]
    odd = [[], ["=x", 1], [dt.date(2022, 3, 5)], []]
    with translation.override(language):
        stream = io.StringIO(newline="")
        writer = CsvWriter(stream, bom=False)
        writer.writechunk(rows)
        writer.writechunk(odd)
        writer.writechunk([])
        writer.writechunk([tuple(row) for row in rows[:3]])
        expected = io.StringIO(newline="")
        csv.writer(expected).writerows([safe_row(row) for row in [*rows, *odd, *rows[:3]]])
    assert stream.getvalue() == expected.getvalue()
    assert writer.rows == len(rows) + len(odd) + 3


def test_csv_chunks_keep_formulas_quoted_wherever_they_are():
    stream = io.StringIO(newline="")
    CsvWriter(stream, bom=False).writechunk([list(row) for row in zip(*plain_columns(), strict=True)])
    text = stream.getvalue()
    assert "'=1+2" in text and "'\uff1dSUM" in text and "a\x00=b" in text and "'a" not in text


def test_csv_chunks_stream_the_same_csv_as_rows_one_by_one():
    """``csv_chunks`` (a chunk at a time) gives ``write_csv``'s text (a row at a time), header first."""
    rows = [list(row) for row in zip(*chunk_columns(), strict=True)]
    header = ["Tên", "=Cột", "Ngày"]
    with translation.override("vi"):
        chunked = "".join(csv_chunks(rows, header=header, rows_per_chunk=7))
        one_by_one = io.StringIO(newline="")
        write_csv(one_by_one, rows, header)
    assert chunked == one_by_one.getvalue()


def test_yes_no_and_labels_read_every_value_as_before():
    """The dict lookups give the earlier functions' texts: NULL empty, any other value by its truth; a label
    for a choice, empty for an empty value, an error for a value that is no choice."""
    with translation.override("en"):
        yes = export_values.yes_no()
        assert [yes(v) for v in (True, False, None, 1, 0, 2, "x", "")] == ["Yes", "No", "", "Yes", "No", "Yes", "Yes",
                                                                           "No"]
        label = export_values.labels(PartyRole)
        assert [label(v) for v in ("", None, 0, False)] == ["", "", "", ""]
        assert label(PartyRole.SECRETARY) == str(PartyRole.SECRETARY.label)
        with pytest.raises(KeyError):
            label("no such role")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_namesake_namer_writes_namesake_name(language):
    with translation.override(language):
        assert namesake_namer()("Xóm 1", "Thanh Lâm") == namesake_name("Xóm 1", "Thanh Lâm")
        assert namesake_name("Xóm 1", "Thanh Lâm") == {"vi": "Xóm 1 (Thanh Lâm cũ)",
                                                       "en": "Xóm 1 (formerly Thanh Lâm)"}[language]


def test_the_countrys_namesakes_found_at_once_are_those_probed_per_row(terms):
    """``with_former(every_row=True)`` (an export) names the same former communes as the probe per row (a
    page): namesakes in one 2025 commune, whatever their earlier commune; not the unplaced ones, nor a lone
    name, nor a name shared with a hamlet of another 2025 commune."""
    hamlets(24, *terms)
    unplaced = Hamlet.objects.filter(name__in=["Xóm 4", "Xóm 5"])
    unplaced.update(new_commune=None)
    lone = HamletFactory(commune=Hamlet.objects.filter(name="Xóm 2").first().commune, name="Xóm 2 bis")
    hanh_lam = Hamlet.objects.filter(new_commune__isnull=False).first().new_commune
    elsewhere = NewCommuneFactory(province=hanh_lam.province, name="Xã Khác", code=99)
    HamletFactory(commune=None, new_commune=elsewhere, name="Xóm 6")  # a 2025-only hamlet, its name taken elsewhere
    probed = dict(Hamlet.objects.with_former().values_list("pk", "former_name"))
    at_once = dict(Hamlet.objects.with_former(every_row=True).values_list("pk", "former_name"))
    assert at_once == probed
    named = {Hamlet.objects.get(pk=pk).name: former for pk, former in probed.items() if former}
    assert named["Xóm 3"] and "Xóm 6" not in named
    assert not any(probed[pk] for pk in unplaced.values_list("pk", flat=True)) and not probed[lone.pk]


@pytest.mark.parametrize("period", [P2022, P2026], ids=["earlier-layout", "2025-layout"])
def test_an_export_checks_the_units_it_names_as_the_page_does(admin, terms, monkeypatch, period):
    """An export reads only the units its query names (``named_only``): the same rows as when it read every
    unit's choice, for a commune, a district, both, a 2025 commune, the unplaced, and a unit out of reach."""
    from elections.hamlet_filters import UNPLACED
    from elections.hamlet_pages import HamletListView
    from hamlets.models import Commune

    hamlets(9, *terms)
    hamlets(6, *terms, code=41)
    Hamlet.objects.filter(name="Xóm 1").update(new_commune=None)
    lam = Commune.objects.get(name="Xã Thanh Lâm", district__province__code=40)
    new = Commune.objects.get(name="Xã Hạnh Lâm", province__code=40)
    empty = CommuneFactory(district=lam.district, name="Xã Không Thôn")  # no hamlet: no choice
    other = Commune.objects.get(name="Xã Thanh Lâm", district__province__code=41)  # not in the district named
    named_units = [{}, {"commune": lam.pk}, {"district": lam.district_id},
                   {"district": lam.district_id, "commune": lam.pk}, {"new_commune": new.pk},
                   {"new_commune": UNPLACED}, {"commune": empty.pk}, {"district": lam.district_id, "commune": other.pk}]
    read_all = HamletListView.get_filterset_kwargs

    def rows(units: dict[str, object]) -> bytes:
        return export(admin, {**period, **units}, "csv", "", "vi")

    named = [rows(units) for units in named_units]
    monkeypatch.setattr(HamletListView, "get_filterset_kwargs",
                        lambda self, fc: {**read_all(self, fc), "named_only": False})
    assert named == [rows(units) for units in named_units]
    assert len({text.count(b"\n") for text in named}) >= 3  # the units do filter
