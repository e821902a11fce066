from django.db import migrations


def load(apps, schema_editor):
    from structures.reference import load_territories

    load_territories(apps.get_model("structures", "Region"), apps.get_model("structures", "Department"))


class Migration(migrations.Migration):
    dependencies = [("structures", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
