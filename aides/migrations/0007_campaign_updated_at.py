import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aides", "0006_campaign_scheme_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="modifié le"
            ),
            preserve_default=False,
        ),
    ]
