"""Accounts: add_account, login, lockout, sessions, admin access."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from hamlets.models import UserScope
from tests.factories import DistrictFactory, ProvinceFactory

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
    with pytest.raises(CommandError, match="several provinces"):
        call_command("add_account", "ct", district="Châu Thành")
    call_command("add_account", "ct", district="Châu Thành", province="Bến Tre")
    assert User.objects.get(username="ct").scope.district == units["chau_thanh_bt"]


def test_ambiguous_bare_name_in_one_province_needs_prefix(units, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", GOOD)
    with pytest.raises(CommandError, match="ambiguous"):
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
    with pytest.raises(CommandError, match="Password refused"):
        call_command("add_account", "weak", province="Nghệ An")
    assert not User.objects.filter(username="weak").exists()
    with pytest.raises(CommandError, match="give --district"):
        call_command("add_account", "nobody")
    with pytest.raises(CommandError, match="Atlantis"):
        call_command("add_account", "x", province="Atlantis")


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
