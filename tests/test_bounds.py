"""Bounded inputs everywhere (issue 9): rule 10 of ``workbooks.md`` on every path, and no URL ever 500s.

* the import refuses the issue's own values (a 10,000-character hamlet and chief, 2,147,483,648 Party
  members, an admission target of 99,999,999,999) cell by cell, writes nothing, and the command line
  lists them and exits 1 without a traceback;
* every web form (hamlet new and edit with the term's record, congress, chief election, admission,
  placement) and every admin form of these models refuses the same values with a message on the field;
  dates before 1930 or after today are refused however they are typed; the database refuses what slips
  past (check constraints);
* every page of the app is crawled as several personas with hostile values for each query-string
  parameter it reads: a message, a 404 or nothing, never a 5xx.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from elections.importing import import_workbook, rules
from elections.models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Target, Term
from hamlets.models import Hamlet, PartyMember
from tests.factories import HamletFactory, HamletTermFactory, TermFactory
from tests.test_commune_scope import ROUTES, fill
from tests.workbooks import (
    admission_target_row,
    hamlet_row,
    make_units,
    snapshot,
    write_workbook,
)

pytestmark = pytest.mark.django_db

TODAY = rules.today()
TOMORROW = TODAY + dt.timedelta(days=1)
HUGE_NAME = "Nguyễn " + "A" * 9_993  # 10,000 characters
BEFORE_1930 = ("0022-05-01", "0001-01-01", "1900-01-01", "1929-12-31")


# --- the import --------------------------------------------------------------

def issue_workbook(path):
    return write_workbook(path, {
        "Hamlets": [hamlet_row(hamlet="Xóm " + "9" * 9_996, chief=HUGE_NAME, chief_party_role=None),
                    hamlet_row(hamlet="Bản Mới", party_members=2_147_483_648)],
        "Admission targets": [admission_target_row(target=99_999_999_999)],
    })


def test_the_import_refuses_the_issues_values_at_their_cells_and_writes_nothing(tmp_path):
    make_units()
    before = snapshot()
    result = import_workbook(issue_workbook(tmp_path / "issue.xlsx"), dry_run=True)
    problems = {f"{p.sheet}!{p.cell}": p.message for p in result.problems}
    assert problems == {
        "Hamlets!D2": "Thôn/xóm dài 10000 ký tự, quá 120 ký tự",
        "Hamlets!O2": "Trưởng thôn dài 10000 ký tự, quá 120 ký tự",
        "Hamlets!H3": 'Số đảng viên phải là số nguyên từ 0 đến 9.999, nhận được "2147483648"',
        "Admission targets!D2": 'Chỉ tiêu kết nạp phải là số nguyên từ 0 đến 99.999, nhận được "99999999999"',
    }
    with translation.override("en"):
        result = import_workbook(issue_workbook(tmp_path / "issue.xlsx"), dry_run=True)
    assert {f"{p.sheet}!{p.cell}": p.message for p in result.problems} == {
        "Hamlets!D2": "Hamlet is 10000 characters long, more than 120",
        "Hamlets!O2": "Chief is 10000 characters long, more than 120",
        "Hamlets!H3": 'Party members must be a whole number from 0 to 9,999, got "2147483648"',
        "Admission targets!D2": 'Target must be a whole number from 0 to 99,999, got "99999999999"',
    }
    assert not result.ok  # the preview says the workbook is not valid: nothing to confirm
    assert snapshot() == before
    confirmed = import_workbook(issue_workbook(tmp_path / "again.xlsx"), dry_run=False)
    assert not confirmed.ok and snapshot() == before


def test_the_command_line_lists_them_and_exits_1_without_a_traceback(tmp_path):
    make_units()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_workbook", str(issue_workbook(tmp_path / "issue.xlsx")), stdout=out, stderr=err)
    assert raised.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert [line.split(":", 1)[0] for line in lines] == ["Hamlets!D2", "Hamlets!O2", "Hamlets!H3",
                                                         "Admission targets!D2"]
    assert "Traceback" not in err.getvalue() + out.getvalue() and not Hamlet.objects.exists()


@pytest.mark.parametrize("typed", [*BEFORE_1930, "01/05/0022", dt.date(1900, 1, 1), dt.datetime(1, 1, 1), 10_000.0,
                                   1])
def test_a_date_before_1930_gets_one_message_however_it_is_typed(typed):
    """Text, a date cell and a number (an Excel serial: 10000 is 1927-05-18) agree."""
    with pytest.raises(rules.CellError) as refused:
        rules.parse_date(typed, rules.LABELS["congress_held_on"])
    assert "là ngày trước 01/01/1930" in refused.value.message


@pytest.mark.parametrize("typed", [TOMORROW, TOMORROW.isoformat(), TOMORROW.strftime("%d/%m/%Y"), 2_958_465.0])
def test_a_date_after_today_gets_one_message_however_it_is_typed(typed):
    with pytest.raises(rules.CellError) as refused:
        rules.parse_date(typed, rules.LABELS["congress_held_on"])
    assert "là ngày sau hôm nay" in refused.value.message


# --- the web forms -------------------------------------------------------------

def tables() -> list[object]:
    return [list(model.objects.order_by("pk").values()) for model in (
        Hamlet, HamletTerm, Congress, ChiefElection, PartyMember, Target, AdmissionTarget, Term)]


@contextmanager
def nothing_written() -> Iterator[None]:
    before = tables()
    yield
    assert tables() == before


def refused(response, field: str, words: str) -> None:
    """The form came back (200) with ``words`` in its message on ``field``."""
    assert response.status_code == 200, response.status_code
    errors = response.context["form"].errors
    assert field in errors, errors
    assert words in " ".join(errors[field]), errors[field]


def record_data(world, key="mine", **changes):
    record = HamletTerm.objects.get(hamlet=world.hamlets[key], term=world.term)
    data = {"name": world.hamlets[key].name, "kind": "xom", "party_members": 12, "party_cell": "on",
            "version": record.version}
    return {**data, **changes}


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"name": HUGE_NAME}, "name", "10000"),
    ({"party_members": 2_147_483_648}, "party_members", "từ 0 đến 9.999"),
    ({"party_members": 10_000}, "party_members", "từ 0 đến 9.999"),
    ({"party_members": 99_999_999_999_999_999_999}, "party_members", "từ 0 đến 9.999"),
    ({"party_members": -1}, "party_members", ""),
])
def test_the_hamlet_form_and_its_term_record_are_bounded(world, changes, field, words):
    url = reverse("hamlets:edit", args=[world.hamlets["mine"].pk])
    with nothing_written():
        refused(world.client("board").post(url, record_data(world, **changes)), field, words)
    assert world.client("board").post(url, record_data(world, party_members=9_999)).status_code == 302


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"name": HUGE_NAME}, "name", "10000"),
    ({"party_members": 2_147_483_648}, "party_members", "từ 0 đến 9.999"),
])
def test_a_new_hamlet_is_bounded(world, changes, field, words):
    data = {"commune": world.hamlets["mine"].commune_id, "name": "Xóm Mới", "term": world.term.pk, "kind": "xom",
            "party_members": 3, "version": 0}
    with nothing_written():
        refused(world.client("board").post(reverse("hamlets:new"), {**data, **changes}), field, words)
    assert world.client("board").post(reverse("hamlets:new"), data).status_code == 302


@pytest.mark.parametrize("day", [*BEFORE_1930, TOMORROW.isoformat(), "9999-12-31"])
def test_congress_dates_are_bounded(world, day):
    congress = world.congresses["mine"]
    data = {"held_on": day, "secretary": congress.secretary, "deputy_secretary": congress.deputy_secretary,
            "version": congress.version}
    with nothing_written():
        refused(world.client("board").post(reverse("elections:congress", args=[
            world.hamlets["mine"].pk, world.term.pk]), data), "held_on", "01/01/1930" if day < "1930" else "hôm nay")


def test_congress_names_are_bounded(world):
    congress = world.congresses["mine"]
    data = {"held_on": "2022-05-30", "secretary": HUGE_NAME, "deputy_secretary": congress.deputy_secretary,
            "version": congress.version}
    with nothing_written():
        refused(world.client("board").post(reverse("elections:congress", args=[
            world.hamlets["mine"].pk, world.term.pk]), data), "secretary", "10000")


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"held_on": "0022-05-01"}, "held_on", "trước 01/01/1930"),
    ({"held_on": "01/01/0001"}, "held_on", "trước 01/01/1930"),
    ({"held_on": TOMORROW.strftime("%d/%m/%Y")}, "held_on", "sau hôm nay"),
    ({"chief_member_since": "1900-01-01"}, "chief_member_since", "trước 01/01/1930"),
    ({"chief": HUGE_NAME}, "chief", "10000"),
])
def test_chief_elections_are_bounded(world, changes, field, words):
    data = {"held_on": "2023-03-01", "chief": "Lô Văn Chung", "chief_member_since": "", "chief_party_role": "",
            "version": 0, **changes}
    url = reverse("elections:election_new", args=[world.hamlets["mine"].pk, world.term.pk])
    with nothing_written():
        refused(world.client("board").post(url, data), field, words)


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"full_name": HUGE_NAME}, "full_name", "10000"),
    ({"ethnicity": "Ê" * 61}, "ethnicity", "quá 60 ký tự"),
    ({"birth_year": 1899}, "birth_year", f"từ 1900 đến {TODAY.year}"),
    ({"birth_year": TODAY.year + 1}, "birth_year", f"từ 1900 đến {TODAY.year}"),
    ({"birth_year": 2_147_483_648}, "birth_year", ""),
    ({"admitted_on": "0001-01-01"}, "admitted_on", "trước 01/01/1930"),
    ({"admitted_on": "1900-01-01"}, "admitted_on", "trước 01/01/1930"),
    ({"official_on": TOMORROW.isoformat()}, "official_on", "sau hôm nay"),
])
def test_admissions_are_bounded(world, changes, field, words):
    data = {"full_name": "Lô Văn Chung", "birth_year": 1979, "gender": "male", "ethnicity": "Thái",
            "admitted_on": "2023-04-19", "official_on": "", **changes}
    url = reverse("elections:admission_new", args=[world.hamlets["mine"].pk])
    with nothing_written():
        refused(world.client("board").post(url, data), field, words)


@pytest.mark.parametrize("values", [
    {"hamlet": "²", "commune": "1", "version": "1"},
    {"hamlet": "99999999999999999999", "commune": "1", "version": "1"},
    {"hamlet": "1", "commune": "9223372036854775808", "version": "1"},
    {"hamlet": "1", "commune": "1", "version": "-1"},
    {"hamlet": "\x00", "commune": "abc", "version": "1e9"},
])
def test_the_placement_post_refuses_hostile_numbers(world, values):
    values = {**values, "hamlet": values["hamlet"].replace("1", str(world.hamlets["dong_yen"].pk), 1)}
    with nothing_written():
        response = world.client("ht_editor").post(reverse("unplaced_hamlets"), values)
    assert response.status_code in (400, 404)


# --- the admin -----------------------------------------------------------------

def admin_post(client, model, obj, **changes):
    """Post the admin change form of ``obj`` with ``changes``; the form's errors by field."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        value = field.prepare_value(value)
        if isinstance(value, bool):
            value = "on" if value else ""
        data[name] = "" if value is None else value
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 200, f"{model.__name__} accepted {changes}"
    return response.context["adminform"].form.errors


