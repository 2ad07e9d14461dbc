from django.db import migrations

from core.schedules import hourly_task


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0012_activity_attendees"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [hourly_task("清理未保存的活动表单照片和附件（每小时）", "activities.purge_pending_files")]
