"""Central staff (``add_account U --national``): every province of the country, read-only.

The personas' world (``tests/personas.py``) holds two earlier provinces, a 2025 province and boards and
staff of each; ``national`` is central staff. Through the one rule (``Model.objects.restrict(user)``) it
sees what an administrator sees, for every scoped model and every unit queryset; it has no right to change
anything, and the crawl of every page of the app shows it (a form refuses its POST with 403, nothing
changes, nothing fails).
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from elections.models import AdmissionTarget, Target
from hamlets.models import Commune, District, Province, UserScope
from hamlets.scoping import FULL_SCOPE, Scope
from tests.personas import make_user
from tests.test_commune_scope import ROUTES, fill, filled, payload, scoped_models, scoped_models_of

pytestmark = pytest.mark.django_db

# Pages that only show or send something: a POST to them changes nothing (and takes no form).
READ_ONLY = {"hamlets/", "hamlets/<int:pk>/", "import/template.xlsx"}
SAFE_ONLY = {"", "report.xlsx", "import/prefill.xlsx",  # GET only: a POST is 405
             "officials/", "officials/<int:pk>/hamlets/<slug:code>/", "people/chiefs/"}
QUERIES = [{}, {"term": "2022-2025", "as_of": "2022-07-15"}, {"term": "2022-2025", "as_of": "2025-08-01"},
           {"term": "2022-2025", "as_of": "2022-07-15", "units": "2025"}, {"national": "1"},
           {"_export": "csv"}, {"_export": "xlsx"}]


def test_the_scope_sees_all_and_may_change_nothing():
    scope = Scope(national=True)
    assert scope.sees_all and not scope.everything and not scope.nothing
    assert not (scope.can_edit_results or scope.can_set_targets or scope.can_place_any)
    assert not (scope.is_province or scope.is_board or scope.is_district or scope.is_commune)
    # whatever else a scope says, national takes every right away
    assert not Scope(national=True, province_id=1, editor=True).can_edit_results
    assert not Scope(national=True, everything=True).can_set_targets


def test_central_staff_see_every_row_of_every_scoped_model(world):
    user = world.users["national"]
    assert Scope.of(user) == Scope(national=True)
    checked = []
    for model in scoped_models():
        rows = scoped_models_of(model)
        everything = set(rows.restrict(FULL_SCOPE).values_list("pk", flat=True))
        assert everything == set(rows.values_list("pk", flat=True)), model
        assert set(rows.restrict(user).values_list("pk", flat=True)) == everything, model
        checked.append(model)
    assert {Province, District, Commune, Target, AdmissionTarget} <= set(checked)
    assert Province.objects.restrict(user).count() == Province.objects.count() >= 4
    # provincial staff, for comparison, still see their own province only
    assert Province.objects.restrict(world.users["staff"]).count() == 1


def crawl_urls(world) -> list[tuple[str, str]]:
    urls = []
    for route, params in ROUTES:
        urls += [(route, url) for url in (filled(world, route, params) if params else [fill(route, {})])]
    return urls


def everything_stored() -> list[object]:
    """Every row of the project's own tables (history included): what a request could change."""
    return [list(model.objects.order_by("pk").values()) for app in ("hamlets", "elections")
            for model in apps.get_app_config(app).get_models()]


def test_crawl_every_page_reads_and_no_form_takes_a_post(world):
    client = world.client("national")
    urls = crawl_urls(world)
    assert len(urls) >= 15
    for _route, url in urls:
        for query in QUERIES:
            assert client.get(url, query).status_code < 500, (url, query)
    assert client.get("/", QUERIES[2]).context["national"]
    before = everything_stored()
    for route, url in urls:
        response = client.post(url, payload(world))
        if route in READ_ONLY:
            assert response.status_code in (200, 404, 405), url
        elif route in SAFE_ONLY:
            assert response.status_code in (404, 405), url
        else:
            assert response.status_code in (403, 404), (url, response.status_code)  # refused, or not found first
        assert everything_stored() == before, url


def test_central_staff_may_not_import(world, tmp_path):
    from elections.importing import import_workbook
    from tests.workbooks import DEFAULT_TARGET, hamlet_row, write_workbook

    before = everything_stored()
    place = {"province": "Tỉnh Nghệ An", "district": "Huyện Thanh Chương"}
    for sheets in ({"Hamlets": [hamlet_row(**place, commune="Xã Mine", hamlet="Xóm Mới")]},
                   {"Hamlets": [], "Targets": [{**DEFAULT_TARGET, **place, "percent": 50}]}):
        path = write_workbook(tmp_path / "w.xlsx", sheets)
        result = import_workbook(path, user=world.users["national"])
        assert not result.ok and result.problems, sheets
        assert "không được nhập" in str(result.problems[0]) or "được đặt mục tiêu" in str(result.problems[0])
        assert everything_stored() == before


# --- the account --------------------------------------------------------------------------------------

def test_add_account_national(world, monkeypatch):
    monkeypatch.setenv("CT_PASSWORD", "Xóm-3-mật-khẩu-dài")
    out = io.StringIO()
    call_command("add_account", "trung.uong", "--national", stdout=out)
    assert out.getvalue() == "trung.uong: cán bộ trung ương: toàn quốc, chỉ xem\n"
    user = User.objects.get(username="trung.uong")
    assert Scope.of(user) == Scope(national=True)
    assert user.scope.province_id is None and not user.scope.editor
    for extra in (["--province", "Tỉnh Nghệ An"], ["--editor"], ["--district", "Huyện Thanh Chương"]):
        with pytest.raises(CommandError, match="--national"):
            call_command("add_account", "trung.uong", "--national", *extra, stdout=io.StringIO())
    # back to provincial staff, and national again: the row follows
    call_command("add_account", "trung.uong", "--province", "Tỉnh Nghệ An", stdout=io.StringIO())
    assert Scope.of(User.objects.get(username="trung.uong")).province_id == world.home.pk
    call_command("add_account", "trung.uong", "--national", stdout=io.StringIO())
    assert Scope.of(User.objects.get(username="trung.uong")) == Scope(national=True)


def test_a_national_row_holds_no_unit_and_no_editor_right(world):
    user = make_user("x")
    for values in ({"province": world.home}, {"editor": True}, {"commune": world.communes["hoanh_son"],
                                                                 "province": world.new_province}):
        with pytest.raises(ValidationError) as error:
            UserScope(user=user, national=True, **values).full_clean()
        assert "national" in error.value.message_dict
        with transaction.atomic(), pytest.raises(IntegrityError):
            UserScope.objects.create(user=user, national=True, **values)
    with pytest.raises(ValidationError) as error:
        UserScope(user=user).full_clean()  # neither a unit nor national
    assert "province" in error.value.message_dict
    scope = UserScope.objects.create(user=user, national=True)
    assert str(scope) == "x: toàn quốc"


def test_admin_shows_and_edits_the_national_flag(world):
    site_admin = admin.site._registry[User]
    assert "national" in site_admin.inlines[0].fields
    client = world.client("admin")
    page = client.get("/admin/auth/user/", {"role": "national"})
    assert page.status_code == 200 and "national" in page.content.decode()
    assert "Toàn quốc" in page.content.decode()
    assert "outsider" not in page.content.decode()