def test_the_admin_forms_refuse_what_the_web_forms_refuse(world, admin_client):
    client = admin_client
    hamlet = world.hamlets["mine"]
    record = HamletTerm.objects.get(hamlet=hamlet, term=world.term)
    member = PartyMember.objects.filter(hamlet=hamlet).first()
    cases = [
        (HamletTerm, record, {"party_members": 2_147_483_648}, "party_members"),
        (Hamlet, hamlet, {"name": HUGE_NAME}, "name"),
        (Congress, world.congresses["mine"], {"held_on": "0022-05-01"}, "held_on"),
        (Congress, world.congresses["mine"], {"secretary": HUGE_NAME}, "secretary"),
        (ChiefElection, world.elections["mine"], {"held_on": TOMORROW.isoformat()}, "held_on"),
        (ChiefElection, world.elections["mine"], {"chief_member_since": "1900-01-01"}, "chief_member_since"),
        (PartyMember, member, {"birth_year": 1899}, "birth_year"),
        (PartyMember, member, {"ethnicity": "Ê" * 61}, "ethnicity"),
        (PartyMember, member, {"admitted_on": "0001-01-01"}, "admitted_on"),
        (AdmissionTarget, AdmissionTarget.objects.filter(district=world.mine).first(), {"target": 99_999_999_999},
         "target"),
        (AdmissionTarget, AdmissionTarget.objects.filter(district=world.mine).first(), {"year": 1929}, "year"),
        (Target, Target.objects.filter(province=world.home).first(), {"percent": "100.5"}, "percent"),
        (Term, world.term, {"start_year": 1900}, "start_year"),
    ]
    for model, obj, changes, field in cases:
        with nothing_written():
            errors = admin_post(client, model, obj, **changes)
        assert field in errors, (model.__name__, changes, errors)


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users["admin"])
    return client


