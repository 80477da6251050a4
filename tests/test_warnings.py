"""Warnings that ask before saving (``elections.warnings``): pure functions over values already read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import translation

from elections import warnings


@dataclass
class Term:
    start_year: int
    end_year: int


TERM = Term(2022, 2025)


@pytest.mark.parametrize(("day", "asked"), [
    (dt.date(2021, 1, 1), False),  # a year before the term starts: congresses are held ahead of it
    (dt.date(2020, 12, 31), True),
    (dt.date(2012, 6, 15), True),  # 2012 typed for 2022
    (dt.date(2025, 12, 31), False),
    (dt.date(2026, 1, 1), True),
])
def test_a_date_far_from_its_term_is_asked_about(day, asked):
    caution = warnings.date_caution("chief_elected_on", day, TERM)
    assert (caution is not None) == asked
    if caution:
        assert caution.field == "chief_elected_on"
        assert day.strftime("%d/%m/%Y") in caution.message and "2022-2025" in caution.message
        assert caution.message.startswith("Ngày bầu trưởng thôn")


def test_a_missing_date_is_not_asked_about():
    assert warnings.date_caution("congress_held_on", None, TERM) is None


@pytest.mark.parametrize("name", ["=SUM(A1:A3)", "+84 912", "-Nguyễn Văn A", "@Lê Thị B", "  =HYPERLINK()"])
def test_a_name_starting_like_a_formula_is_asked_about(name):
    caution = warnings.name_caution("secretary", name)
    assert caution is not None and caution.field == "secretary"
    assert name.strip() in caution.message and "Bí thư" in caution.message


@pytest.mark.parametrize("name", ["Nguyễn Văn A", "", None, "Lê Thị-B", "A=B"])
def test_ordinary_names_are_not_asked_about(name):
    assert warnings.name_caution("chief", name) is None


def test_a_row_is_asked_about_its_dates_and_names_only():
    cautions = warnings.row_cautions(TERM, {
        "congress_held_on": dt.date(2012, 5, 1), "chief_elected_on": dt.date(2022, 6, 1),
        "secretary": "=A1", "deputy_secretary": "Trần B", "chief": "@c", "chief_member_since": dt.date(1980, 1, 1),
        "party_members": 12})
    assert [c.field for c in cautions] == ["congress_held_on", "secretary", "chief"]
    assert warnings.row_cautions(TERM, {"chief": None, "congress_held_on": "bad"}) == []


def test_the_same_chief_in_two_hamlets_is_found_with_names_folded():
    chiefs = {1: "Nguyễn Văn Hoà", 2: "nguyễn  văn hòa", 3: "Lê Văn C", 4: "", 5: "NGUYỄN VĂN HOÀ"}
    assert warnings.repeated_chiefs(chiefs) == {1: [2, 5], 2: [1, 5], 5: [1, 2]}
    assert warnings.repeated_chiefs({1: "A", 2: "B"}) == {}


def test_chief_cautions_name_the_other_hamlets():
    names = {1: "Xóm 1 (Thanh Lâm cũ)", 2: "Xóm 1 (Thanh Mỹ cũ)", 3: "Xóm 3"}
    cautions = warnings.chief_cautions({1: "Lê Văn C", 2: "Lê văn C", 3: "Hồ D"}, TERM, names.__getitem__)
    assert set(cautions) == {1, 2}
    assert cautions[1].field == "chief"
    assert "Xóm 1 (Thanh Mỹ cũ)" in cautions[1].message and "Lê Văn C" in cautions[1].message
    assert "2022-2025" in cautions[2].message


def test_columns_follow_the_interface_language():
    with translation.override("en"):
        assert warnings.column("chief_elected_on") == "Chief elected on"
    with translation.override("vi"):
        assert warnings.column("chief_elected_on") == "Ngày bầu trưởng thôn"


def test_the_import_preview_shows_the_grids_warnings(db, tmp_path):
    """A one-digit year typo and a formula-looking name warn in the preview as in the grid, and do not refuse."""
    from elections.importing import import_workbook
    from tests.workbooks import hamlet_row, make_units, write_workbook

    make_units()
    row = hamlet_row(congress_held_on="2012-05-20", secretary="@Nguyễn Văn A")
    result = import_workbook(write_workbook(tmp_path / "w.xlsx", {"Hamlets": [row]}), dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    cells = {w.cell for w in result.warnings}
    assert {"K2", "L2"} <= cells, [str(w) for w in result.warnings]


# --- one chief of two hamlets, in the import preview ----------------------------------------------

def _preview(tmp_path, rows):
    from elections.importing import import_workbook
    from tests.workbooks import write_workbook

    result = import_workbook(write_workbook(tmp_path / "w.xlsx", {"Hamlets": rows}), dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    return result


def _chief(**values):
    from tests.workbooks import hamlet_row

    return hamlet_row(chief_party_role=None, chief_member_since=None, **values)


def test_the_import_preview_asks_about_one_chief_of_two_hamlets(db, tmp_path):
    """Names folded (case, tone placement): each row's Chief cell is asked about, naming the other row's cell."""
    from tests.workbooks import make_units

    make_units()
    result = _preview(tmp_path, [_chief(hamlet="Xóm 1", chief="Nguyễn Văn Hoà"),
                                 _chief(hamlet="Xóm 2", chief="NGUYỄN VĂN HÒA"),
                                 _chief(hamlet="Xóm 3", chief="Nguyễn Văn Hòa Bình")])
    chief = {w.cell: w.message for w in result.warnings if w.field == "chief"}
    assert set(chief) == {"O2", "O3"}, [str(w) for w in result.warnings]
    assert "Xóm 2 (ô O3)" in chief["O2"] and "2022-2025" in chief["O2"]
    assert "Xóm 1 (ô O2)" in chief["O3"] and "Xóm 3" not in chief["O3"]
    assert result.summary.written  # a warning asks; it refuses nothing


def test_one_chief_in_two_communes_or_two_terms_is_not_asked_about(db, tmp_path):
    from tests.workbooks import make_units

    make_units()
    result = _preview(tmp_path, [
        _chief(hamlet="Xóm 1", chief="Lê Văn Tám"),
        _chief(hamlet="Xóm 1", district="Tương Dương", commune="Mai Sơn", chief="Lê Văn Tám"),
        _chief(hamlet="Xóm 2", term="2017-2020", congress_held_on=dt.date(2017, 5, 2),
               chief_elected_on=dt.date(2017, 6, 1), chief="lê văn tám")])
    assert not [w for w in result.warnings if w.field == "chief"], [str(w) for w in result.warnings]


def test_a_stored_chief_of_the_commune_counts_and_what_is_stored_is_not_asked_again(db, tmp_path):
    """As in the grid: the commune's chiefs already stored for the term count; a row that keeps its
    hamlet's stored chief is not asked about again."""
    from elections.models import ChiefElection
    from tests.factories import HamletFactory, TermFactory
    from tests.workbooks import make_units

    units = make_units()
    term = TermFactory(start_year=2022, end_year=2025)
    stored = HamletFactory(commune=units["Xã Thông Thụ"], name="Bản Na")
    ChiefElection.objects.create(hamlet=stored, term=term, held_on=dt.date(2022, 5, 1), chief="Lương Văn Bảy")
    ChiefElection.objects.create(hamlet=stored, term=term, held_on=dt.date(2021, 12, 1), chief="Lò Văn Trước")
    result = _preview(tmp_path, [_chief(hamlet="Bản Na", chief="Lương Văn Bảy", chief_elected_on=dt.date(2022, 5, 1)),
                                 _chief(hamlet="Xóm 9", chief="lương văn bảy")])
    chief = {w.cell: w.message for w in result.warnings if w.field == "chief"}
    assert set(chief) == {"O3"}, [str(w) for w in result.warnings]
    assert "Bản Na (ô O2)" in chief["O3"]

    result = _preview(tmp_path, [_chief(hamlet="Xóm 9", chief="Lương Văn Bảy")])
    [warning] = [w for w in result.warnings if w.field == "chief"]
    assert warning.cell == "O2" and "Bản Na" in warning.message and "(ô" not in warning.message

    result = _preview(tmp_path, [_chief(hamlet="Xóm 9", chief="Lò Văn Trước")])  # the term's latest counts only
    assert not [w for w in result.warnings if w.field == "chief"], [str(w) for w in result.warnings]


