"""``generate_national``: plausible data over the real units of both lists, both terms, refused over
hamlets it did not write (issue 11, item 1). Small sizes on SQLite (bulk_create); COPY is PostgreSQL's."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from elections import facts, intervals
from elections.fact_models import HamletFact
from elections.figures import Figures
from elections.models import AdmissionTarget, ChiefElection, Congress, HamletTerm, Target, Term
from elections.national_data.generate import MARK, wipe
from elections.people_models import ChiefEvaluation, ChiefPlan, Official
from hamlets import text
from hamlets.models import Commune, CommuneSuccession, District, Hamlet, PartyCell, PartyMember, Province, UnitList

from .factories import CommuneFactory, HamletFactory, NewCommuneFactory, succeed

HAMLETS, MEMBERS = 400, 9_000


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Hà Nam (earlier list; some of its communes were split in 2025) and Ninh Bình (2025), generated once."""
    with django_db_blocker.unblock():
        call_command("load_admin_units", province=["Hà Nam"], stdout=io.StringIO())
        out = io.StringIO()
        call_command("generate_national", hamlets=HAMLETS, members=MEMBERS, seed=5, quiet=True, stdout=out)
        yield out.getvalue()
        wipe()  # and everything else it wrote outside the tests' transactions, so later tests start empty
        for model in (Official, Term):
            model.objects.all().delete()
        for model in (CommuneSuccession, Commune, District):
            model.objects.all().delete()
        Province.objects.filter(successor__isnull=False).delete()
        Province.objects.all().delete()


@pytest.mark.django_db
def test_counts_and_both_terms(generated):
    assert Hamlet.objects.count() == HAMLETS
    assert PartyMember.objects.count() == MEMBERS
    assert "400 hamlets" in generated and "9,000 party members" in generated
    assert set(Term.objects.values_list("start_year", "end_year")) >= {(2022, 2025), (2025, 2027)}
    early, late = Term.objects.get(start_year=2022), Term.objects.get(start_year=2025)
    assert HamletTerm.objects.filter(term=early).count() == HamletTerm.objects.filter(term=late).count() == HAMLETS
    # every hamlet lies in an earlier commune; placed where the conversion table names exactly one 2025 commune
    assert not Hamlet.objects.filter(commune__isnull=True).exists()
    single = CommuneSuccession.objects.values("old_id").annotate(n=Count("id")).filter(n=1).values("old_id")
    assert not Hamlet.objects.filter(commune_id__in=single, new_commune__isnull=True).exists()
    assert Hamlet.objects.filter(new_commune__isnull=True).exists()  # split communes' hamlets wait
    assert not Hamlet.objects.exclude(commune_id__in=single).filter(new_commune__isnull=False).exists()
    assert not Hamlet.objects.exclude(province__unit_list=UnitList.NEW).exists()
    for term in (early, late):
        assert ChiefElection.objects.filter(term=term).count() > HAMLETS * 0.8
        assert Congress.objects.filter(term=term, held_on__isnull=False).count() > HAMLETS * 0.6
    # by-elections, chiefs admitted after their election (with their admission), inactive cells
    assert ChiefElection.objects.values("hamlet", "term").annotate(n=Count("id")).filter(n__gt=1).exists()
    late_members = ChiefElection.objects.filter(chief_member_since__gt=F("held_on"))
    assert late_members.exists()
    assert PartyMember.objects.filter(sitting_chief=True).count() >= 1
    assert PartyCell.objects.filter(active=False).exists()
    assert PartyMember.objects.filter(admitted_on__year__gte=2022).count() > MEMBERS * 0.05
    assert Target.objects.filter(district__isnull=True, commune__isnull=True).exists()
    assert Target.objects.filter(district__isnull=False).exists() or District.objects.count() < 5
    assert AdmissionTarget.objects.filter(district__isnull=False).exists()
    assert AdmissionTarget.objects.filter(commune__isnull=False).exists()
    assert ChiefPlan.objects.exists() and ChiefEvaluation.objects.exists()


