"""The demo command fills an empty database once (the data itself is for people)."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import F

from elections import facts, intervals
from elections.fact_models import HamletFact
from elections.models import ChiefElection, ChiefEvaluation, ChiefPlan, HamletTerm, OfficialArea
from hamlets.models import Hamlet, HamletKind

pytestmark = pytest.mark.django_db


def test_demo_data_fills_once_and_documents_accounts(capsys, tmp_path):
    call_command("demo_data")
    hamlets = Hamlet.objects.count()
    assert hamlets > 1000 and ChiefElection.objects.exists()
    assert set(Hamlet.objects.values_list("province__name", flat=True)) == {"Tỉnh Nghệ An"}
    assert set(Hamlet.objects.values_list("province__unit_list", flat=True)) == {"2025"}
    board = User.objects.get(username="thanhchuong")
    assert board.check_password("demo-cadre-2022") and board.scope.district.name == "Huyện Thanh Chương"
    # both worlds: every hamlet of the earlier list is placed (Nghệ An has no split commune), the 2025-2027 term
    # is recorded, a few former xã hamlets became tổ dân phố, a few hamlets were first entered in the 2025 list
    assert not Hamlet.objects.filter(new_commune__isnull=True).exists()
    assert HamletTerm.objects.filter(term__start_year=2025).count() == hamlets
    assert HamletTerm.objects.filter(term__start_year=2025, kind=HamletKind.TO_DAN_PHO,
                                     hamlet__commune__division_type="xã").exists()
    assert Hamlet.objects.filter(commune__isnull=True).count() == 3
    assert ChiefElection.objects.filter(term__start_year=2025, held_on__year=2026).exists()
    # the people behind the numbers: profiles, plans of non-member chiefs only, last year's ratings, officials
    assert ChiefElection.objects.filter(chief_birth_year__isnull=False, chief_minority=True).exists()
    assert ChiefPlan.objects.exists() and not ChiefPlan.objects.filter(
        hamlet__chief_elections__term=F("term"), hamlet__chief_elections__chief_key=F("chief_key"),
        hamlet__chief_elections__chief_member_since__isnull=False).exists()
    assert ChiefEvaluation.objects.filter(year=2025, rating="not completed").exists()
    assert OfficialArea.objects.filter(commune__isnull=False).exists() and intervals.mismatches() == []
    assert facts.stale() == [] and HamletFact.objects.exists()  # the rows the figures read, in step
    commune_board = User.objects.get(username="xa.hanhlam")
    assert commune_board.scope.commune.name == "Xã Hạnh Lâm" and commune_board.scope.commune.unit_list == "2025"
    call_command("demo_data")
    assert capsys.readouterr().out.endswith("Đã có dữ liệu mẫu: không làm gì.\n")
    assert Hamlet.objects.count() == hamlets
    # what each demo board downloads pre-filled imports back unchanged: no problem, nothing to write
    from elections.importing import import_workbook
    from elections.layout import choose_layout
    from elections.models import Term
    from elections.period import Period
    from elections.prefill import prefill_workbook
    from hamlets.scoping import Scope

    for username in ("thanhchuong", "xa.hanhlam"):
        user = User.objects.get(username=username)
        for term in Term.objects.all():
            path = tmp_path / f"{username}-{term.name}.xlsx"
            layout = choose_layout(Scope.of(user), Period.from_query({}).as_of, None)
            prefill_workbook(Hamlet.objects.restrict(user), term, layout).save(path)
            result = import_workbook(path, user=user, dry_run=True)
            assert [str(p) for p in result.problems][:3] == [] and result.summary.written == 0, (username, term)
