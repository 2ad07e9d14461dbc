from django.db import migrations

from core.schedules import hourly_task


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [hourly_task("清理未确认的花名册导入（每小时）", "members.purge_stale_imports")]