@pytest.mark.django_db
def test_derived_columns_as_save_fills_them(generated):
    """Rows written without ``save()`` carry what ``save()`` would have derived."""
    assert intervals.mismatches() == []  # the figures' interval columns too
    assert facts.stale() == [] and HamletFact.objects.exists()  # and the facts rows they read
    for hamlet in Hamlet.objects.all()[:50]:
        assert (hamlet.name_key, hamlet.search, hamlet.name_sort) == (
            text.match_key(hamlet.name), text.search_key(hamlet.name), text.sort_key(hamlet.name))
        assert hamlet.updated_at == MARK
        record = hamlet.term_records.get(term__start_year=2025)
        assert (hamlet.party_members, hamlet.special_area, hamlet.kind) == (
            record.party_members, record.special_area, record.kind)
    for election in ChiefElection.objects.all()[:100]:
        assert election.chief_key == text.match_key(election.chief)
        assert election.chief_minority == text.is_minority(election.chief_ethnicity)
    assert ChiefElection.objects.filter(chief_minority=True).exists() or \
        ChiefElection.objects.filter(chief_ethnicity="Kinh").exists()
    for congress in Congress.objects.all()[:100]:
        assert congress.secretary_minority == text.is_minority(congress.secretary_ethnicity)
    for member in PartyMember.objects.all()[:200]:
        assert (member.name_key, member.search) == (text.match_key(member.full_name),
                                                    text.search_key(member.full_name))
    for plan in ChiefPlan.objects.all()[:50]:
        assert plan.chief_key == text.match_key(plan.chief)
        assert ChiefElection.objects.filter(hamlet=plan.hamlet, term=plan.term, chief_key=plan.chief_key).exists()


@pytest.mark.django_db
def test_figures_are_computable_for_both_terms(generated):
    early, late = Term.objects.get(start_year=2022), Term.objects.get(start_year=2025)
    total = Figures(Hamlet.objects.all(), early, dt.date(2022, 12, 31)).total()
    assert total["elections"].denominator == HAMLETS
    assert 0 < total["elections"].numerator < HAMLETS
    assert 0 < total["congresses"].numerator <= total["congresses"].denominator
    by_district = Figures(Hamlet.objects.all(), early, dt.date(2022, 12, 31)).by("district")
    assert sum(r["elections"].denominator for r in by_district.values()) == HAMLETS
    by_commune = Figures(Hamlet.objects.all(), late, dt.date(2026, 6, 30)).by("new_commune")
    assert sum(r["elections"].denominator for r in by_commune.values()) == HAMLETS
    assert None in by_commune  # the unplaced hamlets, grouped apart
    elected = Hamlet.objects.filter(Q(chief_elections__term=late, chief_elections__held_on__lte=dt.date(2026, 6, 30)))
    assert sum(r["elections"].numerator for r in by_commune.values()) == elected.distinct().count()


@pytest.mark.django_db
def test_refuses_hamlets_it_did_not_generate(term):
    HamletFactory(name="Xóm Chợ")
    with pytest.raises(CommandError, match="--force"):
        call_command("generate_national", hamlets=5, members=10, quiet=True, stdout=io.StringIO())
    assert Hamlet.objects.filter(name="Xóm Chợ").exists()


@pytest.mark.django_db
def test_force_replaces_them_and_a_second_run_needs_no_force(term):
    HamletFactory(name="Xóm Chợ")
    old = CommuneFactory()
    succeed(old, NewCommuneFactory())
    call_command("generate_national", hamlets=300, members=3000, force=True, quiet=True, stdout=io.StringIO())
    assert not Hamlet.objects.filter(name="Xóm Chợ").exists()
    assert Hamlet.objects.count() == 300 and not Hamlet.objects.exclude(updated_at=MARK).exists()
    assert PartyMember.objects.count() == 3000
    assert Hamlet.objects.filter(commune=old).exists()  # the factory's units are used as well as any loaded
    assert not Hamlet.objects.filter(commune=old, new_commune__isnull=True).exists()
    call_command("generate_national", hamlets=20, members=100, quiet=True, stdout=io.StringIO())  # its own data
    assert Hamlet.objects.count() == 20 and PartyMember.objects.count() == 100


@pytest.mark.django_db
def test_a_prefilled_workbook_of_the_generated_data_imports_back_without_a_problem(generated, tmp_path):
    """What a board downloads pre-filled and uploads unchanged: no problem and nothing to write, for both
    terms in their own layout (a chief who is the cell's secretary carries the secretary's profile)."""
    from elections.importing import import_workbook
    from elections.layout import EARLIER, NEW
    from elections.prefill import prefill_workbook

    for term, layout in ((Term.objects.get(start_year=2022), EARLIER), (Term.objects.get(start_year=2025), NEW)):
        path = tmp_path / f"{term.name}.xlsx"
        prefill_workbook(Hamlet.objects.all(), term, layout).save(path)
        result = import_workbook(path, dry_run=True)
        assert [str(p) for p in result.problems][:5] == [], term
        assert result.summary.rows["Hamlets"] > HAMLETS * 0.9 and result.summary.written == 0, (
            term, result.summary_line)
