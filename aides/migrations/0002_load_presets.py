from django.db import migrations


def load(apps, schema_editor):
    from aides.services import presets_load

    presets_load(apps.get_model("aides", "AidScheme"), apps.get_model("aides", "ParameterVersion"))


class Migration(migrations.Migration):
    dependencies = [("aides", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
