"""The Django admin as a provincial administrator uses it."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import ChiefElectionFactory, CommuneFactory, HamletFactory

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
                                  "elections_term", "auth_user"])
def test_every_changelist_opens(admin_client, name, term):
    ChiefElectionFactory(term=term, held_on=dt.date(2022, 6, 1))
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_official_units_are_read_only(admin_client):
    commune = CommuneFactory()
    assert admin_client.get(reverse("admin:hamlets_commune_add")).status_code == 403
    page = admin_client.get(reverse("admin:hamlets_commune_change", args=[commune.pk]))
    assert page.status_code == 200 and 'name="name"' not in page.text
