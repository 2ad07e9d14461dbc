"""The menu's badge (issue #28 item 2): a secretary sees how many of their records were returned
for correction, counted as the home page's 退回待修改 card counts them, in one query."""

import pytest
from django.urls import reverse

from activities import services as activity_services
from core.review import services as review
from core.review.models import Status as ActivityStatus
from core.review.models import Status as HonourStatus
from dashboards.boards import board_for
from dashboards.selectors import records_in_status
from honours import services as honour_services
from tests.activities.factories import ActivityFactory
from tests.honours.factories import HonourFactory

pytestmark = pytest.mark.django_db


def _badges(client) -> tuple[str | None, str | None]:
    html = client.get(reverse("activities:calendar")).content.decode()

    def badge(key):
        marker = f'id="nav-returned-{key}">'
        if marker not in html:
            return None
        return html.split(marker, 1)[1].split("<", 1)[0]

    return badge("activities"), badge("honours")


def test_the_badge_counts_returned_records_and_goes_when_they_are_fixed(
    district, staff, secretary_a, secretary_a_client, secretary_b_client
):
    activity = ActivityFactory(organisation=district.branch_a, status=ActivityStatus.SUBMITTED)
    honour = HonourFactory(organisation=district.branch_a, status=HonourStatus.SUBMITTED)
    assert _badges(secretary_a_client) == (None, None)

    review.review_return(workflow=activity_services.REVIEW, record=activity, reviewer=staff, comment="请补充照片。")
    assert _badges(secretary_a_client) == ("1", None)
    review.review_return(workflow=honour_services.honours.REVIEW, record=honour, reviewer=staff, comment="请上传证书。")
    assert _badges(secretary_a_client) == ("1", "1")
    html = secretary_a_client.get(reverse("activities:list")).content.decode()
    assert f'href="{reverse("activities:list")}?status=returned">退回待修改' in html
    assert f'href="{reverse("honours:list")}?status=returned">退回待修改' in html
    # Another subtree's secretary has nothing returned.
    assert _badges(secretary_b_client) == (None, None)

    # The same figures as the home page's card.
    board = board_for(secretary_a)
    assert [fig.value for fig in board.returned] == [1, 1]

    activity.refresh_from_db()
    review.review_submit(workflow=activity_services.REVIEW, record=activity, user=secretary_a)
    assert _badges(secretary_a_client) == (None, "1")


def test_staff_and_leaders_see_no_badge(district, staff, staff_client, leader_client):
    ActivityFactory(organisation=district.branch_a, status=ActivityStatus.RETURNED)
    for client in (staff_client, leader_client):
        assert _badges(client) == (None, None)


def test_both_counts_are_one_query(district, secretary_a, django_assert_num_queries):
    ActivityFactory(organisation=district.branch_a, status=ActivityStatus.RETURNED)
    ActivityFactory(organisation=district.branch_b, status=ActivityStatus.RETURNED)  # not hers
    HonourFactory(organisation=district.branch_a, status=HonourStatus.RETURNED)
    HonourFactory(organisation=district.branch_a, status=HonourStatus.APPROVED)
    with django_assert_num_queries(1):
        counts = records_in_status(user=secretary_a, status=ActivityStatus.RETURNED)
    assert (counts.activities, counts.honours, counts.total) == (1, 1, 2)
