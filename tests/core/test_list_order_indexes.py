"""The largest lists' first pages are read in index order, not sorted: a city has a million
activities and many share a day, so an index on the date alone left each day's rows to be read
whole and sorted by id before the first fifty could be cut."""

import pytest
from django.db import connection

from activities.models import Activity
from honours.models import Honour


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Activity, Honour], ids=lambda model: model.__name__)
def test_the_default_order_is_an_index_scan_without_a_sort(model):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's query plan")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table would be scanned
    plan = model.objects.order_by(*model._meta.ordering)[:50].explain()
    assert "Index Scan Backward" in plan and "Sort" not in plan, plan
