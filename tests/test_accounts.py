"""Accounts: add_account, login, lockout, sessions, admin access."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hamlets.models import UserScope
from tests.factories import (
    CommuneFactory,
    DistrictFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    ProvinceFactory,
    succeed,
)

pytestmark = pytest.mark.django_db
GOOD = "Rất-khó-đoán-2022"


@pytest.fixture
def units():
    nghe_an = ProvinceFactory(name="Tỉnh Nghệ An")
    ha_tinh = ProvinceFactory(name="Tỉnh Hà Tĩnh")
    tien_giang = ProvinceFactory(name="Tỉnh Tiền Giang")
    ben_tre = ProvinceFactory(name="Tỉnh Bến Tre")
    return {
        "thanh_chuong": DistrictFactory(province=nghe_an, name="Huyện Thanh Chương"),
        "ky_anh": DistrictFactory(province=ha_tinh, name="Huyện Kỳ Anh"),
        "tx_ky_anh": DistrictFactory(province=ha_tinh, name="Thị xã Kỳ Anh"),
        "chau_thanh_tg": DistrictFactory(province=tien_giang, name="Huyện Châu Thành"),
        "chau_thanh_bt": DistrictFactory(province=ben_tre, name="Huyện Châu Thành"),
        "nghe_an": nghe_an, "ben_tre": ben_tre,
    }


def test_district_board_account(units, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", GOOD)
    call_command("add_account", "tc", district="thanh chương")
    scope = User.objects.get(username="tc").scope
    assert (scope.district, scope.province, scope.editor) == (units["thanh_chuong"], units["nghe_an"], False)
    assert User.objects.get(username="tc").check_password(GOOD)
    assert not User.objects.get(username="tc").is_staff


def test_shared_district_name_needs_province(units, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="có ở nhiều tỉnh"):
        call_command("add_account", "ct", district="Châu Thành")
    call_command("add_account", "ct", district="Châu Thành", province="Bến Tre")
    assert User.objects.get(username="ct").scope.district == units["chau_thanh_bt"]


def test_ambiguous_bare_name_in_one_province_needs_prefix(units, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="chưa rõ thuộc Tỉnh Hà Tĩnh"):
        call_command("add_account", "ka", district="Kỳ Anh", province="Hà Tĩnh")
    call_command("add_account", "ka", district="Thị xã Kỳ Anh")
    assert User.objects.get(username="ka").scope.district == units["tx_ky_anh"]


def test_provincial_staff_and_editor(units, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", GOOD)
    call_command("add_account", "tinh", province="NGHỆ AN")
    call_command("add_account", "tinh2", province="Tỉnh Nghệ An", editor=True)
    assert UserScope.objects.get(user__username="tinh").editor is False
    assert UserScope.objects.get(user__username="tinh2").editor is True
    call_command("add_account", "tc", district="Thanh Chương", editor=True)  # accepted, changes nothing
    assert UserScope.objects.get(user__username="tc").editor is False


def test_weak_password_and_missing_scope_are_refused(units, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", "123")
    with pytest.raises(CommandError, match="^Mật khẩu chưa đạt: Mật khẩu quá ngắn: cần ít nhất 8 ký tự"):
        call_command("add_account", "weak", province="Nghệ An")
    assert not User.objects.filter(username="weak").exists()
    with pytest.raises(CommandError, match=r"^Cần --commune \(đảng ủy xã\)"):
        call_command("add_account", "nobody")
    with pytest.raises(CommandError, match="Atlantis"):
        call_command("add_account", "x", province="Atlantis")


@pytest.fixture
def both_lists(db):
    """Both lists, as ``units.md`` describes them: Nghệ An in both; Yên Bái merged into Lào Cai;
    the earlier Xã Hạnh Lâm and the 2025 Xã Hạnh Lâm; Xã Đông Lộc in two 2025 provinces;
    a xã and a phường Hoành Sơn in one 2025 province."""
    nghe_an = NewProvinceFactory(name="Tỉnh Nghệ An", code=40)
    ha_tinh = NewProvinceFactory(name="Tỉnh Hà Tĩnh", code=42)
    lao_cai = NewProvinceFactory(name="Tỉnh Lào Cai", code=15)
    old_nghe_an = ProvinceFactory(name="Tỉnh Nghệ An", successor=nghe_an)
    yen_bai = ProvinceFactory(name="Tỉnh Yên Bái", successor=lao_cai)
    ProvinceFactory(name="Tỉnh Lào Cai", successor=lao_cai)
    thanh_chuong = DistrictFactory(province=old_nghe_an, name="Huyện Thanh Chương")
    old_hanh_lam = CommuneFactory(district=thanh_chuong, name="Xã Hạnh Lâm")
    thanh_lam = CommuneFactory(district=thanh_chuong, name="Xã Thanh Lâm")
    hanh_lam = NewCommuneFactory(province=nghe_an, name="Xã Hạnh Lâm")
    succeed(old_hanh_lam, hanh_lam)
    succeed(thanh_lam, hanh_lam)
    return {
        "nghe_an": nghe_an, "ha_tinh": ha_tinh, "lao_cai": lao_cai, "yen_bai": yen_bai, "hanh_lam": hanh_lam,
        "van_yen": DistrictFactory(province=yen_bai, name="Huyện Văn Yên"),
        "dong_loc_na": NewCommuneFactory(province=nghe_an, name="Xã Đông Lộc"),
        "dong_loc_ht": NewCommuneFactory(province=ha_tinh, name="Xã Đông Lộc"),
        "xa_hoanh_son": NewCommuneFactory(province=ha_tinh, name="Xã Hoành Sơn"),
        "phuong_hoanh_son": NewCommuneFactory(province=ha_tinh, name="Phường Hoành Sơn", division_type="phường"),
        "mau_a": NewCommuneFactory(province=lao_cai, name="Xã Mậu A"),
    }


def add(*args: str, **options: object) -> str:
    out = io.StringIO()
    call_command("add_account", *args, stdout=out, **options)
    return out.getvalue()


def test_commune_account_names_a_commune_of_the_2025_list(both_lists, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", GOOD)
    output = add("hanhlam", commune="Hạnh Lâm", province="Nghệ An")  # also an earlier commune's name
    scope = User.objects.get(username="hanhlam").scope
    assert (scope.commune, scope.province, scope.district, scope.editor) == (
        both_lists["hanh_lam"], both_lists["nghe_an"], None, False)
    assert output == "hanhlam: đảng ủy xã: Xã Hạnh Lâm, Tỉnh Nghệ An\n"
    add("hanhlam2", commune="hanh lam")  # unique in the 2025 list: --province may be left out
    assert User.objects.get(username="hanhlam2").scope.commune == both_lists["hanh_lam"]
    add("code", commune=str(both_lists["hanh_lam"].code), province="40", editor=True)  # codes; --editor ignored
    assert UserScope.objects.get(user__username="code").commune == both_lists["hanh_lam"]
    assert UserScope.objects.get(user__username="code").editor is False


def test_commune_name_shared_by_two_provinces_needs_province(both_lists, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", GOOD)
    with pytest.raises(CommandError, match=r"có ở nhiều tỉnh: Xã Đông Lộc \(Tỉnh Nghệ An\); Xã Đông Lộc "
                                           r"\(Tỉnh Hà Tĩnh\); thêm --province"):
        add("dl", commune="Đông Lộc")
    add("dl", commune="Đông Lộc", province="Hà Tĩnh")
    assert User.objects.get(username="dl").scope.commune == both_lists["dong_loc_ht"]


def test_ambiguous_unknown_and_earlier_commune_names(both_lists, monkeypatch, commands_in_english):
    monkeypatch.setenv("CT_PASSWORD", GOOD)
    with pytest.raises(CommandError, match=r"ambiguous.*Xã Hoành Sơn \(Tỉnh Hà Tĩnh\); Phường Hoành Sơn"):
        add("hs", commune="Hoành Sơn", province="Hà Tĩnh")
    add("hs", commune="Phường Hoành Sơn", province="Hà Tĩnh")
    assert User.objects.get(username="hs").scope.commune == both_lists["phuong_hoanh_son"]
    with pytest.raises(CommandError, match='no commune "Atlantis" in Tỉnh Nghệ An'):
        add("x", commune="Atlantis", province="Nghệ An")
    with pytest.raises(CommandError, match=r"earlier list \(Xã Thanh Lâm, Huyện Thanh Chương → Xã Hạnh Lâm\)"):
        add("x", commune="Thanh Lâm", province="Nghệ An")
    with pytest.raises(CommandError, match="not both"):
        add("x", commune="Hạnh Lâm", district="Thanh Chương")
    assert not User.objects.filter(username="x").exists()


def test_merged_province_resolves_to_its_2025_province_and_says_so(both_lists, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", GOOD)
    output = add("yb", province="Yên Bái")
    assert output.splitlines() == ["Yên Bái đã hợp nhất vào Lào Cai từ 01/07/2025: tài khoản theo Tỉnh Lào Cai",
                                   "yb: cán bộ tỉnh: Tỉnh Lào Cai"]
    assert User.objects.get(username="yb").scope.province == both_lists["lao_cai"]
    assert "hợp nhất" not in add("lc", province="Lào Cai")  # the 2025 province's own name
    assert User.objects.get(username="lc").scope.province == both_lists["lao_cai"]
    assert "hợp nhất" not in add("na", province="Nghệ An")
    assert User.objects.get(username="na").scope.province == both_lists["nghe_an"]
    # a commune or district named with the earlier province's name lies in its 2025 province
    assert "hợp nhất vào Lào Cai" in add("ma", commune="Mậu A", province="Yên Bái")
    assert User.objects.get(username="ma").scope.commune == both_lists["mau_a"]
    add("vy", district="Văn Yên", province="Lào Cai")  # districts of the provinces merged into it
    scope = User.objects.get(username="vy").scope
    assert (scope.district, scope.province) == (both_lists["van_yen"], both_lists["lao_cai"])
    with pytest.raises(CommandError, match="không có tỉnh mã 99"):
        add("x", province="99")
    monkeypatch.setenv("CT_LANGUAGE", "en")
    assert add("yb2", province="Yên Bái").splitlines() == [
        "Yên Bái merged into Lào Cai on 1 July 2025: the account follows Tỉnh Lào Cai",
        "yb2: provincial staff: Tỉnh Lào Cai"]


def login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_login_and_root_leads_to_own_pages(units):
    User.objects.create_user("tc", password=GOOD)
    client = Client()
    assert client.get("/").status_code == 302
    response = login(client, "tc", GOOD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/", follow=True).status_code == 200


def test_five_failures_lock_the_username_and_address_pair():
    User.objects.create_user("tc", password=GOOD)
    User.objects.create_user("other", password=GOOD)
    client = Client()
    for _ in range(4):
        assert login(client, "tc", "wrong").status_code == 200
    assert login(client, "tc", "wrong").status_code == 429  # the fifth failure locks
    locked = login(client, "tc", GOOD)
    assert locked.status_code == 429 and "15 phút" in locked.content.decode()
    # the same user from another address, and another user from the same address, still log in
    assert login(Client(), "tc", GOOD, address="10.0.0.2").status_code == 302
    assert login(Client(), "other", GOOD, address="10.0.0.1").status_code == 302


def test_sessions_last_a_working_day():
    assert 8 * 3600 <= settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_only_administrators_reach_the_admin(units):
    staff = User.objects.create_user("staffish", password=GOOD, is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302
    client.force_login(User.objects.create_superuser("root", password=GOOD))
    assert client.get("/admin/").status_code == 200
