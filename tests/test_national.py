"""The national report (workbooks.md, section 4): ``export_report --national`` and ``/report.xlsx?national=1``.

``build_country`` lays out a small country: the 2025 provinces A (code 91) and B (92), into which the
earlier provinces A1, A2 (codes 1, 2) and B1 (3) merged, and the 2025 province C (93), into which the earlier
province X (4) merged, without hamlets. Each earlier province with hamlets has one district whose counts on
15 July 2022 are known (``scenarios.build_district``); every earlier commune went wholly into a 2025 commune
of its own, but B1's last commune was split between two (its hamlets are unplaced). Targets for chiefs who
are Party members: A 90 %, B 80 % (province-wide), A's first 2025 commune 70 %, A1's district 60 %; C none.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass, field
from fractions import Fraction

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elections.figures import Figures
from elections.models import ChiefElection, Metric, Target, Term
from elections.reports import NationalReport, NationalScopeRequired
from elections.reports.meeting import CODES
from elections.reports.national import QUERIES, QUERIES_2025
from hamlets.models import Commune, District, Hamlet, Province, UnitList
from hamlets.scoping import FULL_SCOPE, Scope
from tests.factories import succeed
from tests.personas import make_user
from tests.scenarios import Published, build_district

pytestmark = pytest.mark.django_db

EARLY = dt.date(2022, 7, 15)  # the earlier list: 63 provinces (here 4)
LATER = dt.date(2025, 8, 1)  # the 2025 list: 34 provinces (here 3)
MEMBERS = Metric.CHIEF_MEMBERS
FIGURE_HEADERS = ["Hamlets", "Chief elections completed", "Chief elections completed %",
                  "Chiefs who are Party members", "Chiefs who are Party members %", "Party cells",
                  "Congresses completed", "Congresses completed %", "Chiefs also secretary",
                  "Chiefs also deputy secretary", "Hamlets without Party cell", "Hamlets without Party members",
                  "Hamlets with 1-2 members", "Cells at risk (3-4 members)", "Target: Chiefs who are Party members %",
                  "Gap to target"]
COUNT_COLUMNS = [h for h in FIGURE_HEADERS if not h.endswith("%") and h != "Gap to target"]


def published(n: int) -> Published:
    """Plausible counts for ``n`` hamlets that ``build_district`` accepts."""
    elected = n * 8 // 10
    members, congresses = elected // 2, n // 2
    pair = 1 if min(members, congresses) >= 2 else 0
    return Published(hamlets=n, elected=elected, chief_members=members, cells=max(n - 1, 0), congresses=congresses,
                     secretary=pair, deputy=pair)


@dataclass
class Country:
    new: dict[str, Province] = field(default_factory=dict)
    earlier: dict[str, Province] = field(default_factory=dict)
    published: dict[str, Published] = field(default_factory=dict)  # by earlier province, on EARLY
    communes: dict[str, list[Commune]] = field(default_factory=dict)  # 2025 communes by 2025 province


def build_country(term: Term, sizes: tuple[int, int, int] = (9, 6, 5), base: int = 0,
                  country: Country | None = None) -> Country:
    """The country of the module docstring (``base`` shifts every code, to add a second one beside)."""
    country = country or Country()
    for key, code, name in (("A", 91, "Tỉnh An"), ("B", 92, "Thành phố Bình"), ("C", 93, "Tỉnh Cao")):
        country.new[key + str(base)] = Province.objects.create(unit_list=UnitList.NEW, code=base + code,
                                                               name=f"{name} {base}", division_type="tỉnh")
    merged = (("A1", 1, "A"), ("A2", 2, "A"), ("B1", 3, "B"), ("X", 4, "C"))
    for key, code, into in merged:
        country.earlier[key + str(base)] = Province.objects.create(code=base + code, name=f"Tỉnh Cũ {key} {base}",
                                                                   division_type="tỉnh",
                                                                   successor=country.new[into + str(base)])
    for (key, code, into), size in zip(merged, sizes, strict=False):  # X has no hamlets
        earlier, new = country.earlier[key + str(base)], country.new[into + str(base)]
        district = District.objects.create(code=(base + code) * 10, name=f"Huyện {key} {base}", province=earlier,
                                           division_type="huyện")
        country.published[key + str(base)] = p = published(size)
        build_district(district, term, EARLY, p, communes=3, special_area=lambda i: i % 3 == 0)
        old = list(Commune.objects.filter(district=district).order_by("code"))
        for k, commune in enumerate(old):
            made = Commune.objects.create(unit_list=UnitList.NEW, code=commune.code, name=f"Xã Mới {commune.name}",
                                          province=new, division_type="xã")
            country.communes.setdefault(into + str(base), []).append(made)
            if key == "B1" and k == len(old) - 1:  # split: its hamlets stay unplaced
                succeed(commune, country.communes[into + str(base)][0], made)
            else:
                succeed(commune, made)
                Hamlet.objects.filter(commune=commune).update(new_commune=made)
    a, b = country.new["A" + str(base)], country.new["B" + str(base)]
    Target.objects.create(province=a, term=term, metric=MEMBERS, percent=90)
    Target.objects.create(province=b, term=term, metric=MEMBERS, percent=80)
    Target.objects.create(province=a, commune=country.communes["A" + str(base)][0], term=term, metric=MEMBERS,
                          percent=70)
    Target.objects.create(province=a, district=District.objects.get(province=country.earlier["A1" + str(base)]),
                          term=term, metric=MEMBERS, percent=60)
    Target.objects.create(province=a, term=term, metric=Metric.ELECTIONS, percent=100)  # another metric
    return country


@pytest.fixture
def country(term) -> Country:
    return build_country(term)


# --- reading a report back ------------------------------------------------------------------------------

def read_sheet(workbook, name: str, first: str) -> tuple[list[str], list[dict[str, object]]]:
    """The header row (the first row whose first cell is ``first``) and the rows below it, as dicts."""
    rows = list(workbook[name].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row and row[0] == first)
    header = [str(c) for c in rows[start] if c is not None]
    data = [dict(zip(header, row, strict=False)) for row in rows[start + 1:]]
    return header, data


def workbook_of(report: NationalReport):
    stream = io.BytesIO()
    report.write_xlsx(stream)
    return openpyxl.load_workbook(io.BytesIO(stream.getvalue()))


def assert_report_rules(workbook) -> None:
    """No formulas, no merged cells, nothing below Total, % cells exact fractions or empty."""
    for sheet in workbook.worksheets:
        assert not sheet.merged_cells.ranges
        values = [row for row in sheet.iter_rows()]
        for row in values:
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
        last = [row for row in values if any(c.value is not None for c in row)][-1]
        assert last[0].value == "Total", sheet.title


def percent(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def test_provinces_sheet_before_1_july_2025_lists_the_earlier_provinces(term, country):
    workbook = workbook_of(NationalReport(term, EARLY))
    assert workbook.sheetnames == ["Provinces"]  # no Communes, People or Admissions sheet
    header, rows = read_sheet(workbook, "Provinces", "Province")
    assert header == ["Province", *FIGURE_HEADERS]
    assert [r["Province"] for r in rows] == ["Tỉnh Cũ A1 0", "Tỉnh Cũ A2 0", "Tỉnh Cũ B1 0", "Tỉnh Cũ X 0", "Total"]
    for row, key in zip(rows, ("A10", "A20", "B10"), strict=False):
        p = country.published[key]
        assert (row["Hamlets"], row["Chief elections completed"], row["Chiefs who are Party members"],
                row["Party cells"], row["Congresses completed"], row["Chiefs also secretary"],
                row["Chiefs also deputy secretary"]) == (p.hamlets, p.elected, p.chief_members, p.cells,
                                                         p.congresses, p.secretary, p.deputy)
        assert row["Chief elections completed %"] == percent(p.elected, p.hamlets)
        assert row["Chiefs who are Party members %"] == percent(p.chief_members, p.elected)
        assert row["Congresses completed %"] == percent(p.congresses, p.cells)
    # each province against its own (2025 province's, province-wide) target, never a district's
    assert [r["Target: Chiefs who are Party members %"] for r in rows] == [0.9, 0.9, 0.8, None, None]
    a1 = country.published["A10"]
    assert rows[0]["Gap to target"] == pytest.approx(float(Fraction(a1.chief_members, a1.elected) - Fraction(9, 10)))
    # a province without hamlets shows zeros and empty percentages
    assert rows[3]["Hamlets"] == 0 and rows[3]["Chief elections completed"] == 0
    assert rows[3]["Chief elections completed %"] is None and rows[3]["Gap to target"] is None
    assert_totals(rows)
    assert_report_rules(workbook)


def assert_totals(rows: list[dict[str, object]]) -> None:
    """The Total row is the sum of the rows above it, its percentages their exact ratios, and it has no target."""
    total, units = rows[-1], rows[:-1]
    for column in COUNT_COLUMNS:
        assert total[column] == sum(r[column] for r in units), column
    assert total["Chief elections completed %"] == percent(total["Chief elections completed"], total["Hamlets"])
    assert total["Congresses completed %"] == percent(total["Congresses completed"], total["Party cells"])
    assert total["Target: Chiefs who are Party members %"] is None and total["Gap to target"] is None


def test_from_1_july_2025_the_2025_provinces_and_their_communes(term, country):
    workbook = workbook_of(NationalReport(term, LATER))
    assert workbook.sheetnames == ["Provinces", "Communes"]
    header, rows = read_sheet(workbook, "Provinces", "Province")
    assert header == ["Province", *FIGURE_HEADERS]
    assert [r["Province"] for r in rows] == ["Tỉnh An 0", "Thành phố Bình 0", "Tỉnh Cao 0", "Total"]
    for row, province in zip(rows, country.new.values(), strict=False):
        hamlets = Hamlet.objects.filter(province=province)
        elected = ChiefElection.objects.filter(hamlet__in=hamlets, held_on__lte=LATER).values("hamlet").distinct()
        assert (row["Hamlets"], row["Chief elections completed"]) == (hamlets.count(), elected.count())
    assert [r["Target: Chiefs who are Party members %"] for r in rows] == [0.9, 0.8, None, None]
    assert rows[2]["Hamlets"] == 0
    assert_totals(rows)

    header, communes = read_sheet(workbook, "Communes", "Province")
    assert header == ["Province", "Commune", *FIGURE_HEADERS]
    a, b = country.communes["A0"], country.communes["B0"]
    expected = [("Tỉnh An 0", c.name) for c in a] + [("Thành phố Bình 0", c.name) for c in b[:2]] + [
        ("Thành phố Bình 0", "Unplaced"), ("Total", None)]
    assert [(r["Province"], r["Commune"]) for r in communes] == expected  # B's last commune holds no hamlet
    for row in communes[:-2]:
        commune = Commune.objects.get(unit_list=UnitList.NEW, name=row["Commune"])
        assert row["Hamlets"] == Hamlet.objects.filter(new_commune=commune).count()
    assert communes[-2]["Hamlets"] == Hamlet.objects.filter(province=country.new["B0"], new_commune=None).count() > 0
    # the commune's own target, else its province's
    assert [r["Target: Chiefs who are Party members %"] for r in communes[:4]] == [0.7, 0.9, 0.9, 0.9]
    assert communes[-2]["Target: Chiefs who are Party members %"] == 0.8
    assert_totals(communes)
    assert communes[-1] == {**rows[-1], "Commune": None}  # the same total on both sheets
    # the total (added up from the communes' counts) is what the database counts for the whole country
    whole = Figures(Hamlet.objects.all(), term, LATER).total(CODES)
    assert (rows[-1]["Hamlets"], rows[-1]["Chiefs who are Party members"], rows[-1]["Cells at risk (3-4 members)"]) \
        == (whole["elections"].denominator, whole["chief_members"].numerator, whole["cells_at_risk"].numerator)
    assert_report_rules(workbook)


def test_units_2025_regroups_an_earlier_date_by_the_34(term, country):
    report = NationalReport(term, EARLY, units="2025")
    workbook = workbook_of(report)
    assert workbook.sheetnames == ["Provinces", "Communes"]
    _header, rows = read_sheet(workbook, "Provinces", "Province")
    assert [r["Province"] for r in rows] == ["Tỉnh An 0", "Thành phố Bình 0", "Tỉnh Cao 0", "Total"]
    a1, a2, b1 = (country.published[k] for k in ("A10", "A20", "B10"))
    assert rows[0]["Chief elections completed"] == a1.elected + a2.elected  # the 2022 figures, regrouped
    assert rows[1]["Chiefs who are Party members"] == b1.chief_members
    early = read_sheet(workbook_of(NationalReport(term, EARLY)), "Provinces", "Province")[1]
    assert rows[-1] == early[-1]  # the same country
    assert any("2025" in str(row[0]) for row in workbook["Provinces"].iter_rows(max_row=8, values_only=True))
    assert report.filename() == f"national-{term.name}-{EARLY.isoformat()}-units-2025.xlsx"


# --- the command line -------------------------------------------------------------------------------------

def test_command_writes_the_national_report(term, country, tmp_path):
    out = io.StringIO()
    path = tmp_path / "national.xlsx"
    call_command("export_report", "--national", "--term", "2022-2025", "--as-of", "2025-08-01", "--out", str(path),
                 stdout=out)
    assert out.getvalue().endswith(": toàn quốc, nhiệm kỳ 2022-2025, tính đến ngày 01/08/2025, 3 tỉnh, 8 xã, phường "
                                   "(danh mục từ 01/07/2025), 1 thôn chưa xếp\n")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Provinces", "Communes"]
    call_command("export_report", "--national", "--term", "2022-2025", "--as-of", "2022-07-15", "--units", "2025",
                 "--out", str(path), stdout=io.StringIO())
    assert openpyxl.load_workbook(path).sheetnames == ["Provinces", "Communes"]
    call_command("export_report", "--national", "--term", "2022-2025", "--as-of", "2022-07-15", "--out", str(path),
                 stdout=out)
    assert out.getvalue().endswith(", 4 tỉnh\n")
    assert openpyxl.load_workbook(path).sheetnames == ["Provinces"]


def test_command_national_scoping_and_mistakes(term, country, tmp_path, commands_in_english):
    path = tmp_path / "n.xlsx"
    args = ["export_report", "--national", "--term", "2022-2025", "--as-of", "2025-08-01", "--out", str(path)]
    make_user("tinh", province=country.new["A0"])
    make_user("central", national=True)
    with pytest.raises(CommandError, match="may not see the national report"):
        call_command(*args, "--user", "tinh")
    assert not path.exists()
    call_command(*args, "--user", "central", stdout=io.StringIO())
    assert path.exists()
    with pytest.raises(CommandError, match="without --province"):
        call_command(*args, "--province", "Tỉnh An 0")
    with pytest.raises(CommandError, match="--units"):
        call_command(*args, "--units", "2026")
    # central staff may also write any province's meeting report
    call_command("export_report", "--term", "2022-2025", "--as-of", "2025-08-01", "--province", "91",
                 "--user", "central", "--out", str(path), stdout=io.StringIO())


def test_only_central_staff_and_administrators_have_it(term, country):
    with pytest.raises(NationalScopeRequired):
        NationalReport(term, LATER, scope=Scope(province_id=country.new["A0"].pk))
    with pytest.raises(NationalScopeRequired):
        NationalReport(term, LATER, scope=Scope())
    assert NationalReport(term, LATER, scope=Scope(national=True)).provinces_rows()[-1] == \
        NationalReport(term, LATER, scope=FULL_SCOPE).provinces_rows()[-1]


# --- the download ---------------------------------------------------------------------------------------

def test_download_for_central_staff_and_administrators_only(term, country, client):
    query = {"national": "1", "term": "2022-2025", "as_of": "2025-08-01"}
    for who in (make_user("central", national=True), make_user("root", superuser=True)):
        client.force_login(who)
        response = client.get("/report.xlsx", query)
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="national-2022-2025-2025-08-01.xlsx"'
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert read_sheet(workbook, "Provinces", "Province")[1][-1]["Hamlets"] == Hamlet.objects.count()
    for who in (make_user("tinh", province=country.new["A0"]),
                make_user("huyen", district=District.objects.get(province=country.earlier["A10"])),
                make_user("xa", commune=country.communes["A0"][0]), make_user("nobody")):
        client.force_login(who)
        assert client.get("/report.xlsx", query).status_code == 403, who
    # a provincial user's own report is still there
    client.force_login(make_user("tinh2", province=country.new["A0"]))
    response = client.get("/report.xlsx", {"term": "2022-2025", "as_of": "2025-08-01"})
    assert response.status_code == 200 and '"meeting-91-' in response["Content-Disposition"]


# --- size -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("as_of", "units", "expected"), [(EARLY, None, QUERIES), (LATER, None, QUERIES_2025),
                                                          (EARLY, "2025", QUERIES_2025)],
                         ids=["earlier", "2025", "regrouped"])
def test_query_count_is_fixed_for_10_and_1000_hamlets(term, as_of, units, expected):
    used = []
    country = build_country(term, sizes=(4, 3, 3))  # 10 hamlets over 3 earlier provinces
    for _size in ("10", "1000"):
        with CaptureQueriesContext(connection) as queries:
            report = NationalReport(term, as_of, units=units)
            workbook_of(report)
        used.append(len(queries))
        if len(used) == 1:  # then 1,000 hamlets over 6 earlier provinces of 6 2025 provinces
            build_country(term, sizes=(400, 300, 290), base=100, country=country)
    assert Hamlet.objects.count() == 1000
    assert used == [expected, expected]
    assert len(report.provinces_rows()) == (6 if report.is_new else 8) + 1


def test_timing_of_a_few_thousand_hamlets(term, capsys):
    """Not the 100,000 of the issue (SQLite, in a test): the time is printed for the report."""
    build_country(term, sizes=(1200, 1000, 800))
    started = time.perf_counter()
    workbook_of(NationalReport(term, LATER))
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nnational report, 3,000 hamlets, SQLite: {elapsed:.2f} s")
    assert elapsed < 5
