"""Letter settings become versions (issue 16, finding 7): the row in use is kept as version 1
(recorded when it was last changed, by nobody known), and the letters already stored by a
batch are marked as rendered with it."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

FIRST_REASON = "Paramètres en vigueur avant l'historique des versions."


def number_existing_rows(apps, schema_editor):
    LetterSettings = apps.get_model("aides", "LetterSettings")
    BatchItem = apps.get_model("aides", "BatchItem")
    rows = list(LetterSettings.objects.order_by("pk"))
    for number, row in enumerate(rows, start=1):
        LetterSettings.objects.filter(pk=row.pk).update(
            number=number, created_at=row.updated_at, reason=FIRST_REASON
        )
    if rows:
        BatchItem.objects.exclude(letter="").update(letter_settings=rows[-1].pk)


class Migration(migrations.Migration):
    dependencies = [
        ("aides", "0010_document_scan_state"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="lettersettings",
            name="number",
            field=models.PositiveIntegerField(null=True, verbose_name="version"),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="created_at",
            field=models.DateTimeField(
                default=django.utils.timezone.now, verbose_name="enregistrée le"
            ),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="par",
            ),
        ),
        migrations.AddField(
            model_name="lettersettings",
            name="reason",
            field=models.TextField(default="", verbose_name="motif"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="batchitem",
            name="letter_settings",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="aides.lettersettings",
                verbose_name="paramètres des courriers",
            ),
        ),
        migrations.RunPython(number_existing_rows, migrations.RunPython.noop),
    ]
