"""An existing database (earlier list only, attributes on the hamlet) migrates without losing anything."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("hamlets", "0001_initial"), ("elections", "0001_initial")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_data_becomes_the_earlier_list_and_the_2022_record(capsys):
    old = migrate(BEFORE)
    Province, District, Commune = (old.get_model("hamlets", m) for m in ("Province", "District", "Commune"))
    Hamlet, PartyCell = old.get_model("hamlets", "Hamlet"), old.get_model("hamlets", "PartyCell")
    UserScope, User = old.get_model("hamlets", "UserScope"), old.get_model("auth", "User")
    Term, Target = old.get_model("elections", "Term"), old.get_model("elections", "Target")
    keys = {"name_key": "k", "search": "s"}
    yen_bai = Province.objects.create(code=15, name="Tỉnh Yên Bái", division_type="tỉnh", **keys)
    nghe_an = Province.objects.create(code=40, name="Tỉnh Nghệ An", division_type="tỉnh", **keys)
    thanh_chuong = District.objects.create(code=430, name="Huyện Thanh Chương", division_type="huyện",
                                           province=nghe_an, **keys)
    dung = Commune.objects.create(code=17713, name="Thị trấn Dùng", division_type="thị trấn", district=thanh_chuong,
                                  **keys)
    with_cell = Hamlet.objects.create(commune=dung, name="Khối 1", name_key="khối 1", search="khoi 1", kind="khoi",
                                      party_members=12, special_area=True)
    PartyCell.objects.create(hamlet=with_cell, active=True)
    Hamlet.objects.create(commune=dung, name="Khối 2", name_key="khối 2", search="khoi 2", party_members=2)
    staff = User.objects.create(username="tinh.yenbai")
    UserScope.objects.create(user=staff, province=yen_bai)
    board = User.objects.create(username="thanhchuong")
    UserScope.objects.create(user=board, province=nghe_an, district=thanh_chuong)
    term = Term.objects.create(start_year=2022, end_year=2025)
    Target.objects.create(province=nghe_an, term=term, metric="Chiefs who are Party members", percent=100)

    new = migrate([("hamlets", "0004_two_lists_required"), ("elections", "0003_per_term_records_data")])
    Province, Hamlet = new.get_model("hamlets", "Province"), new.get_model("hamlets", "Hamlet")
    Commune, UserScope = new.get_model("hamlets", "Commune"), new.get_model("hamlets", "UserScope")
    HamletTerm, Target = new.get_model("elections", "HamletTerm"), new.get_model("elections", "Target")
    assert set(Province.objects.filter(unit_list="earlier").values_list("code", flat=True)) == {15, 40}
    new_nghe_an = Province.objects.get(unit_list="2025", code=40)
    assert Province.objects.get(unit_list="earlier", code=40).successor_id == new_nghe_an.pk
    assert Province.objects.get(unit_list="earlier", code=15).successor.name == "Tỉnh Lào Cai"
    assert Commune.objects.get(code=17713).unit_list == "earlier"
    assert Commune.objects.get(code=17713).province.code == 40
    assert set(Hamlet.objects.values_list("province_id", flat=True)) == {new_nghe_an.pk}
    records = {r.hamlet.name: r for r in HamletTerm.objects.select_related("hamlet", "term")}
    assert {r.term.start_year for r in records.values()} == {2022}
    assert (records["Khối 1"].party_members, records["Khối 1"].party_cell, records["Khối 1"].special_area,
            records["Khối 1"].kind) == (12, True, True, "khoi")
    assert (records["Khối 2"].party_members, records["Khối 2"].party_cell) == (2, False)
    assert UserScope.objects.get(user__username="tinh.yenbai").province.name == "Tỉnh Lào Cai"
    assert UserScope.objects.get(user__username="thanhchuong").province_id == new_nghe_an.pk
    assert Target.objects.get().province_id == new_nghe_an.pk
    out = capsys.readouterr().out  # the accounts whose scope widens are listed; district boards' do not
    assert "tinh.yenbai: Tỉnh Yên Bái merged into Tỉnh Lào Cai" in out and "thanhchuong" not in out
    migrate([("hamlets", "0004_two_lists_required"), ("elections", "0003_per_term_records_data")])
