from django.db import migrations


def install(apps, schema_editor):
    # The catalogue installs what is missing: here the 合格 / 基本合格 / 不合格 grades of 团员教育评议.
    from activities.catalogue import install as install_catalogue

    install_catalogue(apps.get_model("activities", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("activities", "0007_campaign_phrase")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
