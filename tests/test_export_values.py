"""The hamlet list's fast export (``values_list()`` reads, ``cadre_tracker.export_values``) gives byte for
byte what the generic export (model instances, django-tables2 accessors) gives, in both layouts and both
languages, with namesakes, formula-like names and every kind of cell, and costs the same queries
whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadre_tracker import generic
from elections.models import PartyRole, Term
from hamlets.models import Hamlet
from tests.factories import (
    ChiefElectionFactory,
    CommuneFactory,
    CongressFactory,
    DistrictFactory,
    HamletFactory,
    HamletTermFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    PartyCellFactory,
    ProvinceFactory,
    TermFactory,
    succeed,
)

pytestmark = pytest.mark.django_db
LIST = "/hamlets/"
P2022 = {"term": "2022-2025", "as_of": "2022-12-31"}  # the earlier layout
P2026 = {"term": "2025-2027", "as_of": "2026-06-30"}  # the 2025 layout
SORTS = ["", "-name", "district", "commune", "-chief_elected_on", "kind", "has_cell", "-party_members"]


def hamlets(count: int, t22: Term, t25: Term, code: int = 40) -> None:
    """``count`` hamlets over two earlier communes merged into one 2025 commune (so namesakes), one of them
    unplaced, with every kind of cell: kinds, party roles, both booleans, NULLs, dates, formula-like text."""
    new = NewProvinceFactory(name=f"Tỉnh {code}", code=code)
    district = DistrictFactory(province=ProvinceFactory(name=f"Tỉnh {code}", code=code, successor=new),
                               name="Huyện Thanh Chương")
    lam, xuan = (CommuneFactory(district=district, name=name) for name in ("Xã Thanh Lâm", "Xã Thanh Xuân"))
    other = CommuneFactory(district=DistrictFactory(province=district.province, name="=Huyện Lạ"), name="+Xã Lạ")
    hanh_lam = NewCommuneFactory(province=new, name="Xã Hạnh Lâm")
    succeed(lam, hanh_lam)
    succeed(xuan, hanh_lam)
    for i in range(count):
        name = {1: f'=HYPERLINK("{i}")', 3: f"@SUM(A{i})"}.get(i % 5, f"Xóm {i // 3}")  # namesakes: i // 3
        hamlet = HamletFactory(commune=[lam, xuan, other][i % 3], name=name, kind=["xom", "ban", "to_dan_pho"][i % 3],
                               special_area=i % 2 == 0, project01=i % 3 == 0, party_members=i % 7, term=t22)
        HamletTermFactory(hamlet=hamlet, term=t25, kind=hamlet.kind, party_members=i % 5 + 1, party_cell=i % 2 == 0,
                          special_area=i % 4 == 0)
        if i % 2 == 0:
            cell = PartyCellFactory(hamlet=hamlet)  # its records say so
            for term, day in ((t22, dt.date(2022, 3, 5 + i % 20)), (t25, dt.date(2025, 9, 1 + i % 20))):
                CongressFactory(cell=cell, term=term, held_on=day, secretary=f"-Bí thư {i}",
                                deputy_secretary="" if i % 4 else f"Phó {i}")
        if i % 3 != 2:
            for term, day in ((t22, dt.date(2022, 6, 10 + i % 9)), (t25, dt.date(2025, 10, 1 + i % 9))):
                ChiefElectionFactory(hamlet=hamlet, term=term, held_on=day, chief=f"Trưởng {i}",
                                     chief_member_since=dt.date(2010, 1, 1) if i % 2 else None,
                                     chief_party_role=["", PartyRole.SECRETARY, PartyRole.DEPUTY][i % 3])


@pytest.fixture
def admin(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_user("admin", password="x", is_superuser=True))
    return client


@pytest.fixture
def terms() -> tuple[Term, Term]:
    return TermFactory(start_year=2022, end_year=2025), TermFactory(start_year=2025, end_year=2027)


def body(response) -> bytes:
    """The export's content: a CSV's bytes, or an xlsx's parts but its timestamps (``docProps``)."""
    content = response.getvalue()
    if response["Content-Type"].startswith("text/csv"):
        return content
    book = zipfile.ZipFile(io.BytesIO(content))
    return b"".join(name.encode() + book.read(name) for name in sorted(book.namelist()) if "docProps" not in name)


def export(client: Client, period: dict[str, str], fmt: str, sort: str, language: str) -> bytes:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    query = {**period, "_export": fmt, **({"sort": sort} if sort else {})}
    response = client.get(LIST, query)
    assert response.status_code == 200
    return body(response)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("period", [P2022, P2026], ids=["earlier-layout", "2025-layout"])
def test_the_fast_export_gives_exactly_the_generic_one(admin, terms, monkeypatch, period, fmt):
    hamlets(24, *terms)
    Hamlet.objects.filter(name="Xóm 4").update(new_commune=None)
    for language in ("vi", "en"):
        fast = {sort: export(admin, period, fmt, sort, language) for sort in SORTS}
        with monkeypatch.context() as patched:
            patched.setattr(generic, "declared_reads", lambda *args: None)  # the generic path, for the same tables
            slow = {sort: export(admin, period, fmt, sort, language) for sort in SORTS}
        assert fast == slow
    if fmt == "csv":  # what is compared holds what matters: namesakes, quoted formulas, both languages' cells
        text = export(admin, period, fmt, "", "vi").decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "'@SUM(A3)" in text and "'-Bí thư" in text and "Không" in text
        assert ("Xóm 3 (Thanh Lâm cũ)" in text and "Xóm 3 (Thanh Xuân cũ)" in text) == (period is P2026)
        english = export(admin, period, fmt, "", "en").decode("utf-8-sig")
        assert "Yes" in english and "No" in english and ("2022-" in english or "2025-" in english)


def test_the_fast_export_builds_no_hamlet(admin, terms, monkeypatch):
    """Every column of both layouts is declared: no row is read as a model instance."""
    hamlets(6, *terms)

    def refuse(*args, **kwargs):
        raise AssertionError("a hamlet was built")

    monkeypatch.setattr(Hamlet, "from_db", classmethod(refuse))
    for period in (P2022, P2026):
        assert export(admin, period, "csv", "", "vi").count(b"\n") == 7


@pytest.mark.parametrize("period", [P2022, P2026], ids=["earlier-layout", "2025-layout"])
def test_the_fast_exports_queries_do_not_grow_with_rows(admin, terms, period):
    def queries(count: int, code: int) -> int:
        hamlets(count, *terms, code=code)
        with CaptureQueriesContext(connection) as captured:
            for fmt in ("csv", "xlsx"):
                export(admin, period, fmt, "", "vi")
        return len(captured)

    few = queries(3, 40)
    assert queries(60, 41) == few
