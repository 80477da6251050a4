"""Fill the folded chief key of the elections already stored (plans and evaluations match on it)."""

from django.db import migrations

from hamlets import text


def fill_keys(apps, schema_editor):
    ChiefElection = apps.get_model("elections", "ChiefElection")
    batch = []
    for election in ChiefElection.objects.only("pk", "chief").iterator(chunk_size=2000):
        election.chief_key = text.match_key(election.chief)
        batch.append(election)
        if len(batch) >= 2000:
            ChiefElection.objects.bulk_update(batch, ["chief_key"])
            batch = []
    if batch:
        ChiefElection.objects.bulk_update(batch, ["chief_key"])


class Migration(migrations.Migration):
    dependencies = [("elections", "0007_people")]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
