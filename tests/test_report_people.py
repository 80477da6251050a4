"""The meeting report's ``People`` sheet (workbooks.md section 5) in both layouts, read back cell by cell."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from elections.models import ChiefElection, Congress, Rating
from elections.reports import MeetingReport
from elections.reports.national import NationalReport
from tests.factories import ChiefEvaluationFactory, ChiefPlanFactory
from tests.test_figures_2025 import AUGUST, JUNE_30, LaoCai, build_lao_cai
from tests.test_report_2025 import named, sheet

pytestmark = pytest.mark.django_db
PEOPLE_HEADERS = [
    "Chiefs in office", "Chiefs aged 60 or more", "Chiefs under 40", "Women chiefs", "Ethnic-minority chiefs",
    "Congresses completed", "Women secretaries", "Ethnic-minority secretaries", "Non-member chiefs",
    "Non-member chiefs with a plan", "Plans without a step for 180 days", "Chiefs rated not completed last year",
]


def counts(*values: int) -> dict[str, int]:
    return dict(zip(PEOPLE_HEADERS, values, strict=True))


ZEROS = counts(*[0] * 12)


@pytest.fixture
def lao_cai(term) -> LaoCai:
    """Lào Cai with profiles: a Dao chief in Xóm 1 of Cam Đường, an old woman non-member in Xóm 2 with
    a plan started 1 January 2024 (no step since) and rated "not completed" for 2024, a young chief in
    the unplaced Thôn Mậu 1, and a Mông woman secretary in Thôn Đông (no chief)."""
    world = build_lao_cai(term)
    h = world.hamlets
    for key, profile in (("cam_1", {"chief_ethnicity": "Dao"}),
                         ("cam_2", {"chief_gender": "female", "chief_birth_year": 1950}),
                         ("mau_1", {"chief_birth_year": 1990, "chief_ethnicity": "Kinh"})):
        election = ChiefElection.objects.get(hamlet=h[key])
        for name, value in profile.items():
            setattr(election, name, value)
        election.save()
    congress = Congress.objects.get(cell__hamlet=h["dong"])
    congress.secretary_gender, congress.secretary_ethnicity = "female", "Mông"
    congress.save()
    ChiefPlanFactory(hamlet=h["cam_2"], term=term, chief="TRƯỞNG CAM_2", started_on=dt.date(2024, 1, 1))
    ChiefEvaluationFactory(hamlet=h["cam_2"], year=2024, chief="trưởng cam_2", rating=Rating.NOT_COMPLETED)
    return world


def people_sheet(report: MeetingReport, first: str) -> tuple[list[str], dict[str, dict[str, object]]]:
    out = io.BytesIO()
    report.write_xlsx(out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    header, data, titles = sheet(wb["People"], first)
    assert data[-1][0].value == "Total" and titles  # title rows above, nothing below Total
    rows = named(data, header)
    assert all(type(v) is int for row in rows.values() for h, v in row.items() if h != first)  # whole numbers
    return header, rows


def test_2025_layout_per_commune_with_unplaced(lao_cai):
    header, rows = people_sheet(MeetingReport(lao_cai.province, lao_cai.term, AUGUST), "Commune")
    assert header == ["Commune", *PEOPLE_HEADERS]
    assert list(rows) == ["Phường Cam Đường", "Xã Mậu A", "Xã Đông Cuông", "Xã Châu Quế", "Unplaced", "Total"]

    def of(name):
        return {h: v for h, v in rows[name].items() if h != "Commune"}

    assert of("Phường Cam Đường") == counts(3, 1, 0, 1, 1, 2, 0, 0, 1, 1, 1, 1)
    assert of("Xã Mậu A") == counts(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert of("Xã Đông Cuông") == counts(1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0)  # Thôn Mới counts from July 2025
    assert of("Xã Châu Quế") == ZEROS
    assert of("Unplaced") == counts(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0)  # 2025 - 1990 = 35; Kinh
    assert of("Total") == counts(6, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1)


def test_earlier_layout_per_district(lao_cai):
    header, rows = people_sheet(MeetingReport(lao_cai.province, lao_cai.term, JUNE_30), "District")
    assert header == ["District", *PEOPLE_HEADERS]
    assert list(rows) == ["Thành phố Lào Cai", "Huyện Bảo Thắng", "Huyện Văn Yên", "Total"]  # as on Districts

    def of(name):
        return {h: v for h, v in rows[name].items() if h != "District"}

    assert of("Thành phố Lào Cai") == counts(3, 1, 0, 1, 1, 2, 0, 0, 1, 1, 1, 1)
    assert of("Huyện Bảo Thắng") == ZEROS
    assert of("Huyện Văn Yên") == counts(2, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0)
    assert of("Total") == counts(5, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1, 1)  # Thôn Mới not yet counted


def test_a_plan_stalls_on_day_181_and_a_rating_counts_the_next_year(lao_cai):
    day180 = MeetingReport(lao_cai.province, lao_cai.term, dt.date(2024, 6, 29)).people_rows()[-1]
    assert (day180["with_plan"].numerator, day180["stalled"].numerator) == (1, 0)
    assert day180["not_completed"].numerator == 0  # the 2024 rating is read from 2025 on
    day181 = MeetingReport(lao_cai.province, lao_cai.term, dt.date(2024, 6, 30)).people_rows()[-1]
    assert day181["stalled"].numerator == 1


def test_a_commune_board_gets_its_commune_only(lao_cai):
    board = lao_cai.user("mau_a", commune=lao_cai.new["mau_a"])
    rows = MeetingReport(lao_cai.province, lao_cai.term, AUGUST, scope=board).people_rows()
    assert [(r.name, r["chiefs"].numerator) for r in rows] == [("Xã Mậu A", 1), ("Total", 1)]


def test_the_national_report_has_no_people_sheet(lao_cai):
    out = io.BytesIO()
    NationalReport(lao_cai.term, AUGUST).write_xlsx(out)
    assert "People" not in load_workbook(io.BytesIO(out.getvalue())).sheetnames
