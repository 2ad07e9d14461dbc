import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from branches.models import Kind
from obligations.models import Message, Obligation, Reminder, ReminderKind
from obligations.services import reminders_reconcile
from reports.content import ReportContent
from reports.models import Report
from submissions import selectors, services
from submissions.exporters import status_workbook
from submissions.models import Submission, SubmissionState
from tests.factories import OrganisationFactory, UserFactory

from .conftest import finalise

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def statuses(request, user, today):
    return {
        r.submission.organisation.name: (r.status_label, r.timing)
        for r in selectors.status_rows(request=request, user=user, today=today)
    }


def test_request_asks_the_committees_directly_below_and_tells_their_secretaries(asked, district, six, secretary_c):
    names = set(asked.submissions.values_list("organisation__name", flat=True))
    assert names == {"甲街道团工委", "乙街道团工委", "东环街道团工委", "高新园区团工委", "第一中学团委", "测试区少工委"}
    message = Message.objects.get(recipient=secretary_c)
    assert message.subject == "【工作总结征集】共青团测试区委员会请于2024年7月10日前报送2024年上半年工作总结"
    assert "请各单位认真总结上半年工作。" in message.body
    assert message.link == f"/submissions/{asked.pk}/"
    # Branches (团支部) compile no summary of their own and are not asked.
    assert not asked.submissions.filter(organisation__kind=Kind.BRANCH).exists()


def test_request_by_chosen_kinds(district, six, staff):
    request = services.request_create(
        organisation=district.root,
        year=2024,
        half=2,
        deadline=date(2025, 1, 10),
        user=staff,
        kinds=[Kind.SUBDISTRICT, Kind.SCHOOL],
        today=date(2025, 1, 2),
    )
    assert sorted(request.submissions.values_list("organisation__name", flat=True)) == sorted(
        ["甲街道团工委", "乙街道团工委", "东环街道团工委", "第一中学团委"]
    )


def test_a_committee_is_asked_for_a_half_once_and_bad_input_creates_nothing(asked, district, six, secretary_a, staff):
    general = OrganisationFactory(name="甲街道机关团总支", kind=Kind.GENERAL_BRANCH, parent=district.sub_a)
    # sub_a asks its general branch for H2; the district, asking by kind, would ask it twice.
    services.request_create(
        organisation=district.sub_a,
        year=2024,
        half=2,
        deadline=date(2025, 1, 8),
        user=secretary_a,
        today=date(2025, 1, 2),
    )
    with pytest.raises(ValidationError, match="已在征集中：甲街道机关团总支（甲街道团工委）"):
        services.request_create(
            organisation=district.root,
            year=2024,
            half=2,
            deadline=date(2025, 1, 8),
            user=staff,
            kinds=[Kind.GENERAL_BRANCH],
            today=date(2025, 1, 2),
        )
    assert general.submissions.count() == 1
    with pytest.raises(ValidationError, match="不能早于今天"):
        services.request_create(
            organisation=district.root,
            year=2025,
            half=1,
            deadline=date(2024, 6, 30),
            user=staff,
            today=date(2024, 7, 1),
        )
    with pytest.raises(ValidationError, match="本单位已发起2024年上半年工作总结征集"):
        services.request_create(
            organisation=district.root,
            year=2024,
            half=1,
            deadline=date(2024, 7, 30),
            user=staff,
            kinds=[Kind.GENERAL_BRANCH],
            today=date(2024, 7, 1),
        )


def test_secretaries_ask_only_for_their_own_committee(district, six, secretary_a):
    with pytest.raises(PermissionDenied):
        services.request_create(
            organisation=district.root,
            year=2024,
            half=1,
            deadline=date(2024, 7, 8),
            user=secretary_a,
            today=date(2024, 7, 1),
        )
    branch_secretary = UserFactory(role=Role.SECRETARY, organisation=district.branch_a)
    with pytest.raises(ValidationError, match="没有可征集的下级团组织"):
        services.request_create(
            organisation=district.branch_a,
            year=2024,
            half=1,
            deadline=date(2024, 7, 8),
            user=branch_secretary,
            today=date(2024, 7, 1),
        )


