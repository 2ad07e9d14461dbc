"""Migrations 0004-0006: the conferring_body texts already entered become ConferringBody rows."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from branches.models import Kind
from honours.models import CommendationBatch, ConferringBody, Honour, Level

from ..factories import OrganisationFactory

BEFORE = [("honours", "0003_plausible_bounds")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_each_distinct_text_becomes_one_body_and_every_row_points_at_it():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    org = OrganisationFactory(name="共青团测试区委员会", kind=Kind.DISTRICT)
    try:
        old = _migrate(BEFORE)
        OldBatch = old.get_model("honours", "CommendationBatch")
        OldHonour = old.get_model("honours", "Honour")
        OldHistory = old.get_model("honours", "HistoricalHonour")
        common = {"awarded_on": date(2024, 5, 30), "counted_on": date(2024, 5, 30), "organisation_id": org.pk}
        batch = OldBatch.objects.create(name="市级名单", level=Level.CITY, conferring_body="共青团柳州市委员会",
                                        **common)  # fmt: skip
        honours = [
            # The same body, once with stray spaces and once at a wrong level: one body, at the
            # level most of its honours carry.
            ("共青团柳州市委员会", Level.CITY, batch.pk),
            (" 共青团柳州市委员会 ", Level.CITY, None),
            ("共青团柳州市委员会", Level.PROVINCIAL, None),
            ("共青团广西壮族自治区委员会", Level.PROVINCIAL, None),
            ("", Level.DISTRICT, None),
        ]
        for i, (text, level, batch_id) in enumerate(honours):
            OldHonour.objects.create(title="优秀共青团员", level=level, conferring_body=text, batch_id=batch_id,
                                     recipient_kind="league_member", recipient_name=f"获奖人{i}", **common)  # fmt: skip
        # A body named only by a version in the history (since renamed).
        first = OldHonour.objects.order_by("pk").first()
        OldHistory.objects.create(id=first.pk, title="优秀共青团员", level=Level.CITY, conferring_body="柳州市团委",
                                  recipient_kind="league_member", recipient_name="获奖人0", recipient_count=1,
                                  organisation_id=org.pk, awarded_on=date(2024, 5, 30), direction="received",
                                  status="draft", created_at=timezone.now(), updated_at=timezone.now(),
                                  history_date=timezone.now(), history_type="+")  # fmt: skip

        _migrate(latest)

        bodies = {b.name: (b.level, b.active) for b in ConferringBody.objects.all()}
        assert bodies == {
            "共青团柳州市委员会": (Level.CITY, True),
            "共青团广西壮族自治区委员会": (Level.PROVINCIAL, True),
            "（未注明授予单位）": (Level.DISTRICT, True),
            "柳州市团委": (Level.CITY, False),
        }
        by_name = dict(Honour.objects.values_list("recipient_name", "conferring_body__name"))
        assert by_name == {
            "获奖人0": "共青团柳州市委员会",
            "获奖人1": "共青团柳州市委员会",
            "获奖人2": "共青团柳州市委员会",
            "获奖人3": "共青团广西壮族自治区委员会",
            "获奖人4": "（未注明授予单位）",
        }
        assert CommendationBatch.objects.get().conferring_body.name == "共青团柳州市委员会"
        assert Honour.history.get(history_type="+", recipient_name="获奖人0").conferring_body.name == "柳州市团委"
    finally:
        _migrate(latest)
