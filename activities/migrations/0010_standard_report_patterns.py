from django.db import migrations


def install(apps, schema_editor):
    # The yearly indicators a summary states, and every standard indicator's sentence pattern.
    from activities.catalogue import install as install_catalogue

    install_catalogue(apps.get_model("activities", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0009_indicator_report_patterns")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
