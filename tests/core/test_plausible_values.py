"""Odd values are refused on the record itself: dates, counts and texts to plausible bounds.

The bounds live on the models (core.validators), so every path that calls ``full_clean`` gets
them: the forms through the services, the imports, the admin. Each case builds a record that is
valid but for one value and checks the Chinese message on that field; the edge values pass.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityKind, Audience, Campaign, Dimension, Indicator, IndicatorValue
from branches.models import Kind, Organisation
from honours.models import CommendationBatch, Honour, Level, RecipientKind
from members.choices import CadreKind, Category
from members.models import CadreAppointment, RecruitmentCase, SchoolCohort
from obligations.models import Frequency, Obligation

from ..activities.factories import IndicatorFactory
from ..factories import MemberFactory, OrganisationFactory
from ..honours.factories import body

RANGE = "日期应在1949年1月1日至2100年12月31日之间"
TODAY = timezone.localdate()


def errors_of(record, *, exclude=None) -> dict[str, list[str]]:
    try:
        record.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def assert_refused(record, field: str, fragment: str, *, exclude=None) -> None:
    errors = errors_of(record, exclude=exclude)
    assert any(fragment in message for message in errors.get(field, [])), errors


def assert_accepted(record, *, exclude=None) -> None:
    assert errors_of(record, exclude=exclude) == {}


# --- Activities ---------------------------------------------------------------------------


def activity(district, **values) -> Activity:
    fields = dict(
        title="主题团日",
        organisation=district.branch_a,
        kind=ActivityKind.THEME_DAY,
        dimension=Dimension.UNITE_YOUTH,
        start_date=date(2024, 5, 4),
        audience=Audience.MEMBERS_YOUTH,
        participants=20,
        summary="重温入团誓词。",
    )
    return Activity(**{**fields, **values})


@pytest.mark.parametrize(
    "values, field, fragment",
    [
        ({"start_date": date(1, 1, 1)}, "start_date", RANGE),
        ({"start_date": date(9999, 12, 31)}, "start_date", RANGE),
        ({"start_date": date(1948, 12, 31)}, "start_date", RANGE),
        ({"start_date": TODAY + timedelta(days=2)}, "start_date", "不能晚于明天"),
        ({"start_date": TODAY + timedelta(days=3 * 365)}, "start_date", "不能晚于明天"),
        ({"start_date": date(2024, 5, 4), "end_date": date(9999, 12, 31)}, "end_date", RANGE),
        ({"participants": 1_000_000_000}, "participants", "参与人数不能超过100000人"),
        ({"participants": 100_001}, "participants", "参与人数不能超过100000人"),
        ({"person_times": 1_000_000_000}, "person_times", "参与人次不能超过1000000人次"),
        (
            {"start_date": date(2024, 1, 1), "end_date": date(2024, 12, 31), "hours": Decimal("2000")},
            "hours",
            "学习时长不能超过1000小时",
        ),
        ({"summary": "字" * 2_000_000}, "summary", "不能超过5000个字"),
        ({"summary": "字" * 5001}, "summary", "不能超过5000个字"),
        ({"review_comment": "改" * 1001}, "review_comment", "不能超过1000个字"),
    ],
    ids=[
        "start-0001",
        "start-9999",
        "start-1948",
        "start-in-two-days",
        "start-in-three-years",
        "end-9999",
        "a-billion-participants",
        "participants-over-the-max",
        "a-billion-person-times",
        "hours",
        "a-2MB-summary",
        "summary-over-the-max",
        "review-comment",
    ],
)
def test_an_activity_with_an_odd_value_is_refused(values, field, fragment, district):
    assert_refused(activity(district, **values), field, fragment)


def test_an_activity_at_the_bounds_is_accepted(district):
    assert_accepted(activity(district, start_date=TODAY + timedelta(days=1)))
    assert_accepted(activity(district, start_date=date(1949, 1, 1)))
    assert_accepted(activity(district, participants=100_000, person_times=1_000_000, summary="字" * 5000))
    assert_accepted(activity(district, start_date=date(2024, 1, 1), end_date=date(2024, 12, 31), hours=Decimal("1000")))


def test_an_activity_before_its_organisation_was_established_is_refused(district):
    Organisation.objects.filter(pk=district.branch_a.pk).update(established_on=date(2020, 9, 1))
    district.branch_a.refresh_from_db()
    assert_refused(activity(district, start_date=date(2020, 8, 31)), "start_date", "早于「甲社区团支部」的成立日期")
    assert_accepted(activity(district, start_date=date(2020, 9, 1)))


def test_the_logging_page_refuses_a_billion_participants_and_keeps_the_input(secretary_a_client, district):
    data = {
        "title": "学习会",
        "organisation": district.branch_a.pk,
        "kind": ActivityKind.THEMATIC_STUDY,
        "dimension": "",
        "start_date": "2024-05-10",
        "audience": Audience.MEMBERS_YOUTH,
        "participants": "1000000000",
        "person_times": "",
        "hours": "2",
        "summary": "a" * 2_000_000,
    }
    response = secretary_a_client.post(reverse("activities:create"), data)
    assert response.status_code == 200 and not Activity.objects.exists()
    form = response.context["form"]
    assert "参与人数不能超过100000人" in " ".join(form.errors["participants"])
    assert "5000" in " ".join(form.errors["summary"])
    assert form["title"].value() == "学习会"  # nothing typed is lost


def test_campaigns_and_indicators_are_bounded(district):
    campaign = Campaign(name="五四青年节", dimension=Dimension.UNITE_YOUTH, start_date=date(2024, 4, 1))
    campaign.end_date = date(9999, 12, 31)
    assert_refused(campaign, "end_date", RANGE)
    campaign.start_date, campaign.end_date = date(1, 1, 1), date(2024, 5, 31)
    assert_refused(campaign, "start_date", RANGE)
    campaign.start_date, campaign.description = date(2024, 4, 1), "说" * 2001
    assert_refused(campaign, "description", "不能超过2000个字")
    indicator = Indicator(code="reads", name="阅读量", unit="次", category="outreach", description="口" * 2001)
    assert_refused(indicator, "description", "不能超过2000个字")
    indicator.description, indicator.decimals = "", 30000  # values keep two decimals
    assert_refused(indicator, "decimals", "小数位数最多为2位")


@pytest.mark.parametrize(
    "values, field, fragment",
    [
        ({"value": Decimal("1000000000000")}, "value", "数值不能超过100000000"),
        ({"month": date(9999, 12, 1)}, "month", RANGE),
        ({"month": date(1, 1, 1)}, "month", RANGE),
        ({"month": (TODAY.replace(day=1) + timedelta(days=32)).replace(day=1)}, "month", "不能晚于本月"),
    ],
    ids=["value", "month-9999", "month-0001", "next-month"],
)
def test_an_indicator_value_with_an_odd_value_is_refused(values, field, fragment, district):
    indicator = IndicatorFactory()
    fields = dict(indicator=indicator, organisation=district.branch_a, month=date(2024, 5, 1), value=Decimal(3))
    assert_refused(IndicatorValue(**{**fields, **values}), field, fragment)
    assert_accepted(IndicatorValue(**{**fields, "value": Decimal("100000000"), "month": TODAY.replace(day=1)}))


def test_the_indicator_entry_page_refuses_a_huge_value(secretary_a_client, district):
    indicator = IndicatorFactory(code="reads_test", name="阅读量")
    url = reverse("activities:indicator_entry") + f"?organisation={district.branch_a.pk}&month=2024-05"
    response = secretary_a_client.post(
        url, {"organisation": district.branch_a.pk, "month": "2024-05", "issue": "", f"v_{indicator.code}": "1e12"}
    )
    assert response.status_code == 200 and not IndicatorValue.objects.exists()
    assert "100000000" in response.content.decode()


# --- Honours --------------------------------------------------------------------------------


def test_honours_and_lists_are_bounded(district):
    honour = Honour(
        title="优秀共青团员",
        level=Level.DISTRICT,
        conferring_body=body("共青团测试区委员会", Level.DISTRICT),
        awarded_on=date(1, 1, 1),
        recipient_kind=RecipientKind.LEAGUE_MEMBER,
        recipient_name="张三",
        organisation=district.branch_a,
    )
    exclude = ["certificate", "counted_on"]
    assert_refused(honour, "awarded_on", RANGE, exclude=exclude)
    honour.awarded_on, honour.note = date(2024, 5, 4), "注" * 2001
    assert_refused(honour, "note", "不能超过2000个字", exclude=exclude)
    honour.note, honour.review_comment = "", "改" * 1001
    assert_refused(honour, "review_comment", "不能超过1000个字", exclude=exclude)
    honour.review_comment = ""
    assert_accepted(honour, exclude=exclude)

    batch = CommendationBatch(
        name="表彰名单",
        level=Level.CITY,
        conferring_body=body("共青团柳州市委员会", Level.CITY),
        organisation=district.root,
    )
    batch.awarded_on = date(1948, 5, 4)
    assert_refused(batch, "awarded_on", RANGE, exclude=["document", "counted_on"])


# --- The organisation tree ------------------------------------------------------------------


def test_organisation_dates_are_bounded(district):
    org = Organisation(name="新团支部", kind=Kind.BRANCH, established_on=date(1, 1, 1))
    exclude = ["path", "depth", "numchild"]
    assert_refused(org, "established_on", RANGE, exclude=exclude)
    org.established_on, org.term_ends_on = date(2020, 1, 1), date(9999, 12, 31)
    assert_refused(org, "term_ends_on", RANGE, exclude=exclude)
    org.term_ends_on = date(2027, 1, 1)
    assert_accepted(org, exclude=exclude)


def test_the_organisation_form_shows_the_range_error(staff_client, district):
    response = staff_client.post(
        reverse("branches:update", args=[district.branch_a.pk]),
        {"name": "甲社区团支部", "short_name": "", "kind": Kind.BRANCH, "established_on": "0001-01-01"},
    )
    assert response.status_code == 200 and RANGE in response.content.decode()
    district.branch_a.refresh_from_db()
    assert district.branch_a.established_on is None


# --- Members --------------------------------------------------------------------------------


def test_member_records_are_bounded(district):
    member = MemberFactory(organisation=district.branch_a, birth_date=date(2000, 1, 1))
    member.status_changed_on = date(1, 1, 1)
    assert_refused(member, "status_changed_on", RANGE)

    case = RecruitmentCase(member=member, organisation=district.branch_a, applied_on=date(9999, 12, 31))
    assert_refused(case, "applied_on", RANGE)

    cadre = CadreAppointment(
        member=member,
        organisation=district.branch_a,
        kind=CadreKind.PART_TIME,
        position="书记",
        started_on=date(1, 1, 1),
    )
    assert_refused(cadre, "started_on", RANGE)
    cadre.started_on, cadre.ended_on = date(2024, 1, 1), date(9999, 12, 31)
    assert_refused(cadre, "ended_on", RANGE)
    cadre.ended_on = None
    assert_accepted(cadre)

    school = OrganisationFactory(name="测试中学团委", kind=Kind.SCHOOL, parent=district.root)
    cohort = SchoolCohort(school=school, graduation_year=2026, student_count=1_000_000_000)
    assert_refused(cohort, "student_count", "毕业班学生数不能超过10000人")


def test_the_cadre_form_refuses_a_start_in_year_one(staff_client, district):
    member = MemberFactory(organisation=district.branch_a, category=Category.LEAGUE_MEMBER)
    response = staff_client.post(
        reverse("members:cadre_create", args=[member.pk]),
        {
            "organisation": district.branch_a.pk,
            "kind": CadreKind.PART_TIME,
            "position": "书记",
            "started_on": "0001-01-01",
        },
    )
    assert response.status_code == 200 and RANGE in response.content.decode()
    assert not CadreAppointment.objects.exists()


# --- Obligations ----------------------------------------------------------------------------


def test_obligations_are_bounded(district):
    obligation = Obligation(
        name="支委会",
        organisation_kinds=[Kind.BRANCH],
        activity_kinds=[ActivityKind.COMMITTEE_MEETING],
        frequency=Frequency.MONTH,
        min_count=1,
        active_from=date(1, 1, 1),
    )
    assert_refused(obligation, "active_from", RANGE)
    obligation.active_from, obligation.active_until = date(2024, 1, 1), date(9999, 12, 31)
    assert_refused(obligation, "active_until", RANGE)
    obligation.active_until, obligation.description = None, "依" * 2001
    assert_refused(obligation, "description", "不能超过2000个字")
    obligation.description, obligation.min_hours = "", Decimal("5000")
    assert_refused(obligation, "min_hours", "不能超过1000小时")
    obligation.min_hours = None
    assert_accepted(obligation)
