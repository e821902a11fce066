import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("structures", "0003_load_territories"),
    ]

    operations = [
        migrations.AddField(
            model_name="convention",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="modifié le"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="networkaffiliation",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="modifiée le"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="yearlyfigures",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="modifiés le"
            ),
            preserve_default=False,
        ),
    ]