def test_the_chief_warning_follows_the_interface_language(db, tmp_path):
    from tests.workbooks import make_units

    make_units()
    with translation.override("en"):
        result = _preview(tmp_path, [_chief(hamlet="Xóm 1", chief="Hà Văn Na"),
                                     _chief(hamlet="Xóm 2", chief="Hà Văn Na")])
    [first, _second] = [w.message for w in result.warnings if w.field == "chief"]
    assert "Xóm 2 (cell O3)" in first and "ô" not in first and "cũng" not in first, first


def test_namesakes_of_one_2025_commune_are_told_apart_in_the_chief_warning(db, tmp_path):
    """Two hamlets "Xóm 1" of two former communes now lying in Xã Đại Đồng, with one chief."""
    from elections.importing import import_workbook
    from tests.workbooks import HEADERS_2025, make_both_lists, new_row, write_workbook

    make_both_lists()
    rows = [new_row(hamlet="Xóm 1", former_commune="Thanh Ngọc", chief="Hồ Văn Tư", chief_party_role=None),
            new_row(hamlet="Xóm 1", former_commune="Thanh Phong", chief="Hồ văn Tư", chief_party_role=None),
            new_row(hamlet="Xóm 2", commune="Hạnh Lâm", former_commune="Thanh Đức", chief="Hồ Văn Tư",
                    chief_party_role=None)]
    path = write_workbook(tmp_path / "w.xlsx", {"Hamlets": rows}, headers=HEADERS_2025)
    result = import_workbook(path, dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    chief = {w.row: w.message for w in result.warnings if w.field == "chief"}
    assert set(chief) == {2, 3}, [str(w) for w in result.warnings]  # Xã Hạnh Lâm is another commune
    assert "Xóm 1 (Thanh Phong cũ) (ô" in chief[2] and "Xóm 1 (Thanh Ngọc cũ) (ô" in chief[3]


def test_one_chief_of_many_hamlets_names_five_and_counts_the_rest(db, tmp_path, django_assert_max_num_queries):
    """A workbook giving 60 hamlets of one commune the same chief (a column filled down by mistake):
    every row is asked about, each message names 5 other hamlets and counts the other 54."""
    from tests.workbooks import make_units

    make_units()
    result = _preview(tmp_path, [_chief(hamlet=f"Xóm {n}", chief="Vi Thị Hạnh") for n in range(1, 61)])
    chief = {w.row: w.message for w in result.warnings if w.field == "chief"}
    assert set(chief) == set(range(2, 62))
    assert "Xóm 2 (ô O3)" in chief[2] and "Xóm 6 (ô O7)" in chief[2] and "Xóm 7 (ô" not in chief[2]
    assert "và 54 thôn khác" in chief[2] and "Xóm 1 (ô O2)" in chief[61]
    with translation.override("en"):
        assert "and 54 other hamlets" in warnings.chief_caution("A", list(range(59)), TERM, str).message


def test_chief_caution_names_all_when_few():
    message = warnings.chief_caution("Lê Văn C", ["Xóm 2", "Xóm 3"], TERM, str).message
    assert "Xóm 2, Xóm 3 trong" in message and "khác" not in message


def test_a_stored_hamlet_the_workbook_does_not_name_counts_by_its_latest_chief(db, tmp_path):
    """A hamlet of the commune that no row names counts too, by the term's latest stored election only."""
    from elections.models import ChiefElection
    from tests.factories import HamletFactory, TermFactory
    from tests.workbooks import make_units

    units = make_units()
    term = TermFactory(start_year=2022, end_year=2025)
    stored = HamletFactory(commune=units["Xã Thông Thụ"], name="Bản Na")
    ChiefElection.objects.create(hamlet=stored, term=term, held_on=dt.date(2022, 5, 1), chief="Lương Văn Bảy")
    ChiefElection.objects.create(hamlet=stored, term=term, held_on=dt.date(2022, 3, 1), chief="Lò Văn Trước")
    result = _preview(tmp_path, [_chief(hamlet="Xóm 9", chief="lương văn bảy"),
                                 _chief(hamlet="Xóm 8", chief="Lò Văn Trước")])
    chief = {w.cell: w.message for w in result.warnings if w.field == "chief"}
    assert set(chief) == {"O2"}, [str(w) for w in result.warnings]
    assert "Bản Na" in chief["O2"] and "(ô" not in chief["O2"].split("Bản Na", 1)[1][:4]
