import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hamlets.models import Commune, District, Province

pytestmark = pytest.mark.django_db


def test_loads_the_whole_official_list_once(capsys):
    call_command("load_admin_units")
    assert (Province.objects.count(), District.objects.count(), Commune.objects.count()) == (63, 696, 10051)
    vinh = District.objects.get(name="Thành phố Vinh")
    assert vinh.division_type == "thành phố" and vinh.province.name == "Tỉnh Nghệ An"
    assert Commune.objects.get(code=16663).name == "Phường Đông Vĩnh"
    capsys.readouterr()
    call_command("load_admin_units")
    assert "(0 created, 0 updated)" in capsys.readouterr().out
    assert Commune.objects.count() == 10051


def test_one_province_by_name_without_prefix_or_diacritics():
    call_command("load_admin_units", province=["nghe an"])
    assert Province.objects.get().name == "Tỉnh Nghệ An"
    assert District.objects.count() == 20 and Commune.objects.count() == 412


def test_repeated_province_option_and_codes():
    call_command("load_admin_units", province=["Nghệ An", "11", "Tỉnh Nghệ An"])
    assert sorted(Province.objects.values_list("code", flat=True)) == [11, 40]


def test_renamed_unit_is_updated_by_code():
    call_command("load_admin_units", province=["Điện Biên"])
    District.objects.filter(name="Huyện Nậm Pồ").update(name="Huyện Cũ")
    call_command("load_admin_units", province=["Điện Biên"])
    assert District.objects.filter(name="Huyện Nậm Pồ").count() == 1


def test_unknown_province_is_a_clear_error():
    with pytest.raises(CommandError, match="no province named 'Atlantis'"):
        call_command("load_admin_units", province=["Atlantis"])
