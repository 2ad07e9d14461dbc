from django.core.management.base import BaseCommand

from activities.services import activity_pending_files_purge


class Command(BaseCommand):
    help = (
        "Delete the files kept for activity forms that came back with an error and were never "
        "saved, once older than a day (the same service Celery beat runs hourly). Ends with: deleted=N."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"deleted={activity_pending_files_purge()}")
