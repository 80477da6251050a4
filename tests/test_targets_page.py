"""The targets page (``/targets/``) and the admission targets page: who may use them, what they
save, how they refuse bad input, and that the dashboard reads what they save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError
from django.utils import timezone

from elections.models import AdmissionTarget, Target
from tests.factories import NewCommuneFactory, TargetFactory

pytestmark = pytest.mark.django_db
URL = "/targets/"
ADMISSIONS = "/targets/admissions/"
CHIEF_MEMBERS = "Chiefs who are Party members"
TERM = {"term": "2022-2025", "metric": "chief_members"}


def form_data(page, **cells: str) -> dict[str, str]:
    """What the browser posts back from ``page``: every cell as shown, with ``cells``
    (``c12__all="85"``, ``p__special=""``) typed over."""
    data: dict[str, str] = {}
    for form in page.context["forms"]:
        for name in form.fields:
            bound = form[name]
            shown = bound.value()
            shown = "" if shown is None else str(shown)
            initial = form.data.get(bound.html_initial_name, shown) if form.is_bound else shown
            data[bound.html_name] = shown
            data[bound.html_initial_name] = initial
    for key, value in cells.items():
        unit, name = key.split("__")
        data[f"{unit}-{name}"] = value
    return data


def cell(page, unit: str, name: str) -> Any:
    form = next(f for f in page.context["forms"] if f.unit.key == unit)
    return form[name]


def targets_of(commune, metric: str = CHIEF_MEMBERS) -> dict[bool, Decimal]:
    return dict(Target.objects.filter(commune=commune, metric=metric).values_list("special_area_only", "percent"))


# --- who ---------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    ("board", 403), ("neighbour", 403), ("commune_board", 403), ("ky_anh_board", 403),
    ("staff", 200), ("editor", 200), ("ht_staff", 200), ("ht_editor", 200), ("outsider", 200), ("admin", 200)])
@pytest.mark.parametrize("url", [URL, ADMISSIONS])
def test_provincial_staff_and_administrators_only(world, who, status, url):
    client = world.client(who)
    assert client.get(url).status_code == status
    posted = client.post(url, {}).status_code  # an empty post changes nothing
    assert posted == 403 if status == 403 else posted == 302


def test_anonymous_visitors_log_in_first(world):
    assert world.client("anonymous").get(URL)["Location"].startswith("/accounts/login/")


def test_the_menu_offers_targets_to_staff_only(world):
    assert 'href="/targets/"' in world.client("ht_staff").get("/").content.decode()
    assert 'href="/targets/"' not in world.client("commune_board").get("/").content.decode()


@pytest.mark.parametrize("url", [URL, ADMISSIONS])
def test_another_provinces_staff_get_404(world, url):
    assert world.client("ht_staff").get(url, {"province": "Tỉnh Nghệ An"}).status_code == 404
    assert world.client("outsider").post(url + "?province=Tỉnh Nghệ An", {}).status_code == 404
    assert world.client("admin").get(url, {"province": "Tỉnh Nghệ An", "list": "earlier"}).status_code == 200


def test_units_outside_the_scope_are_neither_shown_nor_written(world):
    client = world.client("ht_staff")
    page = client.get(URL, TERM)
    names = [f.unit.name for f in page.context["forms"]]
    assert names == ["Toàn tỉnh: Tỉnh Hà Tĩnh", "Phường Hoành Sơn", "Phường Sông Trí", "Phường Vũng Áng"]
    far = world.hamlets["far"].commune.district
    client.post(URL + "?term=2022-2025&metric=chief_members", {**form_data(page), f"d{far.pk}-all": "50",
                                                                f"initial-d{far.pk}-all": ""})
    assert not Target.objects.filter(district=far).exists()


@pytest.mark.parametrize(("query", "status"), [({"metric": "nope"}, 404), ({"list": "1990"}, 404),
                                               ({"term": "1900-1905"}, 404)])
def test_unknown_choices_are_404(world, query, status):
    assert world.client("ht_staff").get(URL, query).status_code == status


# --- targets ----------------------------------------------------------------------

def test_a_commune_target_set_here_shows_on_the_dashboard(world):
    client = world.client("ht_staff")
    vung_ang = world.communes["vung_ang"]
    page = client.get(URL, TERM)
    assert page.context["unit_list"] == "2025"
    assert cell(page, "p", "all").value() == "100"
    assert cell(page, f"c{world.communes['hoanh_son'].pk}", "all").value() == "90"
    assert cell(page, f"c{vung_ang.pk}", "all").value() in (None, "")
    saved = client.post(URL + "?term=2022-2025&metric=chief_members", form_data(page, **{f"c{vung_ang.pk}__all": "85"}))
    assert saved.status_code == 302 and saved["Location"].endswith("list=2025&term=2022-2025&metric=chief_members")
    target = Target.objects.get(commune=vung_ang)
    assert (target.province, target.term, target.metric, target.special_area_only, target.percent) == (
        world.new_province, world.term, CHIEF_MEMBERS, False, Decimal("85.00"))
    assert target.history.get().history_user.username == "ht_staff"
    follow = client.get(saved["Location"])
    assert "Đã lưu: 1 đặt mới, 0 sửa, 0 xóa." in follow.content.decode()
    dashboard = client.get("/", {"term": "2022-2025"})
    rows = {row.name: row for row in dashboard.context["rows"]}
    assert rows["Phường Vũng Áng"].measures["chief_members"].target == Decimal("85.00")
    assert rows["Phường Hoành Sơn"].measures["chief_members"].target == Decimal("90.00")


def test_edit_and_delete_are_recorded_and_a_cleared_cell_falls_back_to_the_province(world):
    client = world.client("ht_staff")
    hoanh_son, song_tri = world.communes["hoanh_son"], world.communes["song_tri"]
    page = client.get(URL, TERM)
    client.post(URL + "?term=2022-2025&metric=chief_members", form_data(page, **{
        f"c{hoanh_son.pk}__all": "92,5", f"c{song_tri.pk}__all": "", "p__special": "97.25 %"}))
    assert targets_of(hoanh_son) == {False: Decimal("92.50")}
    assert targets_of(song_tri) == {}
    province = Target.objects.get(province=world.new_province, commune=None, district=None, special_area_only=True)
    assert province.percent == Decimal("97.25")
    kinds = {(h.commune_id, h.history_type, h.history_user.username) for h in Target.history.filter(
        history_user__isnull=False)}
    assert kinds == {(hoanh_son.pk, "~", "ht_staff"), (song_tri.pk, "-", "ht_staff"), (None, "+", "ht_staff")}
    rows = {row.name: row for row in client.get("/", {"term": "2022-2025"}).context["rows"]}
    assert rows["Phường Sông Trí"].measures["chief_members"].target == Decimal("100.00")  # the province's
    assert rows["Phường Sông Trí"].special["chief_members"].target == Decimal("97.25")
    again = client.get(URL, TERM)
    recent = [(c["unit"], c["old"], c["new"]) for c in again.context["recent"]]
    assert ("Phường Hoành Sơn", "90", "92,5") in recent and ("Phường Sông Trí", "90", "—") in recent
    assert ("Toàn tỉnh", "—", "97,25") in recent


def test_unchanged_cells_are_not_rewritten(world):
    client = world.client("ht_staff")
    before = Target.history.count()
    page = client.get(URL, TERM)
    response = client.post(URL + "?term=2022-2025&metric=chief_members", form_data(page))
    assert response.status_code == 302 and Target.history.count() == before
    assert "Không có ô nào thay đổi" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("typed", "message"), [
    ("101", "Mục tiêu phải từ 0 đến 100 (%), đã nhập 101."),
    ("-1", "Mục tiêu phải từ 0 đến 100 (%), đã nhập -1."),
    ("95,555", "Mục tiêu có tối đa 2 chữ số thập phân (ví dụ 97,25), đã nhập 95,555."),
    ("chín mươi", "“chín mươi” không phải là một số: nhập tỷ lệ phần trăm, ví dụ 95 hoặc 97,5."),
    ("NaN", "“NaN” không phải là một số: nhập tỷ lệ phần trăm, ví dụ 95 hoặc 97,5."),
])
def test_bad_percentages_are_refused_on_their_cell_and_nothing_is_saved(world, typed, message):
    client = world.client("ht_staff")
    vung_ang, hoanh_son = world.communes["vung_ang"], world.communes["hoanh_son"]
    page = client.get(URL, TERM)
    response = client.post(URL + "?term=2022-2025&metric=chief_members", form_data(page, **{
        f"c{vung_ang.pk}__special": typed, f"c{hoanh_son.pk}__all": "50"}))
    assert response.status_code == 200
    assert cell(response, f"c{vung_ang.pk}", "special").errors == [message]
    html = response.content.decode()
    assert "Chưa lưu: 1 ô cần sửa" in html
    assert "Phường Vũng Áng – Trưởng thôn là đảng viên, thôn địa bàn đặc thù" in html
    assert "constraint" not in html.lower() and "target_percent" not in html
    assert targets_of(hoanh_son) == {False: Decimal("90.00")} and targets_of(vung_ang) == {}


def test_a_cell_changed_by_someone_else_meanwhile_is_refused_then_saved_on_purpose(world):
    hoanh_son, song_tri = world.communes["hoanh_son"], world.communes["song_tri"]
    mine, theirs = world.client("ht_staff"), world.client("ht_editor")
    opened = mine.get(URL, TERM)
    other = theirs.get(URL, TERM)
    theirs.post(URL + "?term=2022-2025&metric=chief_members", form_data(other, **{
        f"c{hoanh_son.pk}__all": "80", f"c{song_tri.pk}__all": "70"}))
    refused = mine.post(URL + "?term=2022-2025&metric=chief_members",
                        form_data(opened, **{f"c{hoanh_son.pk}__all": "95", "p__all": "99"}))
    assert refused.status_code == 200
    assert cell(refused, f"c{hoanh_son.pk}", "all").errors == [
        "Người khác vừa lưu ô này: 80. Chưa lưu thay đổi của bạn; hãy xem lại rồi lưu lần nữa."]
    assert targets_of(hoanh_son) == {False: Decimal("80.00")}
    assert Target.objects.get(province=world.new_province, district=None, commune=None, special_area_only=False,
                              metric=CHIEF_MEMBERS).percent == 100  # nothing saved
    again = mine.post(URL + "?term=2022-2025&metric=chief_members", form_data(refused))
    assert again.status_code == 302
    assert targets_of(hoanh_son) == {False: Decimal("95.00")}
    assert targets_of(song_tri) == {False: Decimal("70.00")}  # their cell, untouched by my page, stays theirs


def test_two_people_creating_the_same_target_get_a_message_not_an_error(world):
    vung_ang = world.communes["vung_ang"]
    mine, theirs = world.client("ht_staff"), world.client("ht_editor")
    opened = mine.get(URL, TERM)
    theirs.post(URL + "?term=2022-2025&metric=chief_members", form_data(theirs.get(URL, TERM), **{
        f"c{vung_ang.pk}__all": "60"}))
    refused = mine.post(URL + "?term=2022-2025&metric=chief_members", form_data(opened, **{
        f"c{vung_ang.pk}__all": "65"}))
    assert "Người khác vừa lưu ô này: 60" in refused.content.decode()
    assert targets_of(vung_ang) == {False: Decimal("60.00")}


def test_a_race_caught_by_the_database_is_a_message(world, monkeypatch):
    from elections import targets

    def clash(*args, **kwargs):
        raise IntegrityError("UNIQUE constraint failed: target_unique_per_commune")

    monkeypatch.setattr(targets, "bulk_create_with_history", clash)
    client = world.client("ht_staff")
    page = client.get(URL, TERM)
    response = client.post(URL + "?term=2022-2025&metric=chief_members", form_data(page, **{
        f"c{world.communes['vung_ang'].pk}__all": "65"}))
    html = response.content.decode()
    assert response.status_code == 200 and "Người khác vừa lưu mục tiêu của cùng đơn vị" in html
    assert "target_unique" not in html and not Target.objects.filter(commune=world.communes["vung_ang"]).exists()


def test_earlier_list_targets_per_district_show_on_the_earlier_dashboard(world):
    client = world.client("staff")  # Nghệ An of the tests: no 2025 communes loaded, so the earlier list
    page = client.get(URL, TERM)
    assert page.context["unit_list"] == "earlier"
    assert [f.unit.name for f in page.context["forms"]][1:] == ["Huyện Thanh Chương", "Huyện Quỳ Hợp"]
    neighbour = world.neighbour
    client.post(URL + "?list=earlier&term=2022-2025&metric=chief_members",
                form_data(page, **{f"d{neighbour.pk}__all": "88"}))
    target = Target.objects.get(district=neighbour)
    assert target.province == world.home and target.percent == 88
    rows = {row.name: row for row in client.get("/", {"term": "2022-2025", "as_of": "2022-07-15"}).context["rows"]}
    assert rows["Huyện Quỳ Hợp"].measures["chief_members"].target == 88
    assert rows["Huyện Thanh Chương"].measures["chief_members"].target == 100


def test_the_2025_province_lists_the_districts_of_the_earlier_province_merged_into_it(world):
    page = world.client("ht_staff").get(URL, {**TERM, "list": "earlier"})
    assert [f.unit.name for f in page.context["forms"]][1:] == ["Thị xã Kỳ Anh"]


def test_tabs_count_each_metrics_own_targets(world):
    page = world.client("ht_staff").get(URL, TERM)
    tabs = {tab["code"]: (tab["all"], tab["special"], tab["units"]) for tab in page.context["tabs"]}
    assert tabs["chief_members"] == ("100", "—", 2) and tabs["elections"] == ("—", "—", 0)


def test_the_page_and_a_save_need_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = world.client("ht_staff")
    client.get(URL, TERM)
    with django_assert_max_num_queries(10) as few:  # session, user, scope, province, units, term, targets,
        page = client.get(URL, TERM)  # recent changes, terms, the years with targets of their own
    shown = len(few)  # read now: the next request clears the connection's query log
    with django_assert_max_num_queries(25) as one:  # one creation, one change
        client.post(URL + "?term=2022-2025&metric=chief_members", form_data(page, **{
            f"c{world.communes['vung_ang'].pk}__all": "80", f"c{world.communes['song_tri'].pk}__all": "81"}))
    saved = len(one)
    client.get(URL, TERM)  # shows (and so drops) the saved message
    communes = [NewCommuneFactory(province=world.new_province) for _ in range(40)]
    for commune in communes[:10]:
        TargetFactory(province=world.new_province, commune=commune, term=world.term, metric=CHIEF_MEMBERS,
                      percent=75)
    with django_assert_max_num_queries(shown):
        page = client.get(URL, TERM)
    assert len(page.context["forms"]) == 44
    with django_assert_max_num_queries(saved):  # 20 creations, 5 changes
        client.post(URL + "?term=2022-2025&metric=chief_members", form_data(page, **{
            f"c{c.pk}__all": "81" for c in communes[5:30]}))
    assert Target.objects.filter(commune__in=communes, percent=81).count() == 25


# --- admission targets -----------------------------------------------------------

def admissions_of(**unit: Any) -> dict[int, int]:
    return dict(AdmissionTarget.objects.filter(**unit).values_list("year", "target"))


def test_admission_targets_of_a_year_per_commune(world):
    client = world.client("ht_staff")
    hoanh_son, song_tri, vung_ang = (world.communes[k] for k in ("hoanh_son", "song_tri", "vung_ang"))
    assert client.get(ADMISSIONS, {"year": 2024}).context["unit_list"] == "earlier"  # the list of that year
    assert client.get(ADMISSIONS, {"year": 2026}).context["unit_list"] == "2025"
    page = client.get(ADMISSIONS, {"year": 2024, "list": "2025"})
    assert [(f.unit.name, f["target"].value()) for f in page.context["forms"]] == [
        ("Phường Hoành Sơn", 7), ("Phường Sông Trí", 7), ("Phường Vũng Áng", None)]
    saved = client.post(ADMISSIONS + "?year=2024&list=2025", form_data(page, **{
        f"c{hoanh_son.pk}__target": "1.000", f"c{song_tri.pk}__target": "", f"c{vung_ang.pk}__target": "12"}))
    assert saved.status_code == 302
    assert (admissions_of(commune=hoanh_son), admissions_of(commune=song_tri), admissions_of(commune=vung_ang)) == (
        {2024: 1000}, {}, {2024: 12})
    kinds = sorted(AdmissionTarget.history.filter(history_user__username="ht_staff").values_list("history_type",
                                                                                                 flat=True))
    assert kinds == ["+", "-", "~"]
    recent = client.get(ADMISSIONS, {"year": 2024, "list": "2025"}).context["recent"]
    assert {(c["unit"], c["old"], c["new"], c["who"]) for c in recent[:3]} == {
        ("Phường Hoành Sơn", "7", "1.000", "ht_staff"), ("Phường Sông Trí", "7", "—", "ht_staff"),
        ("Phường Vũng Áng", "—", "12", "ht_staff")}
    dashboard = client.get("/", {"term": "2022-2025"})
    shown = {(dashboard.context["unit_names"][a.unit_id], a.year): a.target for a in dashboard.context["admissions"]}
    assert shown[("Phường Hoành Sơn", 2024)] == 1000


@pytest.mark.parametrize("typed", ["-3", "100000", "2,5", "mười"])
def test_bad_admission_targets_are_refused_on_their_cell(world, typed):
    client = world.client("ht_staff")
    hoanh_son = world.communes["hoanh_son"]
    page = client.get(ADMISSIONS, {"year": 2024, "list": "2025"})
    response = client.post(ADMISSIONS + "?year=2024&list=2025", form_data(page, **{
        f"c{hoanh_son.pk}__target": typed, f"c{world.communes['vung_ang'].pk}__target": "3"}))
    assert cell(response, f"c{hoanh_son.pk}", "target").errors == [
        f"Chỉ tiêu kết nạp phải là số nguyên từ 0 đến 99.999, đã nhập “{typed}”."]
    assert admissions_of(commune=hoanh_son) == {2024: 7} and admissions_of(commune=world.communes["vung_ang"]) == {}


@pytest.mark.parametrize(("year", "message"), [
    ("1929", "Năm phải từ 1930 trở đi."), ("abc", "Năm phải là số có 4 chữ số, ví dụ 2026."),
    (str(timezone.localdate().year + 11), f"Năm không được quá {timezone.localdate().year + 10} (năm nay + 10).")])
def test_years_out_of_bounds_are_refused_on_the_year_field(world, year, message):
    client = world.client("ht_staff")
    page = client.get(ADMISSIONS, {"year": year})
    assert page.status_code == 200 and page.context["year_form"].errors["year"] == [message]
    assert page.context["forms"] == []
    client.post(f"{ADMISSIONS}?year={year}", {"c1-target": "5", "initial-c1-target": ""})
    assert AdmissionTarget.objects.count() == 5  # the world's own, nothing more


def test_admission_targets_per_district_of_the_earlier_list(world):
    client = world.client("staff")
    page = client.get(ADMISSIONS, {"year": 2024, "list": "earlier"})
    assert [(f.unit.name, f["target"].value()) for f in page.context["forms"]] == [
        ("Huyện Thanh Chương", 5), ("Huyện Quỳ Hợp", 5)]
    client.post(ADMISSIONS + "?year=2023&list=earlier", form_data(client.get(ADMISSIONS, {
        "year": 2023, "list": "earlier"}), **{f"d{world.mine.pk}__target": "233"}))
    assert admissions_of(district=world.mine) == {2023: 233, 2024: 5}


def test_admission_page_query_count_is_fixed(world, django_assert_max_num_queries):
    client = world.client("ht_staff")
    query = {"year": 2024, "list": "2025"}
    client.get(ADMISSIONS, query)
    with django_assert_max_num_queries(10) as few:
        client.get(ADMISSIONS, query)
    shown = len(few)
    for commune in [NewCommuneFactory(province=world.new_province) for _ in range(30)]:
        AdmissionTarget.objects.create(commune=commune, year=2024, target=4)
    with django_assert_max_num_queries(shown):
        assert len(client.get(ADMISSIONS, query).context["forms"]) == 33
