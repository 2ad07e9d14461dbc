from django.db import migrations


def install(apps, schema_editor):
    from obligations.defaults import install as install_defaults

    install_defaults(apps.get_model("obligations", "Obligation"), apps.get_model("activities", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [
        ("obligations", "0001_initial"),
        ("activities", "0002_standard_indicators"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