@pytest.mark.parametrize(("model", "values"), [
    (HamletTerm, {"party_members": 10_000}),
    (Hamlet, {"party_members": 10_000}),
    (AdmissionTarget, {"target": 100_000}),
])
def test_the_database_refuses_what_slips_past_every_form(model, values):
    if model is AdmissionTarget:
        from tests.factories import DistrictFactory
        obj = AdmissionTarget.objects.create(district=DistrictFactory(), year=2024, target=5)
    else:
        hamlet = HamletFactory()
        obj = hamlet if model is Hamlet else HamletTerm.objects.get(hamlet=hamlet)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=obj.pk).update(**values)


def test_the_bounds_themselves_are_accepted_everywhere(world):
    term = TermFactory(start_year=2025, end_year=2027)
    record = HamletTermFactory(hamlet=world.hamlets["far"], term=term, party_members=9_999)
    record.full_clean()
    AdmissionTarget(district=world.far, year=TODAY.year + 10, target=99_999).full_clean()
    PartyMember(hamlet=world.hamlets["far"], full_name="A" * 120, birth_year=1900, ethnicity="Ê" * 60,
                admitted_on=dt.date(1930, 1, 1), official_on=TODAY).full_clean()


# --- every URL, hostile query strings --------------------------------------------

# One value of each kind that has broken a parser: text, a Unicode digit (``"²".isdigit()``), an
# integer no database holds, a negative, NUL (PostgreSQL refuses it) and 10 KB (dates: see below).
HOSTILE = ("abc", "²", "99999999999999999999", "-1", "\x00", "x" * 10_000)
ALONE = HOSTILE[:5]  # each parameter alone; 10 KB behaves as "abc" does
BASELINES = ({}, {"term": "2022-2025", "as_of": "2022-07-15"})  # the 2025 layout (today), the earlier one
PERSONAS = ("admin", "editor", "board", "commune_board", "ht_editor")


