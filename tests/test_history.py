"""The hamlet page's history reads like people talk: labels and names, never ids or codes;
an object's first row is its initial state, not a diff from nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from elections.history import hamlet_history
from elections.models import ChiefElection, HamletTerm, Term
from elections.records import save_record
from hamlets.models import Hamlet, PartyMember
from tests.factories import (
    ChiefElectionFactory,
    CommuneFactory,
    CongressFactory,
    NewCommuneFactory,
    NewProvinceFactory,
    ProvinceFactory,
    succeed,
)

pytestmark = pytest.mark.django_db


def loaded(hamlet: Hamlet) -> Hamlet:
    """The hamlet as its page loads it."""
    return Hamlet.objects.select_related("commune__district__province", "new_commune", "province",
                                         "party_cell").get(pk=hamlet.pk)


def entries_of(hamlet: Hamlet, what: str) -> list:
    return [e for e in hamlet_history(loaded(hamlet)) if e.what.startswith(what)]


@pytest.fixture
def placed(term):
    """A hamlet of an earlier commune split between two 2025 communes, placed later by someone."""
    new = NewProvinceFactory(name="Tỉnh Hà Tĩnh")
    old = CommuneFactory(name="Xã Kỳ Lợi", district__province=ProvinceFactory(name="Tỉnh Hà Tĩnh", successor=new))
    hoanh_son = NewCommuneFactory(province=new, name="Phường Hoành Sơn")
    succeed(old, hoanh_son, NewCommuneFactory(province=new, name="Phường Vũng Áng"))
    hamlet = Hamlet.objects.create(name="Thôn Đông Yên", commune=old, kind="thon", party_members=4)
    save_record(hamlet, term, kind="thon", party_members=4, party_cell=True)
    user = User.objects.create_user("hoa")
    hamlet = Hamlet.objects.get(pk=hamlet.pk)
    hamlet.new_commune = hoanh_son
    hamlet._history_user = user
    hamlet.save()
    return hamlet


def test_a_hamlet_created_then_placed_reads_with_names(placed):
    created, moved = sorted(entries_of(placed, "Thôn, xóm"), key=lambda e: e.when)
    assert created.first and created.kind == "tạo" and created.changes == []
    initial = dict(created.initial)
    assert initial["tên"] == "Thôn Đông Yên"
    assert initial["xã (trước 01/07/2025)"] == "Xã Kỳ Lợi"
    assert initial["tỉnh"] == "Tỉnh Hà Tĩnh"
    assert "xã, phường (từ 01/07/2025)" not in initial  # blank: left out of the initial state
    assert "số đảng viên" not in initial and "loại" not in initial  # the term record's, shown there
    assert not moved.first and moved.kind == "sửa" and moved.who == "hoa"
    assert moved.changes == [("xã, phường (từ 01/07/2025)", "—", "Phường Hoành Sơn")]


def test_term_record_changes_show_labels_yes_no_and_the_term(placed, term):
    save_record(placed, term, kind="xom", party_cell=False, special_area=True)
    first, change = sorted(entries_of(placed, "Thông tin thôn"), key=lambda e: e.when)
    assert first.what == "Thông tin thôn, nhiệm kỳ 2022-2025" and first.first
    assert dict(first.initial) == {"loại": "thôn", "địa bàn đặc thù": "Không", "thuộc Đề án 01": "Không",
                                   "số đảng viên": "4", "có chi bộ": "Có"}
    assert sorted(change.changes) == [("có chi bộ", "Có", "Không"), ("loại", "thôn", "xóm"),
                                      ("địa bàn đặc thù", "Không", "Có")]


def test_an_election_shows_dates_and_the_party_role_by_label(term):
    election = ChiefElectionFactory(term=term, held_on=dt.date(2022, 6, 15), chief="Lô Văn Chung",
                                    chief_member_since=None, chief_party_role="")
    election.chief_member_since = dt.date(2023, 2, 3)
    election.chief_party_role = "secretary"
    election.save()
    first, change = sorted(entries_of(election.hamlet, "Bầu trưởng thôn"), key=lambda e: e.when)
    assert first.what == "Bầu trưởng thôn 15/06/2022" and first.first
    assert dict(first.initial) == {"ngày bầu": "15/06/2022", "trưởng thôn": "Lô Văn Chung"}
    assert sorted(change.changes) == [("chức vụ trong chi bộ", "—", "Bí thư"),
                                      ("ngày vào Đảng của trưởng thôn", "—", "03/02/2023")]


def test_a_congress_names_its_term_and_a_member_reads_gender_and_dates(term):
    congress = CongressFactory(term=term, held_on=dt.date(2022, 5, 30), secretary="Vi Thị Hoa",
                               deputy_secretary="")
    hamlet = congress.cell.hamlet
    (entry,) = entries_of(hamlet, "Đại hội chi bộ")
    assert entry.what == "Đại hội chi bộ, nhiệm kỳ 2022-2025"
    assert dict(entry.initial) == {"ngày đại hội": "30/05/2022", "bí thư": "Vi Thị Hoa"}
    PartyMember.objects.create(hamlet=hamlet, full_name="Lương Thị Mai", birth_year=1990, gender="female",
                               admitted_on=dt.date(2024, 3, 3), sitting_chief=True)
    (member,) = entries_of(hamlet, "Đảng viên")
    assert dict(member.initial) == {"họ và tên": "Lương Thị Mai", "năm sinh": "1990", "giới tính": "Nữ",
                                    "ngày kết nạp": "03/03/2024", "đang là trưởng thôn khi kết nạp": "Có"}


def test_a_first_row_that_is_not_a_creation_is_the_initial_state(term):
    election = ChiefElectionFactory(term=term, held_on=dt.date(2022, 6, 15), chief="Lô Văn Chung")
    ChiefElection.history.filter(history_type="+").update(history_type="~")  # history began after it was made
    (entry,) = entries_of(election.hamlet, "Bầu trưởng thôn")
    assert entry.first and entry.kind == "bản ghi đầu tiên" and dict(entry.initial)["trưởng thôn"] == "Lô Văn Chung"


def test_saves_that_change_nothing_are_left_out_and_a_deletion_is_shown(term):
    election = ChiefElectionFactory(term=term, held_on=dt.date(2022, 6, 15), chief="Lô Văn Chung")
    election.save()
    election.save()
    hamlet = election.hamlet
    assert len(entries_of(hamlet, "Bầu trưởng thôn")) == 1
    election.delete()
    kinds = [e.kind for e in sorted(entries_of(hamlet, "Bầu trưởng thôn"), key=lambda e: e.when)]
    assert kinds == ["tạo", "xóa"]


def test_a_unit_the_page_does_not_hold_is_named_not_numbered(placed):
    other = CommuneFactory(name="Xã Kỳ Hà", district=placed.commune.district)
    placed.commune = other
    placed.save()
    change = next(e for e in entries_of(placed, "Thôn, xóm") if not e.first and e.changes[0][0].startswith("xã ("))
    assert change.changes == [("xã (trước 01/07/2025)", "Xã Kỳ Lợi", "Xã Kỳ Hà")]


def test_the_page_shows_the_readable_history(world):
    hamlet = world.hamlets["mine"]
    save_record(hamlet, world.term, party_members=12)
    page = world.client("board").get(reverse("hamlets:detail", args=[hamlet.pk]))
    html = page.content.decode()
    assert "Trạng thái ban đầu" in html
    assert "số đảng viên: 10 → 12" in html
    assert "chức vụ trong chi bộ: Phó bí thư" in html  # the election's initial state, by label
    assert "deputy" not in html
    assert f"xã (trước 01/07/2025): {hamlet.commune.name}" in html
    record = HamletTerm.objects.get(hamlet=hamlet)
    assert f"nhiệm kỳ: {record.term_id}" not in html and "Thông tin thôn, nhiệm kỳ 2022-2025" in html


def test_the_history_needs_no_query_per_entry(world, django_assert_max_num_queries):
    hamlet = world.hamlets["mine"]
    terms = list(Term.objects.all())
    page_hamlet = loaded(hamlet)
    with django_assert_max_num_queries(8) as few:  # one per model (8); every unit named is on the page already
        hamlet_history(page_hamlet, terms=terms)
    for members in range(6):
        save_record(hamlet, world.term, party_members=members)
    hamlet.commune = CommuneFactory(district=world.mine)
    hamlet.save()
    page_hamlet = loaded(hamlet)
    with django_assert_max_num_queries(len(few) + 1):  # one more: the former commune the page does not hold
        entries = hamlet_history(page_hamlet, terms=terms)
    assert len(entries) > 8
