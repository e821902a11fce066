"""Letter settings as versions, second step: the numbers are set (0011), each is unique and
positive, and a version is never updated (no ``updated_at``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aides", "0011_letter_settings_versions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="lettersettings",
            name="number",
            field=models.PositiveIntegerField(unique=True, verbose_name="version"),
        ),
        migrations.RemoveField(model_name="lettersettings", name="updated_at"),
        migrations.AlterModelOptions(
            name="lettersettings",
            options={
                "ordering": ["-number"],
                "verbose_name": "paramètres des courriers",
                "verbose_name_plural": "paramètres des courriers",
            },
        ),
        migrations.AddConstraint(
            model_name="lettersettings",
            constraint=models.CheckConstraint(
                condition=models.Q(number__gte=1), name="letter_settings_version_positive"
            ),
        ),
    ]
