import uuid

from django.db import migrations, models


def fill_uuids(apps, schema_editor):
    StructureActivity = apps.get_model("structures", "StructureActivity")
    rows = list(StructureActivity.objects.only("pk"))
    for row in rows:
        row.uuid = uuid.uuid4()
    StructureActivity.objects.bulk_update(rows, ["uuid"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("structures", "0008_activities")]

    operations = [
        migrations.AddField(
            model_name="structureactivity",
            name="uuid",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="structureactivity",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
        migrations.AlterField(
            model_name="structureactivity",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, db_index=True, verbose_name="modifiée le"),
        ),
    ]