@contextmanager
def reading() -> Iterator[set[str]]:
    """The query-string (and form) keys the code reads meanwhile."""
    read: set[str] = set()
    get, getitem, getlist = QueryDict.get, QueryDict.__getitem__, QueryDict.getlist

    def recorded(original):
        def method(self, key, *args):
            read.add(key)
            return original(self, key, *args)
        return method

    QueryDict.get, QueryDict.__getitem__, QueryDict.getlist = recorded(get), recorded(getitem), recorded(getlist)
    try:
        yield read
    finally:
        QueryDict.get, QueryDict.__getitem__, QueryDict.getlist = get, getitem, getlist


def own_urls(world, who: str) -> list[str]:
    """Every URL of the app, filled with the ids of the persona's own hamlet and its results."""
    key = "nam_son" if who in ("commune_board", "ht_editor") else "mine"
    hamlet = world.hamlets[key]
    ids = {"hamlet": hamlet.pk, "term": world.term.pk, "pk": hamlet.pk, "code": "elections"}
    return [*(fill(route, ids) for route, _params in ROUTES),
            reverse("elections:election_edit", args=[world.elections[key].pk])]


def pages_read(world) -> dict[tuple[str, str, int], set[str]]:
    """(persona, URL, baseline) -> the query keys the page reads for that persona (baseline 1 only for the
    pages that read something)."""
    found = {}
    for who in PERSONAS:
        client = world.client(who)
        for url in own_urls(world, who):
            for index, baseline in enumerate(BASELINES):
                if index and not found[who, url, 0]:
                    found[who, url, index] = set()
                    continue
                with reading() as read:
                    assert client.get(url, baseline).status_code < 500, (who, url, baseline)
                found[who, url, index] = read - set(baseline) - {"csrfmiddlewaretoken"}
    return found