def test_submit_needs_a_finalised_version_of_the_committees_own_report(asked, district, secretary_a, secretary_b):
    mine = asked.submissions.get(organisation=district.sub_a)
    with pytest.raises(ValidationError, match="请先编制本单位的工作总结并定稿"):
        services.submission_submit(submission=mine, user=secretary_a)
    with pytest.raises(PermissionDenied):
        services.submission_submit(submission=mine, user=secretary_b)


def test_submit_return_resubmit_accept_and_the_status_table(
    asked, district, six, staff, secretary_a, secretary_b, data, django_capture_on_commit_callbacks
):
    a = asked.submissions.get(organisation=district.sub_a)
    b = asked.submissions.get(organisation=district.sub_b)
    today = date(2024, 7, 8)
    # sub_c has a draft only; the others have not started.
    report_c = Report.objects.create(organisation=six.sub_c, year=2024, half=1)
    first = finalise(district.sub_a, secretary_a, django_capture_on_commit_callbacks)
    finalise(district.sub_b, secretary_b, django_capture_on_commit_callbacks)
    with time_machine.travel(at("2024-07-05 10:00"), tick=False):
        services.submission_submit(submission=a, user=secretary_a)
        services.submission_submit(submission=b, user=secretary_b)

    # The requester returns sub_a's summary: the submitted version stays, a new draft opens.
    with pytest.raises(ValidationError, match="请填写退回意见"):
        services.submission_return(submission=a, user=staff, comment="  ")
    with pytest.raises(PermissionDenied):
        services.submission_return(submission=a, user=secretary_a, comment="自己退回")
    services.submission_return(submission=a, user=staff, comment="请补充青年大学习情况。")
    a.refresh_from_db()
    assert a.state == SubmissionState.RETURNED and a.report == first
    draft = Report.objects.get(organisation=district.sub_a, year=2024, half=1, version=2)
    assert not draft.is_final
    notice = Message.objects.filter(recipient=secretary_a, subject__startswith="【工作总结退回】").get()
    assert "退回意见：请补充青年大学习情况。" in notice.body

    rows = statuses(asked, staff, today)
    assert rows == {
        "甲街道团工委": ("已退回", "还有2天"),
        "乙街道团工委": ("已报送", "按时报送"),
        "东环街道团工委": ("编制中", "还有2天"),
        "高新园区团工委": ("未开始", "还有2天"),
        "第一中学团委": ("未开始", "还有2天"),
        "测试区少工委": ("未开始", "还有2天"),
    }
    assert statuses(asked, staff, date(2024, 7, 12))["高新园区团工委"] == ("未开始", "逾期2天")
    # A committee sees only its own row; the requester every committee it asked.
    assert list(statuses(asked, secretary_a, today)) == ["甲街道团工委"]

    # Resubmitting the same version is refused; the revised one goes up as version 2.
    with pytest.raises(ValidationError, match="已退回修改：请按退回意见修改，定稿新版本后再报送"):
        services.submission_submit(submission=a, user=secretary_a)
    second = finalise(district.sub_a, secretary_a, django_capture_on_commit_callbacks)
    assert second.version == 2
    with time_machine.travel(at("2024-07-12 09:00"), tick=False):
        services.submission_submit(submission=a, user=secretary_a)
    services.submission_accept(submission=a, user=staff)
    a.refresh_from_db()
    assert (a.state, a.version) == (SubmissionState.ACCEPTED, 2)
    with pytest.raises(ValidationError, match="只有已报送的工作总结可以接收"):
        services.submission_accept(submission=a, user=staff)

    name, content = status_workbook(request=asked, user=staff, today=today)
    assert name == "共青团测试区委员会2024年上半年工作总结报送情况.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(("报送单位", "状态", "截止日期", "距截止", "报送时间", "报送版本", "报送人", "退回意见"))
    table = {row[0]: row for row in values[header + 1 :]}
    assert table["甲街道团工委"][1:6] == ("已接收", "2024-07-10", "逾期2天报送", "2024-07-12 09:00", "第2版")
    assert table["乙街道团工委"][1:4] == ("已报送", "2024-07-10", "按时报送")
    assert table["东环街道团工委"][1] == "编制中"
    assert table["高新园区团工委"][1:4] == ("未开始", "2024-07-10", "还有2天")
    assert len(table) == 6
    assert report_c.pk


