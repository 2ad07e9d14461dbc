from django.db import migrations

from core.schedules import hourly_task


class Migration(migrations.Migration):
    dependencies = [
        ("honours", "0007_batch_import"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [hourly_task("清理未确认的表彰名单导入（每小时）", "honours.purge_stale_imports")]
