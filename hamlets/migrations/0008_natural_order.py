"""Natural order of names (``Khối 2`` before ``Khối 10``): a stored sort key on every named unit,
filled here for the rows that exist."""

from django.db import migrations, models

from hamlets import text

BATCH = 2000


def fill_sort_keys(apps, schema_editor):
    for name in ("Province", "District", "Commune", "Hamlet"):
        model = apps.get_model("hamlets", name)
        batch = []
        for unit in model.objects.only(model._meta.pk.name, "name").order_by(model._meta.pk.name).iterator(chunk_size=BATCH):
            unit.name_sort = text.sort_key(unit.name)
            batch.append(unit)
            if len(batch) == BATCH:
                model.objects.bulk_update(batch, ["name_sort"])
                batch = []
        model.objects.bulk_update(batch, ["name_sort"])


class Migration(migrations.Migration):

    dependencies = [
        ('hamlets', '0007_national_scope'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='hamlet',
            options={'ordering': ['commune__district__code', 'commune__code', 'new_commune__code', 'name_sort', 'pk'], 'verbose_name': 'thôn, xóm', 'verbose_name_plural': 'thôn, xóm'},
        ),
        migrations.AddField(
            model_name='commune',
            name='name_sort',
            field=models.CharField(db_index=True, default='', editable=False, max_length=250),
        ),
        migrations.AddField(
            model_name='district',
            name='name_sort',
            field=models.CharField(db_index=True, default='', editable=False, max_length=250),
        ),
        migrations.AddField(
            model_name='hamlet',
            name='name_sort',
            field=models.CharField(db_index=True, default='', editable=False, max_length=250),
        ),
        migrations.AddField(
            model_name='province',
            name='name_sort',
            field=models.CharField(db_index=True, default='', editable=False, max_length=250),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
    ]
