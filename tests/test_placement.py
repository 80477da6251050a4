"""Placing hamlets in the 2025 list: ``place_hamlets`` (counts, idempotence, the
``Placements`` sheet) and the ``/units/unplaced/`` page with every persona."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hamlets.models import Hamlet
from hamlets.placing import PLACEMENTS_HEADERS, place_automatically
from tests.factories import (
    CommuneFactory,
    DistrictFactory,
    HamletFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    ProvinceFactory,
    succeed,
)

pytestmark = pytest.mark.django_db
URL = "/units/unplaced/"


# --- place_hamlets -----------------------------------------------------------------------------

@pytest.fixture
def ha_tinh(db):
    """A 2025 province whose earlier hamlets were entered before the conversion table was loaded:
    Xã Kỳ Nam goes wholly into Phường Hoành Sơn, Xã Kỳ Lợi is split, Xã Kỳ Đông is absent
    from the table; and a second 2025 province (Lào Cai) into which Yên Bái merged."""
    new = NewProvinceFactory(name="Tỉnh Hà Tĩnh", code=42)
    earlier = ProvinceFactory(name="Tỉnh Hà Tĩnh", successor=new)
    district = DistrictFactory(province=earlier, name="Thị xã Kỳ Anh")
    hoanh_son, song_tri, vung_ang = (NewCommuneFactory(province=new, name=n, division_type="phường") for n in
                                     ("Phường Hoành Sơn", "Phường Sông Trí", "Phường Vũng Áng"))
    ky_nam, ky_loi, ky_dong, ky_partly = (CommuneFactory(district=district, name=n) for n in
                                          ("Xã Kỳ Nam", "Xã Kỳ Lợi", "Xã Kỳ Đông", "Xã Kỳ Phần"))
    lao_cai = NewProvinceFactory(name="Tỉnh Lào Cai", code=15)
    yen_bai = ProvinceFactory(name="Tỉnh Yên Bái", successor=lao_cai)
    old_lao_cai = ProvinceFactory(name="Tỉnh Lào Cai", successor=lao_cai)
    van_yen = CommuneFactory(district=DistrictFactory(province=yen_bai, name="Huyện Văn Yên"), name="Xã Mậu A")
    bao_thang = CommuneFactory(district=DistrictFactory(province=old_lao_cai, name="Huyện Bảo Thắng"),
                               name="Xã Gia Phú")
    mau_a, gia_phu = (NewCommuneFactory(province=lao_cai, name=n) for n in ("Xã Mậu A", "Xã Gia Phú"))
    hamlets = {
        "nam_1": HamletFactory(commune=ky_nam, name="Xóm 1"), "nam_2": HamletFactory(commune=ky_nam, name="Xóm 2"),
        "loi_1": HamletFactory(commune=ky_loi, name="Thôn Đông Yên"),
        "dong_1": HamletFactory(commune=ky_dong, name="=HYPERLINK(\"x\")"),
        "partly": HamletFactory(commune=ky_partly, name="Xóm Phần"),
        "mau_a": HamletFactory(commune=van_yen, name="Thôn Mậu A"),
        "gia_phu": HamletFactory(commune=bao_thang, name="Thôn Gia Phú"),
    }
    # the table arrives after the hamlets (an existing database migrated, then load_admin_units)
    succeed(ky_nam, hoanh_son)
    succeed(ky_loi, hoanh_son, song_tri, vung_ang)
    succeed(ky_partly, vung_ang)
    succeed(van_yen, mau_a)
    succeed(bao_thang, gia_phu)
    return {"new": new, "hamlets": hamlets, "hoanh_son": hoanh_son, "vung_ang": vung_ang, "lao_cai": lao_cai,
            "mau_a": mau_a, "communes": [hoanh_son, song_tri, vung_ang]}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("place_hamlets", *args, stdout=out)
    return out.getvalue()


def test_places_what_the_table_decides_and_counts_per_province(ha_tinh):
    assert Hamlet.objects.unplaced().count() == 7
    output = run()
    assert "Tỉnh Hà Tĩnh: xếp được 3, còn 2 chưa xếp" in output
    assert "Tỉnh Lào Cai: xếp được 2, còn 0 chưa xếp" in output
    h = {k: Hamlet.objects.get(pk=v.pk) for k, v in ha_tinh["hamlets"].items()}
    assert h["nam_1"].new_commune == h["nam_2"].new_commune == ha_tinh["hoanh_son"]
    assert h["partly"].new_commune == ha_tinh["vung_ang"]  # partly merged into one commune: placed
    assert h["loi_1"].new_commune is None and h["dong_1"].new_commune is None  # split, absent: unplaced
    assert h["mau_a"].new_commune == ha_tinh["mau_a"] and h["mau_a"].province == ha_tinh["lao_cai"]
    assert h["nam_1"].version == 2  # an edit form opened before cannot put it back
    latest = h["nam_1"].history.first()
    assert latest.history_change_reason == "placed by place_hamlets" and latest.new_commune_id == h[
        "nam_1"].new_commune_id
    again = run()
    assert "xếp được 0, còn 2 chưa xếp" in again and "xếp được 0, còn 0 chưa xếp" in again
    assert Hamlet.history.filter(history_change_reason="placed by place_hamlets").count() == 5


def test_province_names_select_hamlets(ha_tinh):
    output = run("--province", "Yên Bái")  # an earlier province's name: its own hamlets only
    assert output.strip() == "Tỉnh Lào Cai: xếp được 1, còn 0 chưa xếp"
    assert Hamlet.objects.get(pk=ha_tinh["hamlets"]["gia_phu"].pk).new_commune is None
    assert Hamlet.objects.get(pk=ha_tinh["hamlets"]["nam_1"].pk).new_commune is None
    assert "xếp được 3," in run("--province", "42")  # a 2025 code
    assert "xếp được 1," in run("--province", "lao cai")
    with pytest.raises(CommandError, match="không có tỉnh"):
        run("--province", "Atlantis")


def test_ct_language_en_speaks_english(ha_tinh, monkeypatch, commands_in_english):
    assert run("--province", "Yên Bái").strip() == "Tỉnh Lào Cai: placed 1 now, 0 remain unplaced"
    with pytest.raises(CommandError, match='--province: "Atlantis" is ambiguous|no province'):
        run("--province", "Atlantis")


def test_queries_do_not_grow_with_hamlets(ha_tinh):
    def measured() -> int:
        Hamlet.objects.update(new_commune=None, version=1)
        with CaptureQueriesContext(connection) as queries:
            place_automatically(Hamlet.objects.all())
        return len(queries)

    few = measured()
    commune = ha_tinh["hamlets"]["nam_1"].commune
    for n in range(40):
        HamletFactory(commune=commune, name=f"Xóm thêm {n}", term=False)
    # 7 to place, and 5 to keep what the figures read in step (the moved hamlets, their interval
    # columns, their facts rows): ``hamlets.signals.KeepsHamletsInStep``
    assert measured() == few <= 12
    assert Hamlet.objects.unplaced().count() == 2


def test_out_writes_the_placements_sheet(ha_tinh, tmp_path):
    path = tmp_path / "placements.xlsx"
    output = run("--out", str(path))
    assert output.splitlines()[-1] == f"{path}: 2 thôn chưa xếp (trang Placements)"
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Placements"]
    rows = [[c.value for c in row] for row in workbook["Placements"].iter_rows()]
    assert tuple(rows[0]) == PLACEMENTS_HEADERS == ("Province", "Former district", "Former commune",
                                                    "Former commune code", "Hamlet", "Commune", "Candidates")
    loi, dong = ha_tinh["hamlets"]["loi_1"].commune, ha_tinh["hamlets"]["dong_1"].commune
    everything = "; ".join(c.name for c in ha_tinh["communes"])
    assert rows[1:] == [
        ["Tỉnh Hà Tĩnh", "Thị xã Kỳ Anh", "Xã Kỳ Lợi", loi.code, "Thôn Đông Yên", None, everything],
        ["Tỉnh Hà Tĩnh", "Thị xã Kỳ Anh", "Xã Kỳ Đông", dong.code, "=HYPERLINK(\"x\")", None, everything],
    ]
    formula = workbook["Placements"].cell(row=3, column=5)
    assert formula.data_type == "s" and formula.value == "=HYPERLINK(\"x\")"  # text, never a formula


def test_out_candidates_of_a_split_commune_only(ha_tinh, tmp_path):
    HamletFactory(commune=ha_tinh["hamlets"]["loi_1"].commune, name="Thôn Tây Yên")
    path = tmp_path / "lao-cai.xlsx"
    run("--province", "Lào Cai", "--out", str(path))
    assert [[c.value for c in r] for r in openpyxl.load_workbook(path)["Placements"].iter_rows()][1:] == []
    run("--province", "Hà Tĩnh", "--out", str(path))
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(path)["Placements"].iter_rows()][1:]
    split = [r for r in rows if r[2] == "Xã Kỳ Lợi"]
    assert [r[4] for r in split] == ["Thôn Đông Yên", "Thôn Tây Yên"]
    assert {r[6] for r in split} == {"Phường Hoành Sơn; Phường Sông Trí; Phường Vũng Áng"}


def test_out_sheet_costs_a_fixed_number_of_queries(ha_tinh, tmp_path):
    from hamlets.placing import write_placements

    def measured() -> int:
        with CaptureQueriesContext(connection) as queries:
            write_placements(tmp_path / "x.xlsx", Hamlet.objects.all())
        return len(queries)

    few = measured()
    for n in range(30):
        HamletFactory(commune=ha_tinh["hamlets"]["dong_1"].commune, name=f"Thôn {n}", term=False)
        HamletFactory(commune=ha_tinh["hamlets"]["loi_1"].commune, name=f"Thôn {n}", term=False)
    assert measured() == few <= 3


def test_bulk_candidates_agree_with_the_model(ha_tinh):
    from hamlets.placing import candidates_for

    hamlets = list(Hamlet.objects.all())
    bulk = candidates_for({(h.commune_id, h.province_id) for h in hamlets})
    for hamlet in hamlets:
        assert [c.id for c in bulk[hamlet.commune_id]] == [c.pk for c in hamlet.candidate_communes()], hamlet


def test_out_must_be_xlsx(ha_tinh):
    with pytest.raises(CommandError, match="xlsx"):
        run("--out", "placements.csv")


# --- the /units/unplaced/ page -----------------------------------------------------------------

def names_on(response) -> set[str]:
    return {n for n in ("Thôn Đông Yên", "Thôn Long Sơn", "Tổ dân phố Nam Sơn", "Thôn Hà Tân", "Xóm Đồng Hòa",
                        "Bản Mới", "Bản Nậm Củng") if n in response.text}


EARLIER = {"Xóm Đồng Hòa", "Bản Mới", "Bản Nậm Củng"}  # the earlier provinces' hamlets: no 2025 list loaded there


def post(world, who: str, hamlet: Hamlet, commune, version: int | None = None, **params):
    data = {"hamlet": hamlet.pk, "commune": getattr(commune, "pk", commune),
            "version": version if version is not None else Hamlet.objects.get(pk=hamlet.pk).version}
    return world.client(who).post(URL + (f"?{params['query']}" if "query" in params else ""), data)


@pytest.mark.parametrize(("who", "seen", "forms"), [
    ("ht_editor", {"Thôn Đông Yên", "Thôn Long Sơn"}, True),
    ("ht_staff", {"Thôn Đông Yên", "Thôn Long Sơn"}, False),
    ("admin", {"Thôn Đông Yên", "Thôn Long Sơn", *EARLIER}, True),
    ("commune_board", {"Thôn Đông Yên"}, True),
    ("other_commune", {"Thôn Đông Yên", "Thôn Long Sơn"}, True),
    ("ky_anh_board", {"Thôn Đông Yên", "Thôn Long Sơn"}, False),
    ("board", {"Xóm Đồng Hòa"}, False), ("staff", {"Xóm Đồng Hòa", "Bản Mới"}, False),
    ("editor", {"Xóm Đồng Hòa", "Bản Mới"}, False),  # no 2025 commune to offer: no form
    ("outsider", {"Bản Nậm Củng"}, False),
])
def test_page_lists_the_hamlets_each_user_may_see(world, who, seen, forms):
    response = world.client(who).get(URL)
    assert response.status_code == 200
    assert names_on(response) == seen
    assert ('name="commune"' in response.text) == (forms and bool(seen))


def test_commune_board_sees_name_kind_and_former_commune_only(world):
    page = world.client("commune_board").get(URL)
    text = page.text
    assert "Thôn Đông Yên" in text and "Xã Kỳ Lợi" in text and "Thị xã Kỳ Anh" in text
    hamlet = world.hamlets["dong_yen"]
    assert f"/hamlets/{hamlet.pk}/" not in text  # no way into a hamlet not yet its own
    assert "Phường Sông Trí" not in text and "Phường Vũng Áng" not in text  # other candidates are not its business
    assert "Xếp vào Phường Hoành Sơn" in text
    assert [r.__dict__.get("candidates") for r in page.context["rows"]] == [[]]


def test_staff_see_candidates_and_links(world):
    page = world.client("ht_editor").get(URL)
    assert f"/hamlets/{world.hamlets['dong_yen'].pk}/" in page.text
    rows = {r.name: [c.name for c in r.candidates] for r in page.context["rows"]}
    assert rows == {"Thôn Đông Yên": ["Phường Hoành Sơn", "Phường Sông Trí", "Phường Vũng Áng"],
                    "Thôn Long Sơn": ["Phường Sông Trí", "Phường Vũng Áng"]}


def test_editor_places_and_history_names_who(world):
    hamlet = world.hamlets["dong_yen"]
    response = post(world, "ht_editor", hamlet, world.communes["vung_ang"], query="q=dong")
    assert response.status_code == 302 and response["Location"] == URL + "?q=dong"
    hamlet.refresh_from_db()
    assert hamlet.new_commune == world.communes["vung_ang"] and hamlet.province == world.new_province
    latest = hamlet.history.first()
    assert latest.history_user == world.users["ht_editor"]
    assert latest.history_change_reason == "placed on /units/unplaced/"
    assert names_on(world.client("ht_editor").get(URL)) == {"Thôn Long Sơn"}
    assert names_on(world.client("admin").get(URL)) == {"Thôn Long Sơn", *EARLIER}


def test_commune_board_claims_a_hamlet_into_its_own_commune(world):
    hamlet = world.hamlets["dong_yen"]
    assert not Hamlet.objects.restrict(world.users["commune_colleague"]).filter(pk=hamlet.pk).exists()
    response = post(world, "commune_board", hamlet, world.communes["hoanh_son"])
    assert response.status_code == 302
    hamlet.refresh_from_db()
    assert hamlet.new_commune == world.communes["hoanh_son"]
    assert hamlet.history.first().history_user == world.users["commune_board"]
    # now the commune's: its colleague sees all of it, the other commune nothing
    assert Hamlet.objects.restrict(world.users["commune_colleague"]).filter(pk=hamlet.pk).exists()
    assert world.client("commune_colleague").get(f"/hamlets/{hamlet.pk}/").status_code == 200
    assert "Thôn Đông Yên" not in world.client("other_commune").get(URL).text


@pytest.mark.parametrize(("who", "hamlet", "commune", "status"), [
    ("commune_board", "dong_yen", "song_tri", 400),  # a candidate, but not its own commune
    ("commune_board", "long_son", "hoanh_son", 404),  # could not be its own
    ("commune_board", "nam_son", "hoanh_son", 404),  # already placed
    ("other_commune", "nam_son", "song_tri", 404),  # another commune's hamlet
    ("other_commune", "ha_tan", "song_tri", 404),  # its own, placed by the table: nothing to place
    ("ht_editor", "dong_yen", "outside", 400),  # not a candidate
    ("ht_editor", "long_son", "hoanh_son", 400),  # not a candidate of Kỳ Long
    ("ht_editor", "nam_son", "song_tri", 404),  # the table decided: it cannot move
    ("ht_editor", "mine", "hoanh_son", 404),  # another province's hamlet
    ("editor", "dong_yen", "vung_ang", 404),  # staff of another province
    ("ht_staff", "dong_yen", "vung_ang", 403),  # read-only staff
    ("ky_anh_board", "dong_yen", "vung_ang", 403),  # district boards only look
    ("staff", "dong_yen", "vung_ang", 403),
])
def test_forged_posts_are_refused_and_change_nothing(world, who, hamlet, commune, status):
    outside = NewCommuneFactory(name="Phường Ngoài")
    target = outside if commune == "outside" else world.communes[commune]
    before = {h.pk: (h.new_commune_id, h.version) for h in Hamlet.objects.all()}
    response = post(world, who, world.hamlets[hamlet], target)
    assert response.status_code == status
    assert {h.pk: (h.new_commune_id, h.version) for h in Hamlet.objects.all()} == before
    if status == 400:
        assert "không thể xếp" in response.text or "chỉ xếp thôn vào xã, phường của mình" in response.text


@pytest.mark.parametrize("data", [{}, {"hamlet": "x", "commune": "1", "version": "1"},
                                  {"hamlet": "1", "commune": "", "version": "1"}, {"hamlet": "-1", "commune": "2"}])
def test_malformed_posts_are_a_400(world, data):
    response = world.client("ht_editor").post(URL, data)
    assert response.status_code == 400 and "Thiếu thôn" in response.text


def test_unknown_ids_are_a_404_never_a_500(world):
    assert post(world, "ht_editor", Hamlet(pk=999999), 999999, version=1).status_code == 404
    assert post(world, "commune_board", Hamlet(pk=999999), world.communes["hoanh_son"], version=1).status_code == 404


def test_stale_page_is_a_conflict(world):
    hamlet = world.hamlets["dong_yen"]
    stale = Hamlet.objects.get(pk=hamlet.pk).version
    assert post(world, "ht_editor", hamlet, world.communes["vung_ang"], version=stale).status_code == 302
    response = post(world, "commune_board", hamlet, world.communes["hoanh_son"], version=stale)
    assert response.status_code == 404  # no longer waiting
    response = post(world, "ht_editor", hamlet, world.communes["song_tri"], version=stale)
    assert response.status_code == 409 and "Người khác vừa sửa hoặc xếp" in response.text
    hamlet.refresh_from_db()
    assert hamlet.new_commune == world.communes["vung_ang"]


def test_staff_re_place_from_the_placed_filter(world):
    hamlet = world.hamlets["dong_yen"]
    post(world, "commune_board", hamlet, world.communes["hoanh_son"])
    placed = world.client("ht_editor").get(URL, {"state": "placed"})
    assert names_on(placed) == {"Thôn Đông Yên"}  # nam_son and ha_tan follow the table: not listed
    assert post(world, "ht_editor", hamlet, world.communes["song_tri"], query="state=placed").status_code == 302
    hamlet.refresh_from_db()
    assert hamlet.new_commune == world.communes["song_tri"]
    assert hamlet.history.count() >= 3
    # commune boards get no placed filter
    assert names_on(world.client("commune_board").get(URL, {"state": "placed"})) == set()
    assert names_on(world.client("other_commune").get(URL, {"state": "placed"})) == {"Thôn Long Sơn"}


def test_search_ignores_case_and_diacritics(world):
    assert names_on(world.client("ht_editor").get(URL, {"q": "DONG yen"})) == {"Thôn Đông Yên"}
    assert names_on(world.client("ht_editor").get(URL, {"q": "ky long"})) == {"Thôn Long Sơn"}
    assert names_on(world.client("commune_board").get(URL, {"q": "long"})) == set()


def test_pages_of_fifty(world):
    commune = world.hamlets["long_son"].commune
    for n in range(60):
        HamletFactory(commune=commune, name=f"Thôn Thêm {n:02}", term=False)
    first = world.client("ht_editor").get(URL)
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 62
    second = world.client("ht_editor").get(URL, {"page": 2})
    assert len(second.context["rows"]) == 12


@pytest.mark.parametrize("who", ["ht_editor", "commune_board", "other_commune"])
def test_query_count_does_not_grow_with_hamlets(world, who, django_assert_max_num_queries):
    client = world.client(who)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(30):
        HamletFactory(commune=world.hamlets["dong_yen"].commune, name=f"Thôn Thêm {n}", term=False)
        HamletFactory(commune=world.hamlets["long_son"].commune, name=f"Thôn Thêm {n}", term=False)
    with django_assert_max_num_queries(len(few)):
        assert client.get(URL).status_code == 200
    assert len(few) <= 8


def test_post_needs_csrf_and_login(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["ht_editor"])
    hamlet = world.hamlets["dong_yen"]
    response = client.post(URL, {"hamlet": hamlet.pk, "commune": world.communes["vung_ang"].pk, "version": 1})
    assert response.status_code == 403
    assert world.client("anonymous").get(URL).status_code == 302
    assert world.client("anonymous").post(URL, {"hamlet": hamlet.pk}).status_code == 302
    hamlet.refresh_from_db()
    assert hamlet.new_commune is None


def test_nav_link_for_users_with_a_scope(world):
    assert 'href="/units/unplaced/"' in world.client("commune_board").get(URL).text
    assert 'href="/units/unplaced/"' in world.client("board").get("/hamlets/").text
