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