def test_reminders_go_once_upcoming_then_overdue_to_the_requester(asked, district, six, staff, secretary_c, db):
    Obligation.objects.all().delete()  # only the summary's reminders here
    staff.email = "staff@example.cn"
    staff.save()

    def summary_rows(kind):
        return list(
            Reminder.objects.filter(kind=kind, organisation=six.sub_c).values_list("recipient__username", flat=True)
        )

    reminders_reconcile(now=at("2024-07-06 08:00"))  # five days ahead: not yet (lead_days = 3)
    assert summary_rows(ReminderKind.SUMMARY_UPCOMING) == []
    for _ in range(2):  # a beat firing twice, and the next day's run
        reminders_reconcile(now=at("2024-07-07 08:00"))
    reminders_reconcile(now=at("2024-07-08 08:00"))
    assert summary_rows(ReminderKind.SUMMARY_UPCOMING) == ["secretary_c"]
    upcoming = Message.objects.get(recipient=secretary_c, reminder__kind=ReminderKind.SUMMARY_UPCOMING)
    assert upcoming.subject == "【报送提醒】东环街道团工委：2024年上半年工作总结请于2024年7月10日前报送"
    assert "距截止还有 3 天。本单位尚未报送。" in upcoming.body

    for moment in ("2024-07-11 08:00", "2024-07-11 08:00", "2024-07-12 08:00"):
        reminders_reconcile(now=at(moment))
    assert sorted(summary_rows(ReminderKind.SUMMARY_OVERDUE)) == ["secretary_c", "staff"]
    overdue = Message.objects.get(recipient=staff, reminder__kind=ReminderKind.SUMMARY_OVERDUE, organisation=six.sub_c)
    assert overdue.subject == "【逾期通知】东环街道团工委：2024年上半年工作总结逾期未报送"
    assert "已于2024年7月10日截止，本单位尚未报送，已逾期 1 天。" in overdue.body
    assert Message.objects.filter(recipient=secretary_c, reminder__kind=ReminderKind.SUMMARY_OVERDUE).count() == 1


def test_a_submitted_summary_gets_no_reminder(asked, district, secretary_a, data, django_capture_on_commit_callbacks):
    Obligation.objects.all().delete()
    finalise(district.sub_a, secretary_a, django_capture_on_commit_callbacks)
    services.submission_submit(submission=asked.submissions.get(organisation=district.sub_a), user=secretary_a)
    reminders_reconcile(now=at("2024-07-11 08:00"))
    assert not Reminder.objects.filter(organisation=district.sub_a).exists()
    assert Reminder.objects.filter(organisation=district.sub_b, kind=ReminderKind.SUMMARY_OVERDUE).exists()


def test_archive_holds_exactly_the_accepted_versions(
    asked, district, staff, secretary_a, secretary_b, data, django_capture_on_commit_callbacks
):
    a = asked.submissions.get(organisation=district.sub_a)
    b = asked.submissions.get(organisation=district.sub_b)
    finalise(district.sub_a, secretary_a, django_capture_on_commit_callbacks, problem="甲：阵地建设不足")
    services.submission_submit(submission=a, user=secretary_a)
    services.submission_accept(submission=a, user=staff)
    finalise(district.sub_b, secretary_b, django_capture_on_commit_callbacks, problem="乙：仅报送未接收")
    services.submission_submit(submission=b, user=secretary_b)  # submitted, not accepted

    filename, content = services.request_archive(request=asked, user=staff)
    assert filename == "共青团测试区委员会2024年上半年工作总结（已接收）.zip"
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    assert names == ["00_共青团测试区委员会2024年上半年工作总结报送情况.xlsx", "甲街道团工委.docx"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(archive.read("甲街道团工委.docx"))).paragraphs)
    assert "甲：阵地建设不足" in text
    cover = openpyxl.load_workbook(io.BytesIO(archive.read(names[0]))).active
    assert ("甲街道团工委", "已接收") in [(r[0], r[1]) for r in cover.iter_rows(values_only=True)]


