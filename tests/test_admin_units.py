import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hamlets.models import Commune, CommuneSuccession, District, Hamlet, Province, UnitList
from tests.factories import HamletFactory

pytestmark = pytest.mark.django_db

EARLIER, NEW = UnitList.EARLIER, UnitList.NEW


def counts() -> tuple[int, int, int, int, int]:
    return (Province.objects.earlier().count(), District.objects.count(), Commune.objects.earlier().count(),
            Province.objects.new().count(), Commune.objects.new().count())


def test_loads_both_official_lists_and_the_conversion_once(capsys):
    call_command("load_admin_units")
    assert counts() == (63, 696, 10051, 34, 3321)
    vinh = District.objects.get(name="Thành phố Vinh")
    assert vinh.division_type == "thành phố" and vinh.province.name == "Tỉnh Nghệ An"
    assert Commune.objects.get(unit_list=EARLIER, code=16663).name == "Phường Đông Vĩnh"
    # every earlier province lies in one 2025 province: Yên Bái in Lào Cai, Nghệ An in itself
    assert Province.objects.get(unit_list=EARLIER, name="Tỉnh Yên Bái").successor.name == "Tỉnh Lào Cai"
    assert Province.objects.get(unit_list=EARLIER, code=40).successor == Province.objects.get(unit_list=NEW, code=40)
    assert not Province.objects.earlier().filter(successor__isnull=True).exists()
    capsys.readouterr()
    call_command("load_admin_units")
    assert capsys.readouterr().out == ("danh mục trước 01/07/2025: 63 tỉnh, 696 huyện, 10051 xã; danh mục từ "
                                       "01/07/2025: 34 tỉnh, 3321 xã, phường; 10554 dòng chuyển đổi (0 thêm, 0 sửa)\n")
    assert counts() == (63, 696, 10051, 34, 3321)


def test_a_code_means_something_only_with_its_list():
    call_command("load_admin_units", province=["Nghệ An"])
    call_command("load_admin_units", province=["Nghệ An"])  # reloading never confuses the two 17713s
    assert Commune.objects.get(unit_list=EARLIER, code=17713).name == "Thị trấn Dùng"
    assert Commune.objects.get(unit_list=NEW, code=17713).name == "Xã Đại Đồng"
    dai_dong = Commune.objects.get(unit_list=NEW, code=17713)
    assert dai_dong.predecessors.count() == 5
    assert Commune.objects.get(unit_list=EARLIER, code=17713).successors.get() == dai_dong


def test_same_names_in_both_lists_are_two_units():
    call_command("load_admin_units", province=["Nghệ An"])
    assert sorted(Commune.objects.filter(name="Xã Hạnh Lâm").values_list("unit_list", flat=True)) == [NEW, EARLIER]
    earlier = Commune.objects.get(name="Xã Hạnh Lâm", unit_list=EARLIER)
    assert earlier.district.name == "Huyện Thanh Chương"
    assert Commune.objects.get(name="Xã Hạnh Lâm", unit_list=NEW).district is None


def test_one_province_by_name_loads_it_in_both_lists():
    call_command("load_admin_units", province=["nghe an"])
    assert counts() == (1, 20, 412, 1, 130)
    # no split and no absent commune in Nghệ An: every old commune has exactly one successor
    assert CommuneSuccession.objects.values("old").distinct().count() == 412


def test_split_commune_of_ha_tinh():
    call_command("load_admin_units", province=["Hà Tĩnh"])
    ky_loi = Commune.objects.get(unit_list=EARLIER, name="Xã Kỳ Lợi")
    assert ky_loi.district.name == "Thị xã Kỳ Anh"
    assert ky_loi.successors.count() == 3
    assert {c.division_type for c in ky_loi.successors.all()} == {"phường"}


def test_merged_province_loads_its_2025_province():
    call_command("load_admin_units", province=["Yên Bái"])
    assert Province.objects.earlier().get().name == "Tỉnh Yên Bái"
    assert Province.objects.new().get().name == "Tỉnh Lào Cai"


def test_repeated_province_option_and_codes():
    call_command("load_admin_units", province=["Nghệ An", "11", "Tỉnh Nghệ An"])
    assert sorted(Province.objects.earlier().values_list("code", flat=True)) == [11, 40]


def test_renamed_unit_is_updated_by_code():
    call_command("load_admin_units", province=["Điện Biên"])
    District.objects.filter(name="Huyện Nậm Pồ").update(name="Huyện Cũ")
    Commune.objects.filter(unit_list=NEW, code=3160).update(name="Xã Cũ")
    call_command("load_admin_units", province=["Điện Biên"])
    assert District.objects.filter(name="Huyện Nậm Pồ").count() == 1
    assert not Commune.objects.filter(name="Xã Cũ").exists()


def test_hamlets_entered_before_the_2025_list_follow_their_province():
    call_command("load_admin_units", province=["Yên Bái"])
    commune = Commune.objects.earlier().first()
    hamlet = HamletFactory(commune=commune)
    assert hamlet.province.name == "Tỉnh Lào Cai"


def test_unknown_province_is_a_clear_error():
    with pytest.raises(CommandError, match="không có tỉnh nào tên 'Atlantis'"):
        call_command("load_admin_units", province=["Atlantis"])
    assert not Hamlet.objects.exists()
