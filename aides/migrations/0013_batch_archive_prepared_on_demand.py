"""A letters batch no longer writes a ZIP of its letters: the archive is prepared when
someone asks for it (``aides.prepared``, issue 16, build 3), kept a day, then purged.
Archives written before stay in the media folder, unreferenced."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("aides", "0012_letter_settings_versions_unique"),
    ]

    operations = [
        migrations.RemoveField(model_name="batch", name="archive"),
    ]
