import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("hamlets", "0003_two_lists_data"), ("elections", "0003_per_term_records_data")]
    operations = [
        migrations.AlterField(
            model_name="commune", name="province",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="communes",
                                    to="hamlets.province", verbose_name="tỉnh"),
        ),
        migrations.AlterField(
            model_name="hamlet", name="province",
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="hamlets", to="hamlets.province", verbose_name="tỉnh"),
        ),
    ]
