"""Every honours page, opened by every persona: no server error anywhere, and the scope holds."""

from datetime import date

import pytest
from django.urls import reverse

from core.review.models import Status
from honours.models import Level, RecipientKind

from ..factories import MemberFactory
from .factories import BatchFactory, HonourFactory


@pytest.fixture
def records(district):
    member = MemberFactory(name="蓝天", organisation=district.branch_a)
    mine = HonourFactory(title="甲", member=member, recipient_name="蓝天", organisation=district.branch_a,
                         status=Status.DRAFT, level=Level.NATIONAL)  # fmt: skip
    theirs = HonourFactory(title="乙", organisation=district.branch_b, status=Status.APPROVED)
    own_list = BatchFactory(organisation=district.sub_a, status=Status.DRAFT)
    HonourFactory(batch=own_list, organisation=district.branch_a)
    shared = BatchFactory(organisation=district.root, status=Status.APPROVED, awarded_on=date(2024, 5, 30))
    HonourFactory(batch=shared, organisation=district.branch_a)
    HonourFactory(batch=shared, organisation=district.branch_b)
    HonourFactory(batch=shared, recipient_name="", recipient_count=30, recipient_kind=RecipientKind.YOUNG_PIONEER,
                  organisation=district.root)  # fmt: skip
    return {"mine": mine, "theirs": theirs, "own_list": own_list, "shared": shared}


def pages(records) -> dict[str, str]:
    mine, theirs, own_list, shared = records["mine"], records["theirs"], records["own_list"], records["shared"]
    return {
        "list": reverse("honours:list"),
        "list_filtered": reverse("honours:list") + "?period=2024-H1&level=national&q=甲&status=draft",
        "list_bad_filter": reverse("honours:list") + "?start=not-a-date&organisation=abc",
        "summary": reverse("honours:summary") + "?period=2024-H1",
        "summary_bad": reverse("honours:summary") + "?start=2024-06-30&end=2024-01-01",
        "create": reverse("honours:create"),
        "create_search": reverse("honours:create") + "?q=甲",
        "mine": reverse("honours:detail", args=[mine.pk]),
        "mine_edit": reverse("honours:update", args=[mine.pk]),
        "theirs": reverse("honours:detail", args=[theirs.pk]),
        "batches": reverse("honours:batch_list") + "?status=approved&level=city&q=名单",
        "batch_create": reverse("honours:batch_create"),
        "own_list": reverse("honours:batch_detail", args=[own_list.pk]),
        "own_list_pick": reverse("honours:batch_pick", args=[own_list.pk]) + "?q=蓝",
        "own_list_count": reverse("honours:batch_count", args=[own_list.pk]),
        "own_list_upload": reverse("honours:batch_upload", args=[own_list.pk]),
        "own_list_edit": reverse("honours:batch_update", args=[own_list.pk]),
        "shared": reverse("honours:batch_detail", args=[shared.pk]),
        "template": reverse("honours:batch_template"),
    }


EXPECTED = {
    "staff": {"mine_edit": 200},
    "leader": {"create": 403, "create_search": 403, "mine_edit": 403, "batch_create": 403, "own_list_pick": 403,
               "own_list_count": 403, "own_list_upload": 403, "own_list_edit": 403, "template": 403},
    "secretary_a": {"theirs": 404},
    "secretary_b": {"mine": 404, "mine_edit": 404, "own_list": 404, "own_list_pick": 404, "own_list_count": 404,
                    "own_list_upload": 404, "own_list_edit": 404},
}  # fmt: skip


@pytest.mark.parametrize("persona", ["staff", "leader", "secretary_a", "secretary_b"])
def test_every_page_answers_as_the_rules_say(request, records, persona):
    client = request.getfixturevalue(f"{persona}_client")
    for name, url in pages(records).items():
        response = client.get(url)
        assert response.status_code == EXPECTED[persona].get(name, 200), (persona, name, response.status_code)


def test_the_shared_list_shows_each_secretary_only_their_part(secretary_a_client, secretary_b_client, records):
    url = reverse("honours:batch_detail", args=[records["shared"].pk])
    a = secretary_a_client.get(url).context["recipients"].honours
    b = secretary_b_client.get(url).context["recipients"].honours
    assert len(a) == len(b) == 1 and a[0].organisation != b[0].organisation
