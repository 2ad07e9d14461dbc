from django.db import migrations


def install(apps, schema_editor):
    from activities.catalogue import install as install_catalogue

    install_catalogue(apps.get_model("activities", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
