"""Two confirmations of the same roster at once, on two real connections."""

import io
import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from members.models import Member
from members.services import imports as service

from .xlsx_helpers import roster_row, roster_xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_loser_of_two_simultaneous_confirmations_is_told_and_writes_nothing(district, staff, monkeypatch):
    content = roster_xlsx([roster_row(f"成员{i}", date(2005, 1, 1), i + 1) for i in range(20)])
    # Both check the roster (nobody is registered yet), then write together: on PostgreSQL the
    # second write waits on the first's rows, then finds their ID numbers taken.
    barrier = threading.Barrier(2, timeout=30)
    planned = service.member_import_plan

    def plan_together(*args, **kwargs):
        result = planned(*args, **kwargs)
        barrier.wait()
        return result

    monkeypatch.setattr(service, "member_import_plan", plan_together)
    results, refusals, errors = [], [], []

    def confirm():
        upload = io.BytesIO(content)
        upload.name = "花名册.xlsx"
        try:
            results.append(service.member_import(upload=upload, organisation=district.sub_a, by=staff, dry_run=False))
        except ValidationError as exc:
            refusals.append(exc.messages)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(results) == 1 and results[0].applied and results[0].created == 20
    assert len(refusals) == 1 and "名单已变化，请重新检查" in refusals[0][0]
    assert Member.objects.count() == 20
