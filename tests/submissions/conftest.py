"""A district asking six committees for their summaries, with reports finalised in-process."""

from dataclasses import dataclass
from datetime import date

import pytest

from accounts.models import Role
from activities.models import Dimension
from branches.models import Kind
from reports import services as report_services
from submissions import services
from tests.factories import OrganisationFactory, UserFactory
from tests.reports.test_compile import may_fourth


@dataclass
class Six:
    sub_c: object
    park: object
    school: object
    pioneers: object


@pytest.fixture
def six(district):
    """Four more committees directly under the district: with sub_a and sub_b, six in all."""
    root = district.root
    six = Six(
        sub_c=OrganisationFactory(
            name="东环街道团工委", short_name="东环街道团工委", kind=Kind.SUBDISTRICT, parent=root
        ),
        park=OrganisationFactory(name="高新园区团工委", kind=Kind.PARK, parent=root),
        school=OrganisationFactory(name="第一中学团委", kind=Kind.SCHOOL, parent=root),
        pioneers=OrganisationFactory(name="测试区少工委", kind=Kind.PIONEER_COMMITTEE, parent=root),
    )
    district.refresh()
    return six


@pytest.fixture
def secretary_c(six):
    return UserFactory(username="secretary_c", role=Role.SECRETARY, organisation=six.sub_c, email="c@example.cn")


@pytest.fixture
def asked(district, six, staff, secretary_a, secretary_b, secretary_c):
    return services.request_create(
        organisation=district.root,
        year=2024,
        half=1,
        deadline=date(2024, 7, 10),
        note="请各单位认真总结上半年工作。",
        user=staff,
        today=date(2024, 7, 1),
    )


def finalise(org, user, capture, *, problem="活动开展不够经常"):
    """Compile, fill the sections data leaves empty, finalise and render ``org``'s 2024 H1 report."""
    with capture(execute=False):
        report = report_services.report_start(organisation=org, year=2024, half=1, user=user)
        if not report.is_final and not report.content:
            report_services.report_queue_job(report=report)
    if not report.content:
        report_services.report_run_job(report_id=report.pk)
    report.refresh_from_db()
    latest = type(report).objects.filter(organisation=org, year=2024, half=1).order_by("-version").first()
    report = latest
    from reports.content import ReportContent

    content = ReportContent.from_json(report.content)
    if not any(i.render().strip() for s in content.achievements for i in s.items):
        report_services.report_add_item(report=report, section=Dimension.UNITE_YOUTH, text="组织开展主题团日活动")
    report_services.report_add_item(report=report, section="problems", text=problem)
    if not any(i.render().strip() for i in content.plan):
        report_services.report_add_item(report=report, section="plan", heading="从严治团", text="每月开展一场专题学习")
    with capture(execute=False):
        report = report_services.report_finalise(report=report, user=user, numbers_confirmed=True)
    report_services.report_run_job(report_id=report.pk)
    report.refresh_from_db()
    return report


@pytest.fixture
def data(district):
    return may_fourth(district)
