"""The Django admin as a provincial administrator uses it."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import ChiefElectionFactory, CommuneFactory, HamletFactory, NewCommuneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", password="x"))
    return client


def test_hamlet_search_ignores_case_and_diacritics(admin_client):
    HamletFactory(name="Xóm Đồng Hòa", commune__name="Xã Nghi Thạch")
    HamletFactory(name="Bản Huồi Mới")
    page = admin_client.get(reverse("admin:hamlets_hamlet_changelist"), {"q": "DONG hoa"})
    assert page.status_code == 200
    assert "Xóm Đồng Hòa" in page.text and "Bản Huồi Mới" not in page.text
    by_commune = admin_client.get(reverse("admin:hamlets_hamlet_changelist"), {"q": "nghi thach"})
    assert "Xóm Đồng Hòa" in by_commune.text


def test_district_and_commune_filters(admin_client):
    a = HamletFactory(name="Xóm Một")
    b = HamletFactory(name="Xóm Hai")
    url = reverse("admin:hamlets_hamlet_changelist")
    page = admin_client.get(url, {"district": a.commune.district_id})
    assert "Xóm Một" in page.text and "Xóm Hai" not in page.text
    page = admin_client.get(url, {"commune": b.commune_id})
    assert "Xóm Hai" in page.text and "Xóm Một" not in page.text
    # the commune filter only offers communes of the chosen district
    page = admin_client.get(url, {"district": a.commune.district_id})
    assert b.commune.name not in page.text


def test_commune_autocomplete_searches_without_diacritics(admin_client):
    commune = CommuneFactory(name="Xã Châu Thành")
    CommuneFactory(name="Xã Khác")
    response = admin_client.get(reverse("admin:autocomplete"), {
        "app_label": "hamlets", "model_name": "hamlet", "field_name": "commune", "term": "chau thanh"})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(commune.pk)]


@pytest.mark.parametrize("name", ["hamlets_hamlet", "hamlets_partycell", "hamlets_partymember", "hamlets_province",
                                  "hamlets_district", "hamlets_commune", "elections_congress",
                                  "elections_chiefelection", "elections_target", "elections_admissiontarget",
                                  "elections_term", "auth_user", "hamlets_communesuccession",
                                  "elections_hamletterm", "elections_chiefplan", "elections_chiefevaluation",
                                  "elections_official"])
def test_every_changelist_opens(admin_client, name, term):
    ChiefElectionFactory(term=term, held_on=dt.date(2022, 6, 1))
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_official_units_are_read_only(admin_client):
    commune = CommuneFactory()
    assert admin_client.get(reverse("admin:hamlets_commune_add")).status_code == 403
    page = admin_client.get(reverse("admin:hamlets_commune_change", args=[commune.pk]))
    assert page.status_code == 200 and 'name="name"' not in page.text


# --- both lists -----------------------------------------------------------------------------------

@pytest.fixture
def lists(term):
    """Nghệ An in both lists: Thanh Chương's Xã Thanh Lâm went into the 2025 Xã Hạnh Lâm,
    Xã Kỳ Lợi (another earlier province) was split; a hamlet placed, one unplaced."""
    from hamlets.models import Hamlet
    from tests.factories import DistrictFactory, NewCommuneFactory, NewProvinceFactory, ProvinceFactory, succeed

    new = NewProvinceFactory(name="Tỉnh Nghệ An")
    earlier = ProvinceFactory(name="Tỉnh Nghệ An", successor=new)
    thanh_chuong = DistrictFactory(province=earlier, name="Huyện Thanh Chương")
    thanh_lam = CommuneFactory(district=thanh_chuong, name="Xã Thanh Lâm")
    ky_loi = CommuneFactory(district=thanh_chuong, name="Xã Kỳ Lợi")
    hanh_lam = NewCommuneFactory(province=new, name="Xã Hạnh Lâm")
    other = NewCommuneFactory(province=new, name="Xã Đại Đồng")
    succeed(thanh_lam, hanh_lam)
    succeed(ky_loi, hanh_lam, other)
    placed = HamletFactory(commune=thanh_lam, name="Xóm Placed", term=term)
    unplaced = HamletFactory(commune=ky_loi, name="Xóm Waiting", term=term)
    HamletFactory(name="Xóm Elsewhere", term=term)
    assert placed.new_commune == hanh_lam and unplaced.new_commune is None
    return {"new": new, "earlier": earlier, "thanh_chuong": thanh_chuong, "thanh_lam": thanh_lam, "ky_loi": ky_loi,
            "hanh_lam": hanh_lam, "other": other, "placed": placed, "unplaced": unplaced, "Hamlet": Hamlet}


def names(page, *candidates: str) -> set[str]:
    return {n for n in candidates or ("Xóm Placed", "Xóm Waiting", "Xóm Elsewhere") if n in page.text}


@pytest.mark.parametrize(("params", "expected"), [
    ({"placed": "no"}, {"Xóm Waiting", "Xóm Elsewhere"}),
    ({"placed": "yes"}, {"Xóm Placed"}),
    ({"province": "new"}, {"Xóm Placed", "Xóm Waiting"}),
    ({"new_commune": "hanh_lam"}, {"Xóm Placed"}),
    ({"district": "thanh_chuong"}, {"Xóm Placed", "Xóm Waiting"}),
    ({"commune": "ky_loi"}, {"Xóm Waiting"}),
    ({"q": "hanh lam"}, {"Xóm Placed"}),  # the 2025 commune's name, without diacritics
    ({}, {"Xóm Placed", "Xóm Waiting", "Xóm Elsewhere"}),
])
def test_hamlet_filters_by_both_lists(admin_client, lists, params, expected):
    query = {k: (lists[v].pk if k != "q" and k != "placed" else v) for k, v in params.items()}
    page = admin_client.get(reverse("admin:hamlets_hamlet_changelist"), query)
    assert page.status_code == 200
    assert names(page) == expected


def test_hamlet_filter_choices_follow_the_province(admin_client, lists):
    page = admin_client.get(reverse("admin:hamlets_hamlet_changelist"), {"province": lists["new"].pk})
    filters = {str(spec.title): [c["display"] for c in spec.choices(page.context["cl"])]
               for spec in page.context["cl"].filter_specs}
    assert "Xã Hạnh Lâm" in filters["xã, phường (từ 01/07/2025)"]
    assert "Xã Đại Đồng" not in filters["xã, phường (từ 01/07/2025)"]  # no hamlet there
    assert filters["huyện (trước 01/07/2025)"][1:] == ["Huyện Thanh Chương (Tỉnh Nghệ An)"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"unit_list": "2025"}, {"Xã Hạnh Lâm", "Xã Đại Đồng"}),
    ({"unit_list": "earlier", "province": "earlier"}, {"Xã Thanh Lâm", "Xã Kỳ Lợi"}),
    ({"province": "new"}, {"Xã Hạnh Lâm", "Xã Đại Đồng"}),
    ({"province": "earlier", "district": "thanh_chuong"}, {"Xã Thanh Lâm", "Xã Kỳ Lợi"}),
    ({"q": "thanh lam"}, {"Xã Thanh Lâm"}),
])
def test_commune_list_by_list_province_and_district(admin_client, lists, params, expected):
    query = {k: (lists[v].pk if k in ("province", "district") else v) for k, v in params.items()}
    page = admin_client.get(reverse("admin:hamlets_commune_changelist"), query)
    assert page.status_code == 200
    assert {c.name for c in page.context["cl"].result_list} == expected


def test_units_show_their_conversion_and_stay_read_only(admin_client, lists):
    page = admin_client.get(reverse("admin:hamlets_commune_change", args=[lists["hanh_lam"].pk]))
    assert page.status_code == 200 and "Xã Thanh Lâm" in page.text and "Xã Kỳ Lợi" in page.text
    page = admin_client.get(reverse("admin:hamlets_commune_change", args=[lists["ky_loi"].pk]))
    assert "Xã Hạnh Lâm" in page.text and "Xã Đại Đồng" in page.text
    page = admin_client.get(reverse("admin:hamlets_province_change", args=[lists["new"].pk]))
    assert page.status_code == 200 and 'name="name"' not in page.text
    page = admin_client.get(reverse("admin:hamlets_communesuccession_changelist"), {"q": "ky loi"})
    assert page.status_code == 200 and len(page.context["cl"].result_list) == 2
    assert admin_client.get(reverse("admin:hamlets_communesuccession_add")).status_code == 403
    page = admin_client.get(reverse("admin:hamlets_district_changelist"), {"province": lists["earlier"].pk})
    assert [d.name for d in page.context["cl"].result_list] == ["Huyện Thanh Chương"]


def test_hamlet_form_accepts_candidates_only(admin_client, lists):
    hamlet = lists["unplaced"]
    url = reverse("admin:hamlets_hamlet_change", args=[hamlet.pk])
    data = {"name": hamlet.name, "commune": lists["ky_loi"].pk, "new_commune": lists["hanh_lam"].pk,
            "party_cell-TOTAL_FORMS": 0, "party_cell-INITIAL_FORMS": 0}
    assert admin_client.post(url, {**data, "new_commune": lists["thanh_lam"].pk}).status_code == 200  # earlier list
    far = NewCommuneFactory(name="Xã Xa")
    refused = admin_client.post(url, {**data, "new_commune": far.pk})
    assert refused.status_code == 200 and "không phải nơi Xã Kỳ Lợi chuyển vào" in refused.text
    assert admin_client.post(url, data).status_code == 302
    hamlet.refresh_from_db()
    assert hamlet.new_commune == lists["hanh_lam"] and hamlet.version == 2
    assert hamlet.history.first().history_user.username == "root"


def test_scope_inline_and_user_filters(admin_client, lists):
    from hamlets.models import UserScope

    user = User.objects.create_user("hanhlam")
    UserScope.objects.create(user=user, province=lists["new"], commune=lists["hanh_lam"])
    page = admin_client.get(reverse("admin:auth_user_changelist"), {"role": "commune"})
    assert page.status_code == 200 and [u.username for u in page.context["cl"].result_list] == ["hanhlam"]
    assert "Xã Hạnh Lâm, Tỉnh Nghệ An" in page.text
    page = admin_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert page.status_code == 200 and 'name="scope-0-commune"' in page.text


def test_commune_autocomplete_offers_2025_communes_with_their_province(admin_client, lists):
    response = admin_client.get(reverse("admin:autocomplete"), {
        "app_label": "hamlets", "model_name": "userscope", "field_name": "commune", "term": "lam"})
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [
        "Xã Hạnh Lâm (Tỉnh Nghệ An, danh mục từ 01/07/2025)"]


def test_hamlet_term_admin_keeps_the_hamlets_copy(admin_client, lists):
    from elections.models import HamletTerm

    record = HamletTerm.objects.get(hamlet=lists["placed"])
    url = reverse("admin:elections_hamletterm_change", args=[record.pk])
    page = admin_client.get(reverse("admin:elections_hamletterm_changelist"), {"new_commune": lists["hanh_lam"].pk})
    assert page.status_code == 200 and [r.pk for r in page.context["cl"].result_list] == [record.pk]
    response = admin_client.post(url, {"hamlet": lists["placed"].pk, "term": record.term_id, "kind": "thon",
                                       "party_members": 33, "party_cell": "on"})
    assert response.status_code == 302
    before = lists["placed"].version
    lists["placed"].refresh_from_db()
    assert (lists["placed"].party_members, lists["placed"].kind) == (33, "thon")
    assert lists["placed"].version > before  # a form opened before the change is refused, not overwritten


def test_admin_change_of_an_election_moves_the_versions_on(admin_client, term):
    election = ChiefElectionFactory(term=term, held_on=dt.date(2022, 6, 1))
    hamlet_version = election.hamlet.version
    response = admin_client.post(reverse("admin:elections_chiefelection_change", args=[election.pk]), {
        "hamlet": election.hamlet_id, "term": term.pk, "held_on": "2022-06-02", "chief": "Lò Văn Sửa"})
    assert response.status_code == 302
    election.refresh_from_db()
    election.hamlet.refresh_from_db()
    assert (election.chief, election.version, election.hamlet.version) == ("Lò Văn Sửa", 2, hamlet_version + 1)


@pytest.mark.parametrize(("name", "params"), [
    ("hamlets_communesuccession", {"partly_merged__exact": "1"}),
    ("hamlets_communesuccession", {"new__province__id__exact": "new"}),
    ("elections_hamletterm", {"placed": "no"}), ("elections_hamletterm", {"province": "new"}),
    ("elections_congress", {"new_commune": "hanh_lam"}), ("elections_chiefelection", {"placed": "yes"}),
    ("hamlets_partycell", {"district": "thanh_chuong"}), ("hamlets_partymember", {"province": "new"}),
    ("hamlets_province", {"unit_list": "2025"}), ("hamlets_district", {"province": "earlier"}),
])
def test_new_changelists_open_with_filters(admin_client, lists, name, params):
    query = {k: (lists[v].pk if v in lists else v) for k, v in params.items()}
    response = admin_client.get(reverse(f"admin:{name}_changelist"), query)
    assert response.status_code == 200, response.get("Location")


@pytest.mark.parametrize("name", ["elections_target", "elections_admissiontarget"])
@pytest.mark.parametrize("params", [{}, {"level": "commune"}, {"level": "district"}, {"level": "province"}])
def test_target_changelists_filter_by_level_and_province(admin_client, lists, name, params):
    from elections.models import AdmissionTarget
    from tests.factories import TargetFactory

    TargetFactory(province=lists["new"], commune=lists["hanh_lam"])
    AdmissionTarget.objects.create(commune=lists["hanh_lam"], year=2026, target=3)
    page = admin_client.get(reverse(f"admin:{name}_changelist"), {**params, "province": lists["new"].pk})
    assert page.status_code == 200
    rows = page.context["cl"].result_list
    assert (len(rows) == 1) == (params.get("level") in (None, "commune"))
