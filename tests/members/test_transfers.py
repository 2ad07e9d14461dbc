"""组织关系转接: the sending side requests, the receiving side accepts; one organisation at a time."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from members import services
from members.choices import Status, TransferReason, TransferStatus
from members.models import Transfer


def request_transfer(client, member, to, **extra):
    data = {"to_organisation": to.pk if to else "", "reason": TransferReason.JOB_CHANGE, "note": "", **extra}
    return client.post(reverse("members:transfer_create", args=[member.pk]), data)


def test_sending_secretary_requests_and_receiving_secretary_accepts(
    secretary_a_client, secretary_b_client, roster, district
):
    response = request_transfer(secretary_a_client, roster.a1, district.branch_b)
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    roster.a1.refresh_from_db()
    assert transfer.status == TransferStatus.REQUESTED
    assert roster.a1.organisation == district.branch_a  # still the sender's until accepted

    listing = secretary_b_client.get(reverse("members:transfers"))
    assert [t.pk for t in listing.context["awaiting"]] == [transfer.pk]
    assert listing.context["awaiting"][0].member.id_number_masked in listing.content.decode()
    sender = secretary_a_client.get(reverse("members:transfers"))
    assert [t.pk for t in sender.context["sent"]] == [transfer.pk] and sender.context["awaiting"] == []

    secretary_b_client.post(reverse("members:transfer_accept", args=[transfer.pk]), {"note": "同意"})
    transfer.refresh_from_db()
    roster.a1.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED and transfer.decided_by.username == "secretary_b"
    assert roster.a1.organisation == district.branch_b and roster.a1.status == Status.ACTIVE
    # Now the member belongs to B: A no longer sees them, B does.
    assert secretary_a_client.get(reverse("members:detail", args=[roster.a1.pk])).status_code == 404
    assert secretary_b_client.get(reverse("members:detail", args=[roster.a1.pk])).status_code == 200
    # History is kept on both the transfer and the member.
    assert roster.a1.history.first().organisation_id == district.branch_b.pk


def test_the_sender_cannot_accept_and_the_receiver_cannot_cancel(
    secretary_a_client, secretary_b_client, roster, district
):
    request_transfer(secretary_a_client, roster.a1, district.branch_b)
    transfer = Transfer.objects.get()
    assert secretary_a_client.post(reverse("members:transfer_accept", args=[transfer.pk])).status_code == 403
    assert secretary_b_client.post(reverse("members:transfer_cancel", args=[transfer.pk])).status_code == 403
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REQUESTED


def test_the_receiver_returns_with_a_reason_and_the_member_stays(
    secretary_a_client, secretary_b_client, roster, district
):
    request_transfer(secretary_a_client, roster.a1, district.branch_b)
    transfer = Transfer.objects.get()
    secretary_b_client.post(reverse("members:transfer_reject", args=[transfer.pk]), {"note": ""})
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.REQUESTED  # a return needs a reason
    secretary_b_client.post(reverse("members:transfer_reject", args=[transfer.pk]), {"note": "查无此人"})
    transfer.refresh_from_db()
    roster.a1.refresh_from_db()
    assert transfer.status == TransferStatus.REJECTED and roster.a1.organisation == district.branch_a


def test_the_sender_withdraws(secretary_a_client, roster, district):
    request_transfer(secretary_a_client, roster.a1, district.branch_b)
    transfer = Transfer.objects.get()
    secretary_a_client.post(reverse("members:transfer_cancel", args=[transfer.pk]))
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.CANCELLED
    # Settled transfers are not settled twice.
    with pytest.raises(ValidationError):
        services.transfer_accept(transfer=transfer, by=transfer.requested_by)


def test_only_one_pending_transfer_per_member(secretary_a_client, roster, district):
    request_transfer(secretary_a_client, roster.a1, district.branch_b)
    response = request_transfer(secretary_a_client, roster.a1, district.sub_b)
    assert response.status_code == 200 and "已有待接收" in str(response.context["form"].errors)
    assert Transfer.objects.count() == 1


def test_a_pending_transfer_blocks_moving_the_member_by_hand(staff, roster, district):
    services.transfer_request(
        member=roster.a1, by=staff, reason=TransferReason.OTHER, to_organisation=district.branch_b
    )
    with pytest.raises(ValidationError) as exc:
        services.member_update(member=roster.a1, organisation=district.sub_a)
    assert "organisation" in exc.value.message_dict


def test_leaving_the_district_is_recorded_by_staff(staff, staff_client, secretary_a_client, roster, district):
    request_transfer(secretary_a_client, roster.a1, None, external_destination="共青团柳州市鱼峰区委员会")
    transfer = Transfer.objects.get()
    assert transfer.is_external
    assert secretary_a_client.post(reverse("members:transfer_accept", args=[transfer.pk])).status_code == 403
    services.cadre_appoint(
        member=roster.a1,
        organisation=district.branch_a,
        kind="part_time",
        position="组织委员",
        started_on=roster.a1.joined_league_on,
    )
    staff_client.post(reverse("members:transfer_accept", args=[transfer.pk]))
    roster.a1.refresh_from_db()
    assert roster.a1.status == Status.TRANSFERRED_OUT and roster.a1.organisation == district.branch_a
    assert roster.a1.cadre_appointments.get().ended_on is not None  # posts in the district end


def test_a_young_pioneer_cannot_be_sent_to_a_league_branch(staff, district):
    from branches.models import Kind

    from ..factories import MemberFactory, OrganisationFactory

    brigade = OrganisationFactory(name="大队", kind=Kind.BRIGADE, parent=district.root)
    pioneer = MemberFactory(category="young_pioneer", organisation=brigade)
    with pytest.raises(ValidationError):
        services.transfer_request(
            member=pioneer, by=staff, reason=TransferReason.STUDY, to_organisation=district.branch_b
        )


def test_transfer_refusals(secretary_b_client, leader_client, client, secretary_a_client, roster, district):
    url = reverse("members:transfer_create", args=[roster.a1.pk])
    assert secretary_b_client.get(url).status_code == 404  # not theirs to send
    assert leader_client.get(url).status_code == 403
    assert client.get(url).status_code == 302
    request_transfer(secretary_a_client, roster.a1, district.sub_a)  # within A's own subtree
    transfer = Transfer.objects.get()
    # B is neither side of this transfer: it does not exist for them.
    assert secretary_b_client.post(reverse("members:transfer_accept", args=[transfer.pk])).status_code == 404
    assert leader_client.post(reverse("members:transfer_accept", args=[transfer.pk])).status_code == 403
    assert secretary_a_client.get(reverse("members:transfer_accept", args=[transfer.pk])).status_code == 405
    assert transfer not in secretary_b_client.get(reverse("members:transfers")).context["sent"]


def test_service_refuses_a_sender_outside_scope(secretary_b, roster, district):
    with pytest.raises(PermissionDenied):
        services.transfer_request(
            member=roster.a1, by=secretary_b, reason=TransferReason.OTHER, to_organisation=district.branch_b
        )


def test_the_list_reads_pending_transfers_once_however_many_there_are(
    staff_client, secretary_a_client, roster, district, django_assert_max_num_queries
):
    for member in (roster.a1, roster.a2):
        assert request_transfer(secretary_a_client, member, district.branch_b).status_code == 302
    decided = Transfer.objects.filter(member=roster.a2).get()
    services.transfer_cancel(transfer=decided, by=decided.requested_by)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = secretary_a_client.get(reverse("members:transfers"))
    pending = '"members_transfer"."status" = \'requested\''
    pending_reads = [q for q in queries.captured_queries if pending in q["sql"] and f"NOT ({pending}" not in q["sql"]]
    assert len(pending_reads) == 1
    assert [t.member for t in page.context["sent"]] == [roster.a1]
    assert [t.member for t in page.context["history"]] == [roster.a2]
    with django_assert_max_num_queries(12):
        page = staff_client.get(reverse("members:transfers"))
    assert [t.member for t in page.context["awaiting"]] == [roster.a1] and page.context["sent"] == []


def test_the_history_table_shows_each_decided_transfer(secretary_a_client, roster, district):
    """The history rows: member, both ends, the outcome and who decided when."""
    page = secretary_a_client.get(reverse("members:transfers")).content.decode()
    assert '<tr><td colspan="5" class="text-muted">没有记录。</td></tr>' in page.replace("\n", "").replace("  ", "")
    assert request_transfer(secretary_a_client, roster.a2, district.branch_b).status_code == 302
    decided = Transfer.objects.get(member=roster.a2)
    services.transfer_cancel(transfer=decided, by=decided.requested_by)
    decided.refresh_from_db()
    html = secretary_a_client.get(reverse("members:transfers")).content.decode()
    history = html.split('id="transfers-history"')[1].split("</table>")[0]
    by = decided.decided_by.get_full_name() or decided.decided_by.username
    for text in (roster.a2.name, decided.from_organisation.name, district.branch_b.name, decided.get_status_display()):
        assert f"<td>{text}</td>" in history
    assert f"<small>{timezone.localtime(decided.decided_at):%Y-%m-%d} {by}</small>" in history
    assert "没有记录" not in history


# --- Issue #28: the destination is typed for, and a member past 28 is warned of --------------


def test_the_destination_is_a_type_ahead_over_the_whole_district(secretary_a_client, roster, district):
    import re

    html = secretary_a_client.get(reverse("members:transfer_create", args=[roster.a1.pk])).content.decode()
    select = re.search(r'<select name="to_organisation"[^>]*>', html).group(0)
    assert 'data-org-picker="' + reverse("branches:pick", args=["destinations_league"]) + '"' in select
    assert f'<option value="{district.branch_b.pk}"' not in html  # searched for, not listed
    # The search reaches outside the secretary's subtree, as the transfer may.
    found = secretary_a_client.get(reverse("branches:pick", args=["destinations_league"]), {"q": "乙社区"}).json()
    assert [r["name"] for r in found["results"]] == [district.branch_b.name]
    # ...and the choice is still the server's to accept.
    response = request_transfer(secretary_a_client, roster.a1, district.branch_b)
    assert response.status_code == 302


def test_a_member_past_28_is_warned_of_ageing_out(secretary_a_client, roster, district):
    from datetime import date

    from tests.factories import MemberFactory, make_id_number

    page = secretary_a_client.get(reverse("members:transfer_create", args=[roster.a1.pk])).content.decode()
    assert 'id="over-age"' not in page
    old = MemberFactory(
        name="赵老成",
        organisation=district.branch_a,
        birth_date=date(1990, 1, 2),
        id_number=make_id_number(date(1990, 1, 2), 77),
    )
    page = secretary_a_client.get(reverse("members:transfer_create", args=[old.pk])).content.decode()
    assert 'id="over-age"' in page
    assert f"赵老成已满28周岁（现年 {old.age} 岁）。按照团章规定" in page
    assert reverse("members:ageing") in page