def test_insert_an_item_attributed_with_its_figures_not_counted_again(
    asked, district, staff, secretary_a, data, django_capture_on_commit_callbacks
):
    a = asked.submissions.get(organisation=district.sub_a)
    finalise(district.sub_a, secretary_a, django_capture_on_commit_callbacks)
    services.submission_submit(submission=a, user=secretary_a)
    with django_capture_on_commit_callbacks(execute=False):
        from reports import services as report_services

        own = report_services.report_start(organisation=district.root, year=2024, half=1, user=staff)
        report_services.report_queue_job(report=own)
    report_services.report_run_job(report_id=own.pk)
    own.refresh_from_db()

    panel = selectors.drawing_panel(report=own, user=staff)["drawing"]
    entries = [e for section in panel["sections"] for _, items in section.committees for e in items]
    campaign = next(e for e in entries if e.item.key.startswith("campaign:"))
    # The district's own compile counts the same campaign over the whole district.
    assert campaign.counted_by
    assert selectors.drawing_panel(report=own, user=secretary_a) == {}  # not the requester's editor

    services.submission_insert_item(report=own, submission=a, key=campaign.item.key, user=staff)
    content = ReportContent.from_json(Report.objects.get(pk=own.pk).content)
    inserted = content.find(f"from:{a.pk}:{campaign.item.key}")
    assert inserted.render() == f"甲街道团工委：{campaign.text}"
    for name, figure in inserted.figures.items():
        assert figure.link == campaign.item.figures[name].link  # linked to that committee's data
        assert figure.label.startswith("甲街道团工委：") and figure.label.endswith("已计入本级合计，不另计）")
    # The district's own campaign figures are unchanged: nothing added to them.
    before = ReportContent.from_json(own.content).find(campaign.item.key)
    assert content.find(campaign.item.key).figures == before.figures
    with pytest.raises(ValidationError, match="已插入"):
        services.submission_insert_item(report=own, submission=a, key=campaign.item.key, user=staff)
    with pytest.raises(PermissionDenied):
        services.submission_insert_item(report=own, submission=a, key=campaign.item.key, user=secretary_a)


def test_a_school_committee_asks_its_general_branches(district, six, django_capture_on_commit_callbacks):
    grade = OrganisationFactory(name="高一年级团总支", kind=Kind.GENERAL_BRANCH, parent=six.school)
    OrganisationFactory(name="高一（1）班团支部", kind=Kind.BRANCH, parent=grade)
    teachers = OrganisationFactory(name="教职工团总支", kind=Kind.GENERAL_BRANCH, parent=six.school)
    school_secretary = UserFactory(role=Role.SECRETARY, organisation=six.school)
    grade_secretary = UserFactory(role=Role.SECRETARY, organisation=grade)
    request = services.request_create(
        organisation=six.school,
        year=2024,
        half=1,
        deadline=date(2024, 7, 5),
        user=school_secretary,
        today=date(2024, 7, 1),
    )
    assert set(request.submissions.values_list("organisation", flat=True)) == {grade.pk, teachers.pk}
    assert Message.objects.filter(recipient=grade_secretary).count() == 1
    mine = request.submissions.get(organisation=grade)
    finalise(grade, grade_secretary, django_capture_on_commit_callbacks)
    services.submission_submit(submission=mine, user=grade_secretary)
    with pytest.raises(PermissionDenied):
        services.submission_accept(submission=mine, user=grade_secretary)
    services.submission_accept(submission=mine, user=school_secretary)
    assert Submission.objects.get(pk=mine.pk).state == SubmissionState.ACCEPTED
    assert [r.submission.organisation for r in selectors.status_rows(request=request, user=grade_secretary)] == [grade]
