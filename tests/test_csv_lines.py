"""The CSV written by PostgreSQL's ``COPY`` (``cadre_tracker.csv_lines``) is, byte for byte, the one Python writes
(``CsvWriter`` over ``export_values``), whatever the texts: commas, double quotes, line breaks, formula prefixes,
backslashes, empty texts, namesakes whose former commune's name is not written plainly; and each record's end is
rewritten to CRLF wherever a block of the stream ends."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadre_tracker import csv_lines as lines_module
from cadre_tracker import generic
from cadre_tracker.csv_lines import crlf_records
from elections.models import ChiefElection, Congress
from hamlets.models import Commune, Hamlet, ListName, _odd_commune_names
from hamlets.text import bare_name, bare_name_sql
from tests.test_export_values import P2022, P2026, SORTS, admin, export, hamlets, terms  # noqa: F401 -- fixtures

pytestmark = pytest.mark.django_db
POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY writes the CSV on PostgreSQL only")

NASTY = ["a,b", 'say "hi"', "two\nlines", "cr\rhere", "crlf\r\nboth", "back\\slash", "tab\there", "\tleading tab",
         "=1+1", "+84", "-x", "@SUM(A1)", "\uff1dfull", ",", '"', "\\", "\\.", "'", "Có", "  spaced  ", "é\u0301"]
ODD_COMMUNES = ["xã Thanh Lâm", "Xã  Thanh Xuân", "XÃ THANH HÀ", "Xã Thanh\u00a0Mỹ", "Thị Trấn Đô Lương", "Xã",
                "Xã Thanh Lâm ", "Xa\u0303 Thanh Đồng", "Phường 1", "Ea H'Leo", "Xã Đắk R'Lấp, \"cũ\""]


def nasty_hamlets(t22, t25) -> None:
    """The export's fixture hamlets, their texts then overwritten (``update()``: no cleaning) with every text
    ``COPY`` and ``csv.writer`` could write differently, and their earlier communes renamed oddly."""
    hamlets(24, t22, t25)
    for index, hamlet in enumerate(Hamlet.objects.order_by("pk")):
        Hamlet.objects.filter(pk=hamlet.pk).update(name=NASTY[index % len(NASTY)] + f" {index // len(NASTY)}")
    for index, congress in enumerate(Congress.objects.order_by("pk")):
        Congress.objects.filter(pk=congress.pk).update(secretary=NASTY[(index + 3) % len(NASTY)],
                                                       deputy_secretary=["", NASTY[index % len(NASTY)]][index % 2])
    for index, election in enumerate(ChiefElection.objects.order_by("pk")):
        ChiefElection.objects.filter(pk=election.pk).update(chief=NASTY[(index + 7) % len(NASTY)])
    Hamlet.objects.filter(pk__in=Hamlet.objects.order_by("pk").values("pk")[:12]).update(name="Xóm chung")  # namesakes
    for index, commune in enumerate(Commune.objects.earlier().order_by("pk")):
        Commune.objects.filter(pk=commune.pk).update(name=ODD_COMMUNES[index % len(ODD_COMMUNES)])


@POSTGRES
@pytest.mark.parametrize("period", [P2022, P2026], ids=["earlier-layout", "2025-layout"])
def test_copy_writes_the_bytes_python_writes(admin, terms, monkeypatch, period):  # noqa: F811
    nasty_hamlets(*terms)
    copied = []
    real = lines_module._streamed
    monkeypatch.setattr(lines_module, "_streamed", lambda *args: copied.append(1) or real(*args))
    for language in ("vi", "en"):
        fast = {sort: export(admin, period, "csv", sort, language) for sort in SORTS}
        assert len(copied) == len(SORTS)  # every export was written by COPY
        copied.clear()
        with monkeypatch.context() as patched:
            patched.setattr(generic, "csv_lines", lambda *args: None)  # Python writes the same rows
            slow = {sort: export(admin, period, "csv", sort, language) for sort in SORTS}
        assert fast == slow
    text = export(admin, period, "csv", "", "vi").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 25 and {len(row) for row in rows} == {15}
    for written in ('"two\nlines', '"crlf\r\nboth', "'=1+1", "'\tleading tab", "back\\slash", '"say ""hi""', ",\\.,"):
        assert written in text, written
    if period is P2026:  # namesakes named after their odd former communes, as ``bare_name`` gives them
        assert "Xóm chung (Thanh Lâm cũ)" in text and "Xóm chung (Thanh Xuân cũ)" in text  # from xã / two spaces


@POSTGRES
def test_copy_takes_one_query_whatever_the_rows(admin, terms):  # noqa: F811
    def queries(count: int, code: int) -> tuple[int, int]:
        hamlets(count, *terms, code=code)
        with CaptureQueriesContext(connection) as captured:
            export(admin, P2026, "csv", "", "vi")
        return len([q for q in captured if "COPY" in q["sql"]]), len(captured)

    few = queries(3, 40)
    assert few[0] == 1 and queries(40, 41) == few


@POSTGRES
def test_bare_name_sql_gives_bare_name_or_leaves_it_to_python():
    plainly = ["Xã Thanh Lâm", "Thị trấn Đô Lương", "Thị xã Kỳ Anh", "Thành phố Vinh", "Đặc khu Côn Đảo",
               "Phường Xã Đàn", "Huyện Ea H'Leo", "Quận 1", "Tỉnh Nghệ An", "Xã Đắk R'Lấp", "Phường 1",
               "Xã Đắk R'Lấp, \"cũ\""]
    plain, params = bare_name_sql("t.name")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT t.name, ({plain}) FROM unnest(%s::text[]) AS t (name)",
                       [*params, ODD_COMMUNES + plainly])
        found = dict(cursor.fetchall())
    assert {name for name, bare in found.items() if bare is not None} == set(plainly)
    assert all(found[name] == bare_name(name) for name in plainly)


@POSTGRES
def test_odd_commune_names_are_read_off_their_partial_index(terms):  # noqa: F811
    """The migration's index predicate is ``bare_name_sql`` as it was written then: the query must still
    match it (else every export tests every unit's name again), and find exactly the odd names."""
    hamlets(3, *terms)
    communes = list(Commune.objects.order_by("pk"))
    for index, commune in enumerate(communes[:len(ODD_COMMUNES)]):
        Commune.objects.filter(pk=commune.pk).update(name=ODD_COMMUNES[index])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: the index only if it applies at all
        with CaptureQueriesContext(connection) as queries:
            odd = _odd_commune_names()
        cursor.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "commune_name_not_plain" in plan, plan
    written_plainly = {"Phường 1", "Xã Đắk R'Lấp, \"cũ\""}  # in ODD_COMMUNES for Python's other paths
    expected = {name for name in ODD_COMMUNES[:len(communes)] if name not in written_plainly}
    assert len(expected) >= 3
    assert odd == {name: bare_name(name) for name in expected}


@POSTGRES
def test_list_names_in_sql_are_those_called_in_python(terms):  # noqa: F811
    hamlets(3, *terms)
    for index, commune in enumerate(Commune.objects.order_by("pk")):
        Commune.objects.filter(pk=commune.pk).update(name=ODD_COMMUNES[index % len(ODD_COMMUNES)])
    formers = sorted(set(Commune.objects.values_list("name", flat=True))) + ["Xã Thanh Lâm", "Phường 1"]
    assert any(bare_name(former) != former for former in formers)
    pairs = [("Xóm 1", None), ("Xóm 1", ""), ("=Xóm", "Xã Thanh Lâm")] + [("Xóm 2", former) for former in formers]
    name = ListName()
    value, params = name.sql(["t.own", "t.former"])
    with connection.cursor() as cursor:
        for own, former in pairs:
            cursor.execute(f"SELECT {value} FROM (SELECT %s::text AS own, %s::text AS former) AS t",
                           [*params, own, former])
            assert cursor.fetchone()[0] == name(own, former), (own, former)


def test_records_end_in_crlf_wherever_a_block_ends(monkeypatch):
    rows = [["a", "b"], ["two\nlines", 'q"uote'], ["", "x"], ['"\n"', "\n"], ["last", "row"], ["x" * 30, "y"]]
    lf, crlf = io.StringIO(), io.StringIO()
    csv.writer(lf, lineterminator="\n").writerows(rows)
    csv.writer(crlf).writerows(rows)
    for size in (1, 2, 3, 5, 8, 13, 1 << 16):
        monkeypatch.setattr(lines_module, "_BLOCK", size)
        written = b"".join(crlf_records(io.BytesIO(lf.getvalue().encode())))
        assert written == crlf.getvalue().encode(), size


def test_other_databases_write_the_csv_in_python(admin, terms, monkeypatch):  # noqa: F811
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL writes it with COPY")
    hamlets(3, *terms)
    assert lines_module.csv_lines(Hamlet.objects.all(), []) is None
    assert export(admin, P2026, "csv", "", "vi").count(b"\r\n") == 4


@POSTGRES
def test_a_filter_matching_nothing_gives_no_line(terms):  # noqa: F811
    hamlets(3, *terms)
    assert lines_module.csv_lines(Hamlet.objects.none(), []) is not None
    assert list(lines_module.csv_lines(Hamlet.objects.none(), [])) == []
    # a unit out of reach (``test_export_values``'s units test) is the same ``none()``, through the view
