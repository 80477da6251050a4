"""``Download my hamlets for the term`` (issue 10, item 7): the template filled with the user's hamlets
and what is recorded for the term, which imported back unchanged changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client

from elections.importing.service import import_workbook
from elections.importing.template import HAMLETS
from elections.models import ChiefElection, HamletTerm
from elections.records import save_record, sync_hamlets
from hamlets.models import Hamlet
from tests.factories import ChiefElectionFactory, CongressFactory, HamletFactory, PartyCellFactory, TermFactory
from tests.personas import make_user
from tests.workbooks import history_count, make_both_lists, snapshot

pytestmark = pytest.mark.django_db
URL = "/import/prefill.xlsx"
T22 = {"term": "2022-2025"}
T25 = {"term": "2025-2027"}


class Land:
    def __init__(self) -> None:
        self.units = make_both_lists()
        u = self.units
        self.t22 = TermFactory(start_year=2022, end_year=2025)
        self.t25 = TermFactory(start_year=2025, end_year=2027)
        self.hamlets: dict[str, Hamlet] = {}
        h = self.hamlets
        # two Xóm 1 of two old communes, both now in the 2025 Xã Đại Đồng
        h["phong1"] = self.hamlet("Xóm 1", u["Xã Thanh Phong"], cell=True, t25=True)
        h["dong1"] = self.hamlet("Xóm 1", u["Xã Đại Đồng"], cell=True)  # only a 2022 record: in force in 2025
        h["dung10"] = self.hamlet("Xóm 10", u["Thị trấn Dùng"])
        h["dung2"] = self.hamlet("Xóm 2", u["Thị trấn Dùng"], cell=True, t25=True)
        h["khoi3"] = self.hamlet("Khối 3", u["Xã Hạnh Lâm"], cell=True, t25=True)
        h["new"] = HamletFactory(commune=None, new_commune=u["2025/Xã Đại Đồng"], name="Xóm Mới Lập",
                                 party_members=2, term=self.t25)
        h["away"] = self.hamlet("Bản Đỉ", u["Xã Thông Thụ"])  # Quế Phong: not the district board's
        h["split"] = self.hamlet("Thôn Hải Phong", u["Xã Kỳ Lợi"], cell=True)  # Hà Tĩnh, unplaced
        h["vung_ang"] = HamletFactory(commune=None, new_commune=u["2025/Phường Vũng Áng"], name="Thôn Hải Phong",
                                      term=self.t22)
        # results: a chief also secretary, a by-election, a congress not held yet, a cell dissolved in 2025
        CongressFactory(cell=h["phong1"].party_cell, term=self.t22, held_on=dt.date(2022, 5, 3),
                        secretary="Lê Văn Cả", deputy_secretary="=Hồ Thị Hai")  # formula-like: kept as text
        ChiefElectionFactory(hamlet=h["phong1"], term=self.t22, held_on=dt.date(2022, 6, 1), chief="Lê Văn Cả",
                             chief_member_since=dt.date(2001, 1, 2), chief_party_role="secretary")
        CongressFactory(cell=h["phong1"].party_cell, term=self.t25, held_on=dt.date(2025, 4, 2),
                        secretary="Lê Văn Cả", deputy_secretary="Hồ Thị Hai")
        ChiefElectionFactory(hamlet=h["phong1"], term=self.t25, held_on=dt.date(2026, 3, 1), chief="Nguyễn Ba",
                             chief_member_since=None)
        CongressFactory(cell=h["dong1"].party_cell, term=self.t22, held_on=dt.date(2022, 5, 4), secretary="Đinh An",
                        deputy_secretary="")
        ChiefElectionFactory(hamlet=h["dung10"], term=self.t22, held_on=dt.date(2022, 6, 2), chief="Phạm Cũ")
        ChiefElectionFactory(hamlet=h["dung10"], term=self.t22, held_on=dt.date(2023, 8, 9), chief="Phạm Mới",
                             chief_member_since=dt.date(2020, 2, 2), chief_party_role="")
        CongressFactory(cell=h["dung2"].party_cell, term=self.t25, held_on=None, secretary="Vi Văn Chờ",
                        deputy_secretary="Lò Thị Đợi")
        CongressFactory(cell=h["khoi3"].party_cell, term=self.t22, held_on=dt.date(2022, 4, 4), secretary="Cao Bốn",
                        deputy_secretary="Cao Năm")
        save_record(h["khoi3"], self.t25, kind="khoi", party_members=0, party_cell=False)  # cell dissolved
        CongressFactory(cell=h["split"].party_cell, term=self.t22, held_on=dt.date(2022, 7, 7), secretary="Hà Bảy")
        HamletTerm.objects.filter(hamlet=h["phong1"], term=self.t25).update(special_area=True, project01=True)
        sync_hamlets([x.pk for x in h.values()])
        for hamlet in h.values():
            hamlet.refresh_from_db()
        self.users = {
            "district": make_user("tc_board", district=u["Huyện Thanh Chương"]),
            "commune": make_user("dd_board", commune=u["2025/Xã Đại Đồng"]),
            "staff": make_user("na_staff", province=u["2025/Tỉnh Nghệ An"], editor=True),
            "ht_staff": make_user("ht_staff", province=u["2025/Tỉnh Hà Tĩnh"], editor=True),
            "reader": make_user("na_reader", province=u["2025/Tỉnh Nghệ An"]),
            "admin": make_user("root", superuser=True),
        }

    def hamlet(self, name: str, commune: Any, cell: bool = False, t25: bool = False) -> Hamlet:
        hamlet = HamletFactory(commune=commune, name=name, party_members=5, term=self.t22)
        if cell:
            PartyCellFactory(hamlet=hamlet)
        if t25:
            save_record(hamlet, self.t25, kind="xom", party_members=7, party_cell=cell)
        return hamlet

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(self.users[who])
        return client


@pytest.fixture
def land(db) -> Land:
    return Land()


def download(land: Land, who: str, params: dict[str, str]) -> bytes:
    response = land.client(who).get(URL, params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response.content


def rows_of(content: bytes) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Hamlets"]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.header for c in HAMLETS.columns]
    return [dict(zip([c.field for c in HAMLETS.columns], row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)]


def by_hamlet(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["hamlet"], r["former_commune"] or r["commune"]): r for r in rows}


CASES = [("district", T22), ("district", T25), ("commune", T22), ("commune", T25), ("staff", T22),
         ("staff", T25), ("staff", {**T22, "as_of": "2024-01-01"}), ("staff", {**T25, "units": "2025"}),
         ("ht_staff", T22), ("admin", T25)]


@pytest.mark.parametrize(("who", "params"), CASES)
def test_importing_the_download_unchanged_changes_nothing(land, tmp_path, who, params):
    path = Path(tmp_path / "mine.xlsx")
    path.write_bytes(download(land, who, params))
    result = import_workbook(path, user=land.users[who], dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    assert result.summary.written == 0, result.summary
    assert {c.action for c in result.changes} == {"unchanged"}
    before, history = snapshot(), history_count()
    written = import_workbook(path, user=land.users[who])
    assert written.ok and written.summary.written == 0
    assert snapshot() == before and history_count() == history


def test_a_district_board_gets_its_hamlets_in_the_earlier_list(land):
    rows = rows_of(download(land, "district", T22))
    assert [r["hamlet"] for r in rows] == ["Xóm 2", "Xóm 10", "Khối 3", "Xóm 1", "Xóm 1"]  # natural, by commune
    assert {r["district"] for r in rows} == {"Huyện Thanh Chương"} and {r["district_code"] for r in rows} == {428}
    assert all(r["former_commune"] is None for r in rows)
    dung10 = by_hamlet(rows)[("Xóm 10", "Thị trấn Dùng")]
    assert dung10["chief"] == "Phạm Mới" and dung10["chief_elected_on"] == dt.datetime(2023, 8, 9)  # the latest
    assert dung10["chief_member_since"] == dt.datetime(2020, 2, 2)


def test_a_commune_board_gets_the_2025_list_with_former_communes_beside_namesakes(land):
    rows = rows_of(download(land, "commune", T25))
    found = by_hamlet(rows)
    assert set(found) == {("Xóm 1", "Xã Thanh Phong"), ("Xóm 1", "Xã Đại Đồng"), ("Xóm 10", "Xã Đại Đồng"),
                          ("Xóm 2", "Xã Đại Đồng"), ("Xóm Mới Lập", "Xã Đại Đồng")}
    assert {r["district"] for r in rows} == {None} and {r["commune"] for r in rows} == {"Xã Đại Đồng"}
    assert {r["commune_code"] for r in rows} == {17713}
    phong = found[("Xóm 1", "Xã Thanh Phong")]
    assert (phong["former_district"], phong["former_commune_code"]) == ("Huyện Thanh Chương", 17731)
    assert (phong["special_area"], phong["project01"], phong["party_cell"]) == ("Có", "Có", "Có")
    assert (phong["congress_held_on"], phong["chief"], phong["chief_party_role"]) == (
        dt.datetime(2025, 4, 2), "Nguyễn Ba", None)
    # the record in force (2022) where 2025 has none; the 2022 congress is not the 2025 term's
    dong = found[("Xóm 1", "Xã Đại Đồng")]
    assert (dong["party_members"], dong["party_cell"], dong["congress_held_on"], dong["secretary"]) == (
        5, "Có", None, None)
    waiting = found[("Xóm 2", "Xã Đại Đồng")]
    assert waiting["former_commune"] is None  # no namesake
    assert (waiting["congress_held_on"], waiting["secretary"], waiting["deputy_secretary"]) == (
        None, "Vi Văn Chờ", "Lò Thị Đợi")


def test_the_2022_rows_carry_the_2022_results(land):
    found = by_hamlet(rows_of(download(land, "commune", T22)))
    assert ("Xóm Mới Lập", "Xã Đại Đồng") not in found  # entered for 2025 only: not counted in 2022
    phong = found[("Xóm 1", "Xã Thanh Phong")]
    assert (phong["secretary"], phong["deputy_secretary"], phong["chief_party_role"]) == (
        "Lê Văn Cả", "=Hồ Thị Hai", "Bí thư")
    assert (phong["kind"], phong["party_members"], phong["term"]) == ("xóm", 5, "2022-2025")


def test_a_dissolved_cell_leaves_the_congress_cells_blank(land):
    staff = by_hamlet(rows_of(download(land, "staff", T25)))
    khoi = staff[("Khối 3", "Xã Hạnh Lâm")]
    assert (khoi["party_cell"], khoi["congress_held_on"], khoi["secretary"], khoi["kind"]) == (
        "Không", None, None, "khối")
    assert staff[("Khối 3", "Xã Hạnh Lâm")]["district"] is None  # staff after July 2025: the 2025 list
    earlier = by_hamlet(rows_of(download(land, "staff", {**T22, "as_of": "2024-01-01"})))
    assert earlier[("Khối 3", "Xã Hạnh Lâm")]["district"] == "Huyện Thanh Chương"
    assert earlier[("Khối 3", "Xã Hạnh Lâm")]["secretary"] == "Cao Bốn"


def test_hamlets_that_one_list_cannot_name_are_named_in_the_other(land):
    rows = by_hamlet(rows_of(download(land, "ht_staff", T22)))
    split = rows[("Thôn Hải Phong", "Xã Kỳ Lợi")]  # unplaced: only the earlier list names it
    assert (split["district"], split["commune_code"]) == ("Thị xã Kỳ Anh", 18796)
    vung_ang = rows[("Thôn Hải Phong", "Phường Vũng Áng")]  # no earlier commune
    assert vung_ang["district"] is None and vung_ang["former_commune"] is None
    district_board = by_hamlet(rows_of(download(land, "district", T25)))
    assert ("Xóm Mới Lập", "Xã Đại Đồng") not in district_board  # not the district's: no earlier commune


def test_only_the_users_hamlets(land):
    district = {r["hamlet"] for r in rows_of(download(land, "district", T22))}
    assert "Bản Đỉ" not in district and "Thôn Hải Phong" not in district
    staff = {r["hamlet"] for r in rows_of(download(land, "staff", T22))}
    assert "Bản Đỉ" in staff and "Thôn Hải Phong" not in staff
    assert {r["hamlet"] for r in rows_of(download(land, "ht_staff", T22))} == {"Thôn Hải Phong"}


def test_the_download_is_ready_to_fill_in(land, tmp_path):
    content = download(land, "commune", T25)
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book["Hamlets"]
    columns = {c.field: i for i, c in enumerate(HAMLETS.columns, start=1)}
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, columns["hamlet"]).value == "Xóm Mới Lập")
    sheet.cell(row, columns["chief_elected_on"]).value = dt.date(2026, 4, 1)
    sheet.cell(row, columns["chief"]).value = "Vi Văn Mới"
    book.save(tmp_path / "filled.xlsx")
    result = import_workbook(tmp_path / "filled.xlsx", user=land.users["commune"])
    assert result.ok, [str(p) for p in result.problems]
    assert result.summary.written == 1 and result.summary.elections_created == 1
    assert ChiefElection.objects.get(hamlet=land.hamlets["new"]).chief == "Vi Văn Mới"


def test_the_download_has_the_templates_instructions_and_drop_downs(land):
    book = openpyxl.load_workbook(io.BytesIO(download(land, "staff", T25)))
    assert book.sheetnames[:2] == ["Hướng dẫn", "Hamlets"]
    assert book["Hamlets"].data_validations.dataValidation  # drop-downs for the rows to fill in
    date = next(c for c in book["Hamlets"]["K"][1:] if c.value is not None)
    assert date.number_format == "DD/MM/YYYY"
    earlier = openpyxl.load_workbook(io.BytesIO(download(land, "staff", T22)))
    deputy = next(c for c in earlier["Hamlets"]["M"] if c.value == "=Hồ Thị Hai")  # a name, not a formula
    assert deputy.data_type == "s" and deputy.quotePrefix


def test_without_a_term_the_latest_one(land):
    assert {r["term"] for r in rows_of(download(land, "district", {}))} == {"2025-2027"}


def test_readers_may_download_and_unknown_terms_are_404(land):
    assert land.client("reader").get(URL, T25).status_code == 200
    assert land.client("staff").get(URL, {"term": "1999-2001"}).status_code == 404
    assert land.client("staff").get(URL, {"term": "2025-2027", "units": "1990"}).status_code == 400
    assert Client().get(URL, T25).status_code == 302  # anonymous: to the login page
    assert land.client("staff").post(URL, T25).status_code == 405  # a download, nothing to post


def test_the_query_count_does_not_grow_with_the_hamlets(land, django_assert_max_num_queries):
    client = land.client("staff")
    client.get(URL, T25)
    with django_assert_max_num_queries(12) as first:
        assert client.get(URL, T25).status_code == 200
    for n in range(40):
        hamlet = HamletFactory(commune=land.units["Thị trấn Dùng"], name=f"Xóm {20 + n}", term=land.t25)
        CongressFactory(cell=PartyCellFactory(hamlet=hamlet), term=land.t25, held_on=dt.date(2025, 5, 5))
        ChiefElectionFactory(hamlet=hamlet, term=land.t25, held_on=dt.date(2026, 1, 1))
    with django_assert_max_num_queries(len(first)):
        assert client.get(URL, T25).status_code == 200


def test_every_hamlet_the_term_counts_is_listed(land):
    assert len(rows_of(download(land, "admin", T25))) == Hamlet.objects.count()
    assert len(rows_of(download(land, "admin", T22))) == Hamlet.objects.exclude(pk=land.hamlets["new"].pk).count()
