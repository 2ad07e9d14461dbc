"""Attendance from the roster (issue #28): who attended, the count the participants figure
follows, the 签到表, and the scoping of all three."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services
from activities.models import Activity, ActivityKind, FileKind
from core.review.models import Status
from members.choices import Status as MemberStatus
from tests.factories import MemberFactory

from .factories import ActivityFactory
from .test_uploads import form_data, jpeg, pdf


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def roster_a(district):
    """Three members of branch A, one of sub-district A itself, one who has left branch A."""
    names = ("张晓明", "李红", "王磊")
    members = [MemberFactory(organisation=district.branch_a, name=name) for name in names]
    members.append(MemberFactory(organisation=district.sub_a, name="赵工委"))
    members.append(MemberFactory(organisation=district.branch_a, name="钱已转", status=MemberStatus.TRANSFERRED_OUT))
    return members


@pytest.fixture
def member_b(district):
    return MemberFactory(organisation=district.branch_b, name="孙乙")


def meeting_data(org, **extra):
    return form_data(org, **{"kind": ActivityKind.GENERAL_MEETING, "title": "第二季度支部大会", **extra})


def checked_ids(html: str) -> set[int]:
    return {
        int(value)
        for value in re.findall(
            r'<input class="form-check-input" type="checkbox" name="attendees" value="(\d+)"[^>]* checked', html
        )
    }


# --- The service: the count follows, too small a figure is refused ----------------------------


def test_participants_follow_the_attendees_when_left_empty(secretary_a, district, roster_a):
    zhang, li, wang = roster_a[:3]
    activity = services.activity_create(
        user=secretary_a,
        attendees=[zhang, li, wang],
        title="支部大会",
        organisation=district.branch_a,
        kind=ActivityKind.GENERAL_MEETING,
        start_date=date(2024, 6, 1),
        participants=None,
    )
    assert activity.participants == 3
    assert set(activity.attendees.all()) == {zhang, li, wang}


def test_a_participants_figure_below_the_attendees_is_refused(secretary_a, district, roster_a):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            user=secretary_a,
            attendees=roster_a[:3],
            title="支部大会",
            organisation=district.branch_a,
            kind=ActivityKind.GENERAL_MEETING,
            start_date=date(2024, 6, 1),
            participants=2,
        )
    assert "参与人数（2人）少于登记的出席人员（3人）" in exc.value.message_dict["participants"][0]
    assert not Activity.objects.exists()


def test_a_larger_figure_stands(secretary_a_client, district, roster_a):
    ids = [m.pk for m in roster_a[:2]]
    response = secretary_a_client.post(
        reverse("activities:create"), meeting_data(district.branch_a, participants="25", attendees=ids)
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert activity.participants == 25 and activity.attendees.count() == 2


def test_the_form_fills_the_figure_and_refuses_a_smaller_one(secretary_a_client, district, roster_a):
    ids = [m.pk for m in roster_a[:3]]
    response = secretary_a_client.post(
        reverse("activities:create"), meeting_data(district.branch_a, participants="1", attendees=ids)
    )
    assert response.status_code == 200
    assert "参与人数（1人）少于登记的出席人员（3人）" in str(response.context["form"].errors["participants"])
    assert checked_ids(response.content.decode()) == set(ids)  # the picks come back checked
    assert not Activity.objects.exists()
    response = secretary_a_client.post(
        reverse("activities:create"), meeting_data(district.branch_a, participants="", attendees=ids)
    )
    assert response.status_code == 302
    assert Activity.objects.get().participants == 3


# --- Who may be picked ----------------------------------------------------------------------


def test_a_member_of_another_branch_is_refused_with_a_message(staff_client, district, roster_a, member_b):
    response = staff_client.post(
        reverse("activities:create"), meeting_data(district.branch_a, attendees=[roster_a[0].pk, member_b.pk])
    )
    assert response.status_code == 200
    errors = str(response.context["form"].errors["attendees"])
    assert "「孙乙」不是「甲社区团支部」的在册成员" in errors
    assert not Activity.objects.exists()


def test_a_member_above_the_branch_is_refused(secretary_a_client, district, roster_a):
    # 赵工委 is on sub-district A's roster, which the secretary reaches, but not on branch A's.
    response = secretary_a_client.post(
        reverse("activities:create"), meeting_data(district.branch_a, attendees=[roster_a[3].pk])
    )
    assert response.status_code == 200
    assert "「赵工委」不是「甲社区团支部」的在册成员" in str(response.context["form"].errors["attendees"])
    # For the sub-district's own record the same member may be picked.
    response = secretary_a_client.post(
        reverse("activities:create"), meeting_data(district.sub_a, attendees=[roster_a[3].pk, roster_a[0].pk])
    )
    assert response.status_code == 302
    assert Activity.objects.get().attendees.count() == 2


def test_a_member_who_left_cannot_be_newly_picked(secretary_a_client, district, roster_a):
    response = secretary_a_client.post(
        reverse("activities:create"), meeting_data(district.branch_a, attendees=[roster_a[4].pk])
    )
    assert response.status_code == 200
    assert "「钱已转」不是「甲社区团支部」的在册成员" in str(response.context["form"].errors["attendees"])


def test_another_branch_secretary_cannot_attach_our_members(secretary_b_client, district, roster_a):
    response = secretary_b_client.post(
        reverse("activities:create"), meeting_data(district.branch_b, attendees=[roster_a[0].pk])
    )
    assert response.status_code == 200
    errors = str(response.context["form"].errors["attendees"])
    assert "不在名册中" in errors and "张晓明" not in errors  # refused without naming them
    assert not Activity.objects.exists()


def test_the_service_refuses_an_unseen_member_without_naming_them(secretary_b, district, roster_a):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            user=secretary_b,
            attendees=[roster_a[0]],
            title="支部大会",
            organisation=district.branch_b,
            kind=ActivityKind.GENERAL_MEETING,
            start_date=date(2024, 6, 1),
        )
    message = exc.value.message_dict["attendees"][0]
    assert "有 1 名所选人员不在「乙社区团支部」的名册中" in message and "张晓明" not in message


# --- Editing ---------------------------------------------------------------------------------


def test_editing_keeps_the_attendees_even_one_who_left_since(secretary_a, secretary_a_client, district, roster_a):
    activity = services.activity_create(
        user=secretary_a,
        attendees=roster_a[:3],
        title="支部大会",
        organisation=district.branch_a,
        kind=ActivityKind.GENERAL_MEETING,
        start_date=date(2024, 6, 1),
        summary="学习。",
    )
    wang = roster_a[2]
    wang.status = MemberStatus.TRANSFERRED_OUT
    wang.save()
    url = reverse("activities:update", args=[activity.pk])
    html = secretary_a_client.get(url).content.decode()
    assert checked_ids(html) == {m.pk for m in roster_a[:3]}  # 王磊 still listed, still ticked
    assert "钱已转" not in html  # someone who left before is not offered
    data = meeting_data(
        district.branch_a, title="支部大会（改）", participants="", attendees=[m.pk for m in roster_a[:3]]
    )
    response = secretary_a_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    activity.refresh_from_db()
    assert activity.title == "支部大会（改）"
    assert set(activity.attendees.all()) == set(roster_a[:3]) and activity.participants == 3
    # Dropping one changes the record; the figure the form sends stands.
    response = secretary_a_client.post(url, {**data, "participants": "2", "attendees": [m.pk for m in roster_a[:2]]})
    assert response.status_code == 302
    assert set(activity.attendees.all()) == set(roster_a[:2])


def test_moving_a_record_to_another_branch_checks_its_attendees_again(staff, district, roster_a):
    activity = services.activity_create(
        user=staff,
        attendees=roster_a[:2],
        title="支部大会",
        organisation=district.branch_a,
        kind=ActivityKind.GENERAL_MEETING,
        start_date=date(2024, 6, 1),
    )
    with pytest.raises(ValidationError) as exc:
        services.activity_update(
            activity=activity, user=staff, organisation=district.branch_b, attendees=list(activity.attendees.all())
        )
    assert "不是「乙社区团支部」的在册成员" in exc.value.message_dict["attendees"][0]
    activity.refresh_from_db()
    assert activity.organisation == district.branch_a and activity.attendees.count() == 2


def test_an_update_without_attendees_leaves_them(secretary_a, district, roster_a):
    activity = services.activity_create(
        user=secretary_a,
        attendees=roster_a[:3],
        title="支部大会",
        organisation=district.branch_a,
        kind=ActivityKind.GENERAL_MEETING,
        start_date=date(2024, 6, 1),
    )
    services.activity_update(activity=activity, user=secretary_a, location="团支部活动室")
    assert activity.attendees.count() == 3
    with pytest.raises(ValidationError):
        services.activity_update(activity=activity, user=secretary_a, participants=2)


# --- Pages: the picker, the roster endpoint, the detail page ---------------------------------


def test_the_form_lists_the_branch_roster_only(secretary_a_client, district, roster_a, member_b):
    html = secretary_a_client.get(
        reverse("activities:create") + f"?organisation={district.branch_a.pk}"
    ).content.decode()
    for name in ("张晓明", "李红", "王磊"):
        assert name in html
    assert "赵工委" not in html and "钱已转" not in html and "孙乙" not in html
    assert 'class="form-control roster-filter"' in html and "roster-select-all" in html
    assert "（名册 3 人）" in html


def test_the_roster_endpoint_is_scoped(
    secretary_a_client, secretary_b_client, leader_client, district, roster_a, member_b
):
    url = reverse("activities:roster")
    html = secretary_a_client.get(url, {"organisation": district.sub_a.pk}).content.decode()
    assert "赵工委（" in html and "张晓明（" in html  # several organisations: each name says which
    assert "孙乙" not in html
    assert secretary_b_client.get(url, {"organisation": district.branch_a.pk}).status_code == 404
    assert secretary_a_client.get(url, {"organisation": "x"}).status_code == 404
    assert leader_client.get(url, {"organisation": district.branch_a.pk}).status_code == 403
    assert secretary_a_client.post(url, {"organisation": district.branch_a.pk}).status_code == 405


def test_detail_page_shows_who_attended(
    secretary_a, secretary_a_client, secretary_b_client, leader_client, district, roster_a
):
    activity = ActivityFactory(organisation=district.branch_a, kind=ActivityKind.GENERAL_MEETING, participants=3)
    activity.attendees.set(roster_a[:3])
    url = reverse("activities:detail", args=[activity.pk])
    html = secretary_a_client.get(url).content.decode()
    assert "出席情况" in html and "出席 3 人" in html
    names = re.search(r'<ul[^>]*id="attendee-names"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", names) == sorted(["张晓明", "李红", "王磊"])
    assert roster_a[0].id_number_masked not in html  # names only
    assert "未上传签到表" in html
    assert "出席 3 人" in leader_client.get(url).content.decode()
    assert secretary_b_client.get(url).status_code == 404
    assert secretary_b_client.get(reverse("activities:update", args=[activity.pk])).status_code == 404
    # Not a meeting: the same list, worded as taking part.
    Activity.objects.filter(pk=activity.pk).update(kind=ActivityKind.VOLUNTEER)
    html = secretary_a_client.get(url).content.decode()
    assert "参加 3 人" in html and "出席情况" not in html


def test_a_meeting_without_attendees_says_so(secretary_a_client, district):
    activity = ActivityFactory(organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING)
    html = secretary_a_client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "未从名册登记出席人员" in html
    other = ActivityFactory(organisation=district.branch_a, kind=ActivityKind.VOLUNTEER)
    assert (
        "activity-attendance"
        not in secretary_a_client.get(reverse("activities:detail", args=[other.pk])).content.decode()
    )


# --- The 签到表 ------------------------------------------------------------------------------


def test_a_sign_in_sheet_is_stored_apart_and_shown(secretary_a_client, district, roster_a):
    response = secretary_a_client.post(
        reverse("activities:create"),
        meeting_data(
            district.branch_a,
            attendees=[roster_a[0].pk],
            sign_in=[pdf("签到表.pdf"), jpeg("签到.jpg")],
            photos=[jpeg()],
        ),
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    kinds = sorted(activity.files.values_list("kind", "original_name"))
    assert kinds == sorted(
        [(FileKind.SIGN_IN, "签到表.pdf"), (FileKind.SIGN_IN, "签到.jpg"), (FileKind.IMAGE, "photo.jpg")]
    )
    html = secretary_a_client.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    sheets = re.search(r'id="sign-in-files".*?</section>', html, re.S).group(0)
    assert "签到表.pdf" in sheets and "签到.jpg" in sheets and "photo.jpg" not in sheets
    assert "签到表（2）" in html and "照片与附件（1）" in html
    sheet = activity.files.get(original_name="签到表.pdf")
    download = secretary_a_client.get(reverse("activities:file", args=[sheet.pk]))
    assert "attachment" in download["Content-Disposition"]  # a PDF downloads, as other PDFs do


def test_a_sign_in_sheet_must_be_an_image_or_pdf(secretary_a_client, district):
    from django.core.files.uploadedfile import SimpleUploadedFile

    text = SimpleUploadedFile("签到.txt", "张三\n".encode(), content_type="text/plain")
    response = secretary_a_client.post(reverse("activities:create"), meeting_data(district.branch_a, sign_in=[text]))
    assert response.status_code == 200
    assert "签到.txt" in str(response.context["form"].errors["sign_in"])
    assert not Activity.objects.exists()


def test_a_sign_in_sheet_and_the_picks_are_kept_on_an_error(
    secretary_a_client, district, roster_a, django_capture_on_commit_callbacks
):
    ids = [m.pk for m in roster_a[:2]]
    url = reverse("activities:create")
    response = secretary_a_client.post(
        url, meeting_data(district.branch_a, title="", attendees=ids, sign_in=[pdf("签到表.pdf")])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "签到表：签到表.pdf" in html and checked_ids(html) == set(ids)
    token = re.search(r'name="kept" value="([^"]+)"', html).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = secretary_a_client.post(
            url, meeting_data(district.branch_a, attendees=ids, participants="", kept=token)
        )
    assert response.status_code == 302
    activity = Activity.objects.get()
    assert list(activity.files.values_list("kind", flat=True)) == [FileKind.SIGN_IN]
    assert activity.attendees.count() == 2 and activity.participants == 2


def test_the_export_counts_the_attendees(secretary_a_client, district, roster_a):
    import io

    import openpyxl

    recorded = ActivityFactory(organisation=district.branch_a, title="有名单", participants=30)
    recorded.attendees.set(roster_a[:3])
    ActivityFactory(organisation=district.branch_a, title="无名单")
    response = secretary_a_client.post(reverse("core:export_start"), {"exporter": "activities", "query": ""})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    by_title = {row["活动名称"]: row for row in (dict(zip(rows[0], r, strict=True)) for r in rows[1:])}
    assert by_title["有名单"]["名册登记出席人数"] == 3 and by_title["有名单"]["参与人数（人）"] == 30
    assert by_title["无名单"]["名册登记出席人数"] is None


# --- Query counts stay bounded by the roster's size -----------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_form_and_detail_queries_do_not_grow_with_the_roster(
    secretary_a, secretary_a_client, district, django_assert_max_num_queries
):
    members = [MemberFactory(organisation=district.branch_a) for _ in range(3)]
    activity = ActivityFactory(
        organisation=district.branch_a, kind=ActivityKind.GENERAL_MEETING, status=Status.DRAFT, participants=60
    )
    activity.attendees.set(members)
    edit = reverse("activities:update", args=[activity.pk])
    detail = reverse("activities:detail", args=[activity.pk])
    new = reverse("activities:create") + f"?organisation={district.branch_a.pk}"
    small = {url: _queries(secretary_a_client, url) for url in (edit, detail, new)}
    more = [MemberFactory(organisation=district.branch_a) for _ in range(40)]
    activity.attendees.add(*more)
    for url, count in small.items():
        with django_assert_max_num_queries(count):
            secretary_a_client.get(url)
    # Measured: the edit page 10 (the record's attendees, the roster), the new form 8, the
    # detail page 8 (one for the names); each counts the menu's returned-records badge.
    for url, most in ((edit, 10), (new, 8), (detail, 8)):
        with django_assert_max_num_queries(most):
            secretary_a_client.get(url)
