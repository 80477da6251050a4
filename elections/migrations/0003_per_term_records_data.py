"""Existing data becomes the 2022-2025 term's record of each hamlet; targets name 2025 provinces."""

from django.db import migrations


def forwards(apps, schema_editor):
    Hamlet = apps.get_model("hamlets", "Hamlet")
    PartyCell = apps.get_model("hamlets", "PartyCell")
    Province = apps.get_model("hamlets", "Province")
    Term = apps.get_model("elections", "Term")
    HamletTerm = apps.get_model("elections", "HamletTerm")
    Target = apps.get_model("elections", "Target")
    for target in Target.objects.select_related("province"):
        if target.province.successor_id:
            target.province_id = target.province.successor_id
            target.save(update_fields=["province"])
    if not Hamlet.objects.exists():
        return
    term, _created = Term.objects.get_or_create(start_year=2022, end_year=2025)
    cells = set(PartyCell.objects.filter(active=True).values_list("hamlet_id", flat=True))
    done = set(HamletTerm.objects.filter(term=term).values_list("hamlet_id", flat=True))
    records = [HamletTerm(hamlet_id=h.pk, term=term, kind=h.kind, special_area=h.special_area, project01=h.project01,
                          party_members=h.party_members, party_cell=h.pk in cells)
               for h in Hamlet.objects.exclude(pk__in=done).iterator()]
    HamletTerm.objects.bulk_create(records, batch_size=2000)
    del Province


class Migration(migrations.Migration):
    dependencies = [("elections", "0002_per_term_records"), ("hamlets", "0003_two_lists_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
