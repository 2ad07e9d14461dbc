import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User
from activities import demo as activities_demo
from branches import demo as branches_demo
from branches.models import Organisation
from honours import demo as honours_demo
from members import demo as members_demo
from obligations import demo as obligations_demo
from reports import demo as reports_demo
from resources import demo as resources_demo
from submissions import demo as submissions_demo

DEMO_PASSWORD = "demo-pass-2024"
PORTAL_APPS = [
    "accounts",
    "core",
    "branches",
    "members",
    "activities",
    "honours",
    "resources",
    "reports",
    "obligations",
    "django_celery_beat",
    "axes",
]


class Command(BaseCommand):
    help = "Load the demo district of XX区 (organisations and demo users). Development only."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete existing portal data first.")
        parser.add_argument(
            "--keep", action="store_true", help="If data is already there, leave it and exit successfully."
        )
        parser.add_argument("--seed", type=int, default=2024, help="Random seed (the same seed, the same district).")

    def handle(self, *args, reset: bool, keep: bool, seed: int, **options):
        if not settings.DEBUG:
            raise CommandError("load_demo refuses to run with DEBUG off: it is for development databases only.")
        has_data = Organisation.objects.exists() or User.objects.exists()
        if has_data and not reset:
            if keep:
                self.stdout.write("Demo data already present; leaving it as it is.")
                return
            raise CommandError("The database already holds data. Use --reset to replace it with the demo district.")
        started = time.monotonic()
        with transaction.atomic():
            if reset:
                self._reset()
            rng = random.Random(seed)
            tree = branches_demo.load(rng)
            users = self._users(tree)
            records = branches_demo.load_records(random.Random(f"{seed}-records"), tree, users[0])
            roster = members_demo.load(rng, tree)
            activities = activities_demo.load(rng, tree)
            honours = honours_demo.load(rng, tree)
            resources = resources_demo.load(random.Random(f"{seed}-resources"), tree, users[0])
            reports = reports_demo.load(rng, tree)
            obligations = obligations_demo.load(rng, tree)
            asked = submissions_demo.load(rng, tree)
        counts = {
            "organisations": len(tree.all),
            "users": len(users),
            **records,
            "members": roster["members"],
            "activities": activities.activities,
            "indicator values": activities.values,
            "honours": honours,
            **resources,
            "plan items": reports.plan_items,
            "finalised reports": reports.reports,
            "organisational-life records added for the compliance mix": obligations.activities,
            "reminders sent": obligations.reminders,
            "committees asked for their summaries": asked,
        }
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded {summary} in {time.monotonic() - started:.1f}s."))

    def _reset(self) -> None:
        # Later apps first: their rows point at the earlier apps' members, organisations and users.
        submissions_demo.reset()
        obligations_demo.reset()
        reports_demo.reset()
        resources_demo.reset()  # records of organisations and activities
        honours_demo.reset()
        members_demo.reset()  # transfers refer to users, members to organisations
        User.objects.all().delete()
        activities_demo.reset()
        branches_demo.reset()

    def _users(self, tree: branches_demo.DemoTree) -> list[User]:
        specs = [
            ("staff", "李", "明", Role.STAFF, None, True),
            ("leader", "王", "建国", Role.LEADER, None, False),
            ("secretary_a", "陈", "晓燕", Role.SECRETARY, tree.subdistricts[0], False),
            ("secretary_b", "刘", "志强", Role.SECRETARY, tree.subdistricts[1], False),
        ]
        users = []
        for username, last, first, role, org, is_staff in specs:
            user = User(
                username=username,
                last_name=last,
                first_name=first,
                role=role,
                organisation=org,
                is_staff=is_staff,
                email=f"{username}@demo.youthleague.local",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            users.append(user)
        if users[0].is_staff:
            # Committee staff manage the portal's records in the admin too.
            from django.contrib.auth.models import Permission

            users[0].user_permissions.set(Permission.objects.filter(content_type__app_label__in=PORTAL_APPS))
        return users
