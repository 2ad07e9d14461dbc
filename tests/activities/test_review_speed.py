"""Review at speed (issue #28): 通过并审核下一条 / 退回并审核下一条 lead to the next record of the
queue, in the queue's order, and to the queue once it is empty."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.review.models import Status

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(district):
    now = timezone.now()
    return [
        ActivityFactory(
            organisation=org, status=Status.SUBMITTED, submitted_at=now - timedelta(hours=10 - i), title=f"待审{i}"
        )
        for i, org in enumerate([district.branch_a, district.branch_b, district.branch_a])
    ]


def test_approve_then_next_opens_the_next_record_of_the_queue(staff_client, queue):
    first, second, third = queue
    response = staff_client.post(reverse("activities:approve", args=[first.pk]), {"then": "next"})
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:detail", args=[second.pk])
    first.refresh_from_db()
    assert first.status == Status.APPROVED
    # Returning the second leads on to the third.
    response = staff_client.post(
        reverse("activities:return", args=[second.pk]), {"then": "next", "comment": "请补充照片。"}
    )
    assert response["Location"] == reverse("activities:detail", args=[third.pk])
    # The last one: back to the (now empty) queue, saying so.
    response = staff_client.post(reverse("activities:approve", args=[third.pk]), {"then": "next"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("activities:review")
    assert "审核队列已处理完毕。" in response.content.decode()


def test_next_wraps_round_to_the_oldest_skipped_record(staff_client, queue):
    first, second, third = queue
    response = staff_client.post(reverse("activities:approve", args=[third.pk]), {"then": "next"})
    assert response["Location"] == reverse("activities:detail", args=[first.pk])


def test_plain_approve_stays_on_the_record(staff_client, queue):
    response = staff_client.post(reverse("activities:approve", args=[queue[0].pk]))
    assert response["Location"] == reverse("activities:detail", args=[queue[0].pk])


def test_detail_offers_approve_and_return_with_next(staff_client, queue):
    html = staff_client.get(reverse("activities:detail", args=[queue[0].pk])).content.decode()
    assert "通过并审核下一条" in html and "退回并审核下一条" in html


def test_secretary_cannot_approve(secretary_a_client, queue):
    response = secretary_a_client.post(reverse("activities:approve", args=[queue[0].pk]), {"then": "next"})
    assert response.status_code == 403
    queue[0].refresh_from_db()
    assert queue[0].status == Status.SUBMITTED


def test_each_queue_row_approves_its_record_and_returns_to_the_queue(staff_client, queue):
    """The queue's per-row 通过: a form of its own (outside the bulk form, so Enter in the bulk
    comment never approves a row) that posts this record and comes back to the filtered queue."""
    import re

    queue_url = reverse("activities:review") + "?kind="
    html = staff_client.get(queue_url).content.decode()
    second = queue[1]
    form = re.search(rf'<form id="approve-{second.pk}" method="post" action="([^"]+)"[^>]*>(.*?)</form>', html)
    assert form and form.group(1) == reverse("activities:approve", args=[second.pk])
    assert f'form="approve-{second.pk}"' in html
    bulk_form = html[html.index('id="bulk-review"') : html.index("</form>", html.index('id="bulk-review"'))]
    assert f'id="approve-{second.pk}"' not in bulk_form
    next_value = re.search(r'name="next" value="([^"]+)"', form.group(2)).group(1)
    response = staff_client.post(form.group(1), {"next": next_value.replace("&amp;", "&")})
    assert response["Location"] == queue_url
    second.refresh_from_db()
    assert second.status == Status.APPROVED
    assert [a.status for a in (queue[0], queue[2]) if not a.refresh_from_db()] == [Status.SUBMITTED] * 2
