"""Fill the interval columns of the elections and term records already stored."""

from django.db import migrations


def fill(apps, schema_editor):
    from elections.intervals import relink

    relink(None, elections=apps.get_model("elections", "ChiefElection"),
           records=apps.get_model("elections", "HamletTerm"), terms=apps.get_model("elections", "Term"),
           with_facts=False)  # no facts table yet: 0012 makes and fills it


class Migration(migrations.Migration):
    dependencies = [("elections", "0009_intervals")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
