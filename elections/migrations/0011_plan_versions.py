# Plans and evaluations are edited on web forms: they lock on a version like every other form.

import django.utils.timezone
from django.db import migrations, models


def versioned(model: str, historical: bool = False) -> list:
    updated = (models.DateTimeField(blank=True, default=django.utils.timezone.now, editable=False,
                                    verbose_name="sửa lúc") if historical else
               models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="sửa lúc"))
    return [
        migrations.AddField(model_name=model, name="version",
                            field=models.PositiveIntegerField(default=1, editable=False, verbose_name="phiên bản")),
        migrations.AddField(model_name=model, name="updated_at",
                            field=updated, preserve_default=False),
    ]


class Migration(migrations.Migration):

    dependencies = [
        ("elections", "0010_intervals_data"),
    ]

    operations = [
        *versioned("chiefplan"),
        *versioned("historicalchiefplan", historical=True),
        *versioned("chiefevaluation"),
        *versioned("historicalchiefevaluation", historical=True),
    ]