def test_no_query_string_makes_any_page_fail(world):
    """Every page as each persona; each parameter it reads alone with hostile values (as one of the
    personas it is read for, in turn), then all of them at once but those a hostile value alone gets
    refused (a 404 would hide the rest), with each value, as three personas, the hamlet list's exports
    too."""
    reads = pages_read(world)
    keys = {key for read in reads.values() for key in read}
    assert {"page", "per_page", "sort", "q", "term", "as_of", "units", "commune", "new_commune", "district",
            "province", "state", "_export", "kind", "chief_member"} <= keys
    assert "district" in reads["editor", "/", 1] - reads["editor", "/", 0]  # the earlier layout's

    clients = {who: world.client(who) for who in PERSONAS}
    for client in clients.values():
        client.raise_request_exception = False  # a failure is a 500 to list, not the end of the crawl
    failures: list[tuple[object, ...]] = []
    refusing: dict[tuple[str, str], set[str]] = defaultdict(set)  # (page, key) -> the values refused alone
    chosen: dict[tuple[str, str], tuple[str, str, int]] = {}
    for turn, ((who, url, baseline), read) in enumerate(sorted(reads.items())):
        page = url.rstrip("/").rsplit("/", 2)[0] if url.count("/") > 3 else url  # ids differ by persona
        for key in read:
            if (page, key) not in chosen or turn % len(PERSONAS) == PERSONAS.index(who):
                chosen[page, key] = who, url, baseline
    for (page, key), (who, url, baseline) in sorted(chosen.items()):
        for value in ALONE:
            status = clients[who].get(url, {**BASELINES[baseline], key: value}).status_code
            if status >= 500:
                failures.append((who, url, key, value[:20], status))
            elif status >= 400:
                refusing[page, key].add(value)
    assert len(chosen) >= 30 and not failures

    for who in PERSONAS[:3:2] + PERSONAS[3:4]:  # admin (both layouts), board (earlier), commune board (2025)
        for url in own_urls(world, who):
            read = reads[who, url, 0] | reads[who, url, 1]
            page = url.rstrip("/").rsplit("/", 2)[0] if url.count("/") > 3 else url
            for export in ({}, {"_export": "csv"}, {"_export": "xlsx"}) if "_export" in read else ({},) if read \
                    else ():
                for value in HOSTILE:
                    hostile = {key for key in read - {"_export"}
                               if (value if value in ALONE else "abc") not in refusing[page, key]}
                    status = clients[who].get(url, {**dict.fromkeys(hostile, value), **export}).status_code
                    if status >= 500:
                        failures.append((who, url, export, value[:20], status))
    assert not failures


def test_no_query_string_makes_an_admin_list_fail(world, admin_client):
    failures = []
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client.get(url)
        assert response.status_code == 200, url
        keys = {"q", "o", "p", "all"} | {key for spec in response.context["cl"].filter_specs
                                         for key in spec.expected_parameters()}
        for value in HOSTILE:
            status = admin_client.get(url, dict.fromkeys(keys, value)).status_code
            if status >= 500:
                failures.append((url, value[:20], status))
    assert not failures


@pytest.mark.parametrize(("query", "status", "message"), [
    ({"commune": "99999999999999999999"}, 404, ""),
    ({"new_commune": "999999999999999999999"}, 404, ""),
    ({"district": "²"}, 404, ""),
    ({"per_page": "-1"}, 200, ""),
    ({"per_page": "1000000000"}, 200, ""),
    ({"page": "99999999999999999999"}, 200, ""),
    ({"_export": "pdf"}, 404, ""),
    ({"as_of": "9999-12-31"}, 200, "chưa tới"),
    ({"as_of": "0022-05-01"}, 200, "trước 01/01/1930"),
    ({"term": "9999-10000"}, 200, "Không có nhiệm kỳ"),
])
def test_hostile_values_get_a_message_or_a_404(world, query, status, message):
    response = world.client("editor").get("/hamlets/", query)
    assert response.status_code == status
    if message:
        assert message in response.text


def test_per_page_is_bounded(world):
    response = world.client("editor").get("/hamlets/", {"per_page": "1000000000"})
    assert response.context["table"].paginator.per_page == 500
    response = world.client("editor").get("/hamlets/", {"per_page": "-1", "page": "-3"})
    assert response.context["table"].paginator.per_page == 50


def test_a_nul_character_in_the_address_gets_a_plain_400(world):
    for url in ("/", "/hamlets/", "/units/unplaced/", "/report.xlsx", "/admin/hamlets/hamlet/"):
        response = world.client("admin").get(url, {"q": "Xóm\x001"})
        assert response.status_code == 400, url
        assert "NUL" in response.content.decode()


def test_today_is_vietnams_and_is_worked_out_again_after_its_midnight(monkeypatch):
    """``bounds.today`` keeps the day until the next midnight in Vietnam (as a timestamp), then asks again."""
    import time as clock

    from django.utils import timezone

    from hamlets import bounds

    monkeypatch.setattr(bounds, "_today", (0.0, bounds.EARLIEST))
    assert bounds.today() == timezone.localdate(timezone=bounds.VIETNAM)
    midnight = dt.datetime.combine(bounds.today() + dt.timedelta(days=1), dt.time(), tzinfo=bounds.VIETNAM)
    assert bounds._today[0] == midnight.timestamp() > clock.time()
    stale = dt.date(2001, 1, 1)
    monkeypatch.setattr(bounds, "_today", (clock.time() + 60, stale))
    assert bounds.today() == stale  # kept until its midnight
    monkeypatch.setattr(bounds, "_today", (clock.time() - 1, stale))
    assert bounds.today() == timezone.localdate(timezone=bounds.VIETNAM)  # past it: today again
