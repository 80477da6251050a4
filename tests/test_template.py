"""The blank import template (issue 10, item 7): a Vietnamese instructions sheet first, drop-downs for
the yes/no, kind and Party role columns, the contract's English headers; Vietnamese headers accepted on
import for every column."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from django.test import Client

from elections.importing.service import import_workbook
from elections.importing.template import (
    ADMISSIONS,
    CHIEF_EVALUATIONS,
    HAMLETS,
    SHEETS,
    TARGETS,
    drop_downs,
    header_key,
    instruction_rows,
)
from elections.models import ChiefElection, Congress, HamletTerm
from tests.personas import make_user
from tests.workbooks import (
    HEADERS,
    admission_row,
    admission_target_row,
    chief_of,
    hamlet_row,
    make_units,
    snapshot,
    target_row,
    write_workbook,
)

pytestmark = pytest.mark.django_db
URL = "/import/template.xlsx"


@pytest.fixture
def units(db):
    return make_units()


@pytest.fixture
def template(units) -> openpyxl.Workbook:
    client = Client()
    client.force_login(make_user("qp", district=units["Huyện Quế Phong"]))
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="cadre-tracker-import-template.xlsx"'
    return openpyxl.load_workbook(io.BytesIO(response.content))


def texts(sheet) -> str:
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)


def test_the_instructions_come_first_and_the_contract_follows(template):
    assert template.sheetnames == ["Hướng dẫn", "Hamlets", "Targets", "Admissions", "Admission targets",
                                   "Placements", "Chief plans", "Chief evaluations", "Area officials"]
    for spec in SHEETS:  # the headers stay exactly the contract's, every column present
        assert [c.value for c in template[spec.name][1]] == [c.header for c in spec.columns]
        assert template[spec.name].max_row == 1


def test_the_instructions_say_what_each_sheet_and_column_means(template):
    words = texts(template["Hướng dẫn"])
    for spec in SHEETS:
        assert spec.name in words
        for column in spec.columns:
            assert column.header in words and column.vi in words
    for needed in ("Trước 01/07/2025", "Từ 01/07/2025", "để trống District", "Former commune", "DD/MM/YYYY",
                   "YYYY-MM-DD", "có/không, x, yes/no", "2022-2025", "tối đa 120 ký tự", "tối đa 60 ký tự",
                   "0 đến 9.999", "0 đến 99.999", "01/01/1930", "bỏ qua"):
        assert needed in words, needed
    assert words == unicodedata.normalize("NFC", words)


def test_every_column_has_a_meaning_in_the_instructions():
    for spec in SHEETS:
        rows = [cells for kind, cells in instruction_rows() if kind == "text" and len(cells) == 4
                and cells[0] in {c.header for c in spec.columns}]
        assert all(cells[3] for cells in rows), spec.name


def test_drop_downs_for_yes_no_kind_and_party_role(template):
    lists = {}
    for spec in (HAMLETS, TARGETS, ADMISSIONS, CHIEF_EVALUATIONS):
        sheet = template[spec.name]
        letters = {openpyxl.utils.get_column_letter(i): c.field for i, c in enumerate(spec.columns, start=1)}
        for check in sheet.data_validations.dataValidation:
            assert check.type == "list" and check.allow_blank
            start = str(check.sqref).split(":")[0]
            column = start.rstrip("0123456789")  # AA2: column AA
            assert start[len(column):] == "2" and str(check.sqref).endswith("100001")  # every data row
            lists[(spec.name, letters[column])] = check.formula1
    assert lists[("Hamlets", "kind")] == '"thôn,xóm,bản,làng,khối,tổ dân phố,ấp"'
    for name in ("special_area", "project01", "party_cell"):
        assert lists[("Hamlets", name)] == '"Có,Không"'
    assert lists[("Hamlets", "chief_party_role")] == '"Bí thư,Phó bí thư"'
    assert lists[("Targets", "special_area_only")] == '"Có,Không"'
    assert lists[("Admissions", "sitting_chief")] == '"Có,Không"' and lists[("Admissions", "gender")] == '"Nam,Nữ"'
    assert lists[("Hamlets", "chief_gender")] == lists[("Hamlets", "secretary_gender")] == '"Nam,Nữ"'
    assert lists[("Chief evaluations", "rating")] == '"Hoàn thành xuất sắc,Hoàn thành tốt,Hoàn thành,Không hoàn thành"'
    assert len(lists) == sum(len(v) for v in drop_downs().values())


def test_every_drop_down_value_is_read_by_the_import(units, tmp_path):
    """The values offered are values the import reads (whatever the interface's language)."""
    kinds = drop_downs()["Hamlets"]["kind"]
    roles = [drop_downs()["Hamlets"]["chief_party_role"][i % 2] for i in range(len(kinds))]
    rows = [hamlet_row(hamlet=f"Bản {i}", kind=kind, special_area="Có", project01="Không", party_cell="Có",
                       chief_party_role=role, chief=chief_of(f"Bản {i}") if role == "Phó bí thư" else "Lô Văn Xuân")
            for i, (kind, role) in enumerate(zip(kinds, roles, strict=True))]
    result = import_workbook(write_workbook(tmp_path / "lists.xlsx", {"Hamlets": rows}), dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    assert not [w for w in result.warnings if "Kind" in str(w) or "Loại" in str(w)]


def test_every_column_has_a_vietnamese_alias_and_no_two_columns_share_a_spelling():
    for spec in SHEETS:
        keys: dict[str, str] = {}
        for column in spec.columns:
            assert column.vi and header_key(column.vi) != header_key(column.header), column.header
            assert not column.vi.isascii(), column.vi  # Vietnamese, with its diacritics
            for spelling in (column.header, column.vi, *column.aliases):
                owner = keys.setdefault(header_key(spelling), column.field)
                assert owner == column.field, f"{spec.name}: {spelling!r} names {owner} and {column.field}"


def vietnamese_headers(spec) -> list[str]:
    return [c.vi for c in spec.columns if c.header_required]


def test_a_workbook_with_vietnamese_headers_imports_as_the_english_one(units, tmp_path):
    sheets = {"Hamlets": [hamlet_row(), hamlet_row(hamlet="Bản Pỏm", chief_party_role="")],
              "Targets": [target_row()], "Admissions": [admission_row()],
              "Admission targets": [admission_target_row()]}
    english = write_workbook(tmp_path / "en.xlsx", sheets)
    vietnamese = write_workbook(tmp_path / "vi.xlsx", sheets,
                                headers={spec.name: vietnamese_headers(spec) for spec in SHEETS
                                         if spec.name in sheets})
    sheet = openpyxl.load_workbook(vietnamese)["Hamlets"]
    assert [c.value for c in sheet[1]][:4] == ["Tỉnh", "Huyện", "Xã", "Thôn/xóm"]
    assert len(HEADERS["Hamlets"]) == len(vietnamese_headers(HAMLETS))
    first = import_workbook(vietnamese)
    assert first.ok, [str(p) for p in first.problems]
    assert first.summary.records_created == 2 and first.summary.admissions_created == 1
    stored = snapshot()
    again = import_workbook(english, dry_run=True)  # the same data under the English headers: nothing new
    assert again.ok and again.summary.written == 0
    assert snapshot() == stored
    assert HamletTerm.objects.count() == 2 and Congress.objects.count() == 2 and ChiefElection.objects.count() == 2


def test_vietnamese_aliases_of_the_optional_columns(units, tmp_path):
    row = hamlet_row(district_code=415, commune_code=16741)
    headers = [*vietnamese_headers(HAMLETS), "Mã huyện", "Mã xã"]
    result = import_workbook(write_workbook(tmp_path / "codes.xlsx", {"Hamlets": [row]},
                                            headers={"Hamlets": headers}), dry_run=True)
    assert result.ok, [str(p) for p in result.problems]


def test_the_import_ignores_the_instructions_sheet(template, units, tmp_path):
    template["Hamlets"].append([hamlet_row()[c.field] if c.field in hamlet_row() else None
                                for c in HAMLETS.columns])
    template["Hướng dẫn"].append(["=1+1", "anything", None, "Party members"])
    path = Path(tmp_path / "filled.xlsx")
    template.save(path)
    result = import_workbook(path, dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    assert result.summary.rows["Hamlets"] == 1 and result.summary.records_created == 1
    assert "Hướng dẫn" not in " ".join(str(w) for w in result.warnings)


def test_the_blank_template_imports_as_nothing_to_do(template, units, tmp_path):
    path = Path(tmp_path / "blank.xlsx")
    template.save(path)
    result = import_workbook(path, dry_run=True)
    assert result.ok and result.summary.written == 0 and sum(result.summary.rows.values()) == 0


def test_the_instructions_follow_the_interface_language(units):
    from django.utils import translation

    with translation.override("vi"):
        assert instruction_rows()[0][1][0].startswith("Hướng dẫn")
