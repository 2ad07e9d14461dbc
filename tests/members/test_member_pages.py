"""The roster's pages: list, lookup, detail, create, edit and the full-ID reveal, with their refusals."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditAction, AuditEvent
from members.choices import Category, Status
from members.models import Member

from ..factories import MemberFactory, make_id_number


def names(response) -> set[str]:
    return {m.name for m in response.context["page"].rows}


# --- list --------------------------------------------------------------------------------


def test_staff_list_shows_the_whole_district_and_secretary_only_their_subtree(
    staff_client, secretary_a_client, leader_client, roster
):
    assert names(staff_client.get(reverse("members:list"))) == {"张伟", "李娜", "王强"}
    assert names(leader_client.get(reverse("members:list"))) == {"张伟", "李娜", "王强"}
    response = secretary_a_client.get(reverse("members:list"))
    assert names(response) == {"张伟", "李娜"}
    assert "王强" not in response.content.decode()


def test_list_never_shows_full_id_numbers(staff_client, roster):
    content = staff_client.get(reverse("members:list")).content.decode()
    assert roster.a1.id_number_masked in content
    assert roster.a1.decrypt_id_number() not in content


def test_list_refuses_another_subtrees_organisation_as_filter(secretary_a_client, district, roster):
    response = secretary_a_client.get(reverse("members:list"), {"org": district.sub_b.pk})
    assert response.context["form"].errors["org"]
    assert names(response) == set()


def test_list_filters(staff_client, district, roster):
    url = reverse("members:list")
    assert names(staff_client.get(url, {"org": district.sub_b.pk})) == {"王强"}
    assert names(staff_client.get(url, {"category": Category.YOUTH})) == {"李娜"}
    assert names(staff_client.get(url, {"q": "张"})) == {"张伟"}
    assert names(staff_client.get(url, {"joined_from": "2017-01-01", "joined_to": "2019-12-31"})) == {"王强"}
    assert names(staff_client.get(url, {"age": "28plus"})) == {"李娜"}
    Member.objects.filter(pk=roster.a1.pk).update(status=Status.WITHDRAWN)
    assert names(staff_client.get(url, {"status": Status.WITHDRAWN})) == {"张伟"}


def test_age_band_follows_the_birthday_in_beijing_time(staff_client, district, time_machine):
    MemberFactory(name="今天满28", organisation=district.branch_a, birth_date=date(1998, 3, 1))
    # 2026-02-28 16:30 UTC is already 1 March 00:30 in Beijing.
    time_machine.move_to("2026-02-28T16:30:00Z")
    assert names(staff_client.get(reverse("members:list"), {"age": "28plus"})) == {"今天满28"}
    time_machine.move_to("2026-02-28T15:30:00Z")
    assert names(staff_client.get(reverse("members:list"), {"age": "23-27"})) == {"今天满28"}


def test_keyset_pages_cover_every_row_once_forwards_and_backwards(staff_client, district):
    for i in range(23):
        MemberFactory(name=f"同名{i % 3}", organisation=district.branch_a)  # duplicate names: the pk breaks ties
    url = reverse("members:list")
    seen, pages = [], []
    response = staff_client.get(url, {"per_page": 20})
    while True:
        page = response.context["page"]
        pages.append(page)
        seen += [m.pk for m in page.rows]
        if not page.next_after:
            break
        response = staff_client.get(url, {"per_page": 20, "after": page.next_after})
    assert len(seen) == len(set(seen)) == 23 and len(pages) == 2
    back = staff_client.get(url, {"per_page": 20, "before": pages[1].prev_before}).context["page"]
    assert [m.pk for m in back.rows] == [m.pk for m in pages[0].rows]


def test_list_query_count_is_the_same_for_20_and_200_rows(staff_client, secretary_a_client, district):
    for i in range(200):
        MemberFactory(name=f"成员{i:03d}", organisation=district.branch_a)

    def queries(client, per_page):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("members:list"), {"per_page": per_page})
        assert len(response.context["page"].rows) == per_page
        return len(ctx.captured_queries)

    assert queries(staff_client, 20) == queries(staff_client, 200)
    assert queries(secretary_a_client, 20) == queries(secretary_a_client, 200)
    # And the next page costs the same: the cursor is one indexed lookup, not an OFFSET.
    after = staff_client.get(reverse("members:list"), {"per_page": 20}).context["page"].next_after
    with CaptureQueriesContext(connection) as ctx:
        staff_client.get(reverse("members:list"), {"per_page": 200, "after": after})
    assert len(ctx.captured_queries) <= queries(staff_client, 200) + 1


def test_list_count_is_capped_unless_asked_for(staff_client, district, monkeypatch):
    from members import pagination

    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    monkeypatch.setattr(pagination.capped_count, "__defaults__", (2,))
    for _ in range(4):
        MemberFactory(organisation=district.branch_a)
    response = staff_client.get(reverse("members:list"))
    assert (response.context["total"], response.context["total_exact"]) == (2, False)
    response = staff_client.get(reverse("members:list"), {"count": "exact"})
    assert (response.context["total"], response.context["total_exact"]) == (4, True)


def test_list_needs_a_login(client, district):
    response = client.get(reverse("members:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_id_number_typed_as_a_name_is_not_searched(staff_client, roster):
    response = staff_client.get(reverse("members:list"), {"q": roster.a1.decrypt_id_number()})
    assert response.context["form"].errors["q"]
    assert names(response) == set()


# --- exact lookup by ID ----------------------------------------------------------------


def test_find_by_id_redirects_to_the_member_without_the_number_in_the_url(secretary_a_client, roster):
    number = roster.a1.decrypt_id_number()
    response = secretary_a_client.post(reverse("members:find"), {"id_number": number.lower()})
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[roster.a1.pk])
    assert number not in response["Location"]


def test_find_by_id_does_not_reach_another_subtree(secretary_a_client, roster):
    response = secretary_a_client.post(reverse("members:find"), {"id_number": roster.b1.decrypt_id_number()})
    assert response["Location"] == reverse("members:list")


def test_find_by_id_is_post_only_and_checks_the_number(staff_client, roster):
    assert staff_client.get(reverse("members:find")).status_code == 405
    response = staff_client.post(reverse("members:find"), {"id_number": "450202200001010011"}, follow=True)
    assert "校验码错误" in response.content.decode()


# --- detail ------------------------------------------------------------------------------


def test_detail_shows_the_member_and_their_history(staff_client, roster):
    staff_client.post(
        reverse("members:update", args=[roster.a1.pk]),
        {**_form_data(roster.a1), "phone": "13800138000"},
    )
    response = staff_client.get(reverse("members:detail", args=[roster.a1.pk]))
    assert response.status_code == 200
    changes = [c for entry in response.context["history"] for c in entry.changes]
    assert ("手机号码", "—", "13800138000") in changes
    assert response.context["history"][0].who == "staff"


def test_detail_of_another_subtree_is_404(secretary_b_client, roster):
    assert secretary_b_client.get(reverse("members:detail", args=[roster.a1.pk])).status_code == 404


def test_detail_needs_a_login(client, roster):
    assert client.get(reverse("members:detail", args=[roster.a1.pk])).status_code == 302


# --- create and edit --------------------------------------------------------------------


def _form_data(member=None, **overrides):
    data = {
        "name": "赵敏",
        "id_number": "",
        "gender": "",
        "birth_date": "",
        "ethnicity": "08",
        "phone": "",
        "category": Category.LEAGUE_MEMBER,
        "joined_league_on": "",
        "member_number": "",
        "education": "",
        "occupation": "",
    }
    if member is not None:
        data.update(
            name=member.name,
            gender=member.gender,
            birth_date=member.birth_date.isoformat(),
            ethnicity=member.ethnicity,
            organisation=member.organisation_id,
            category=member.category,
            joined_league_on=member.joined_league_on.isoformat() if member.joined_league_on else "",
            status=member.status,
        )
    data.update(overrides)
    return data


def test_secretary_registers_a_member_with_gender_and_birth_from_the_id(secretary_a_client, district):
    number = make_id_number(date(2004, 7, 1), 40, gender="F")
    response = secretary_a_client.post(
        reverse("members:create"),
        _form_data(id_number=number, organisation=district.branch_a.pk, phone="+86 139-0000-1111"),
    )
    member = Member.objects.get(name="赵敏")
    assert response.status_code == 302 and response["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.gender, member.birth_date, member.phone) == ("F", date(2004, 7, 1), "13900001111")
    assert member.history.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"id_number": "450202200001010011"}, "id_number", "校验码错误"),
        ({"birth_date": "2004-07-02"}, "birth_date", "不一致"),
        ({"gender": "M"}, "gender", "不一致"),
        ({"phone": "12345"}, "phone", "手机号码"),
    ],
)
def test_create_reports_bad_input_and_saves_nothing(secretary_a_client, district, overrides, field, message):
    good = {"id_number": make_id_number(date(2004, 7, 1), 41, gender="F"), "organisation": district.branch_a.pk}
    data = _form_data(**{**good, **overrides})
    response = secretary_a_client.post(reverse("members:create"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Member.objects.filter(name="赵敏").exists()


def test_create_refuses_a_registered_id_number(staff_client, roster, district):
    data = _form_data(id_number=roster.b1.decrypt_id_number(), organisation=district.branch_a.pk)
    response = staff_client.post(reverse("members:create"), data)
    assert "已登记" in " ".join(response.context["form"].errors["id_number"])


def test_create_refusals(leader_client, secretary_a_client, client, district):
    data = _form_data(id_number=make_id_number(date(2004, 7, 1), 42), organisation=district.branch_b.pk)
    assert leader_client.post(reverse("members:create"), data).status_code == 403
    response = secretary_a_client.post(reverse("members:create"), data)
    assert response.status_code == 200 and response.context["form"].errors["organisation"]
    assert client.post(reverse("members:create"), data).status_code == 302  # to the login page
    assert not Member.objects.exists()


def test_edit_changes_the_id_number_only_when_given(staff_client, roster):
    url = reverse("members:update", args=[roster.a1.pk])
    before = roster.a1.id_number_hash
    staff_client.post(url, _form_data(roster.a1, name="张伟伟"))
    roster.a1.refresh_from_db()
    assert roster.a1.name == "张伟伟" and roster.a1.id_number_hash == before
    new_number = make_id_number(roster.a1.birth_date, 77)
    staff_client.post(url, _form_data(roster.a1, id_number=new_number))
    roster.a1.refresh_from_db()
    assert roster.a1.decrypt_id_number() == new_number


def test_edit_refusals(secretary_b_client, leader_client, roster):
    url = reverse("members:update", args=[roster.a1.pk])
    assert secretary_b_client.get(url).status_code == 404
    assert secretary_b_client.post(url, _form_data(roster.a1, name="x")).status_code == 404
    assert leader_client.get(url).status_code == 403
    assert leader_client.post(url, _form_data(roster.a1, name="x")).status_code == 403
    roster.a1.refresh_from_db()
    assert roster.a1.name == "张伟"


def test_edit_cannot_set_aged_out_or_transferred_by_hand(staff_client, roster):
    response = staff_client.post(
        reverse("members:update", args=[roster.a1.pk]), _form_data(roster.a1, status=Status.AGED_OUT)
    )
    assert response.status_code == 200 and response.context["form"].errors["status"]


# --- reveal ------------------------------------------------------------------------------


def test_staff_reveal_the_full_id_by_post_and_it_is_recorded(staff_client, roster):
    url = reverse("members:reveal_id", args=[roster.a1.pk])
    response = staff_client.post(url)
    number = roster.a1.decrypt_id_number()
    assert response.status_code == 200 and number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get()
    assert (event.action, event.username) == (AuditAction.REVEAL_ID, "staff")
    assert str(roster.a1.pk) in event.target and number not in event.target + event.description
    assert number not in staff_client.get(reverse("members:detail", args=[roster.a1.pk])).content.decode()


def test_reveal_refusals(staff_client, secretary_a_client, secretary_b_client, leader_client, roster):
    url = reverse("members:reveal_id", args=[roster.a1.pk])
    assert staff_client.get(url).status_code == 405
    assert secretary_a_client.post(url).status_code == 403
    assert secretary_b_client.post(url).status_code == 404
    assert leader_client.post(url).status_code == 403
    assert not AuditEvent.objects.exists()


def test_name_search_matches_anywhere_in_the_name(staff_client, district):
    for name in ("张伟", "张伟明", "张", "张三", "弡伟", "李张伟", "吴佳怡", "佳", "怡佳", "阿依古丽·买买提"):
        MemberFactory(name=name, organisation=district.branch_a)

    def found(text):
        return names(staff_client.get(reverse("members:list"), {"q": text}))

    assert found("张伟") == {"张伟", "张伟明", "李张伟"}
    assert found("张") == {"张伟", "张伟明", "张", "张三", "李张伟"}
    assert found("佳怡") == {"吴佳怡"}  # the given name alone (issue #28)
    assert found("吴佳怡") == {"吴佳怡"}
    assert found("佳") == {"吴佳怡", "佳", "怡佳"}
    assert found("张伟明") == {"张伟明"}
    assert found("伟张") == set()  # the pairs in order, not just present
    assert found("买买提") == {"阿依古丽·买买提"}


def test_name_search_is_one_index_probe_on_postgresql(district):
    from members.selectors import name_search

    if connection.vendor != "postgresql":
        pytest.skip("the name index is PostgreSQL's")
    MemberFactory(name="吴佳怡", organisation=district.branch_a)
    qs = name_search(Member.objects.all(), "佳怡")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "member_name_grams" in plan and "Index" in plan, plan


def test_error_reports_would_hide_posted_id_numbers(staff_client, roster, district):
    from django.views.debug import SafeExceptionReporterFilter

    number = roster.a1.decrypt_id_number()
    response = staff_client.post(reverse("members:find"), {"id_number": number})
    filtered = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert filtered["id_number"] != number
    response = staff_client.post(
        reverse("members:create"), _form_data(id_number=number, organisation=district.sub_a.pk)
    )
    assert SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)["id_number"] != number
