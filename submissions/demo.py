"""A demo request: the district asks for the current half year's summaries, with a mix of statuses.

东环街道 (secretary_a's) has been accepted, 西环街道 (secretary_b's) returned with a comment and
revising version 2, 南站街道 submitted and waiting, 北城街道 drafting; the rest have not started.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role, User
from activities.models import Dimension
from reports import services as report_services
from reports.content import ReportContent
from reports.models import Report

from . import services
from .models import Submission, SummaryRequest

NOTE = "请各街道团工委、学校团委对照年初工作计划，全面总结本半年工作，定稿后在平台报送。"


def _finalised(org, year, half, user) -> Report:
    report = report_services.report_start(organisation=org, year=year, half=half, user=user)
    report_services.report_compile(report=report, user=user)
    report.refresh_from_db()
    content = ReportContent.from_json(report.content)
    if not any(i.render().strip() for s in content.achievements for i in s.items):
        report_services.report_add_item(report=report, section=Dimension.UNITE_YOUTH, text="组织开展主题团日活动")
    report_services.report_add_item(report=report, section="problems", text="基层团组织活动开展不够均衡")
    if not content.plan:
        report_services.report_add_item(report=report, section="plan", heading="从严治团", text="每月开展一场专题学习")
    report = report_services.report_finalise(report=report, user=user, numbers_confirmed=True)
    report_services.report_run_job(report_id=report.pk)
    return report


def load(rng, tree) -> int:
    today = timezone.localdate()
    year, half = today.year, (1 if today.month <= 6 else 2)
    staff = User.objects.filter(role=Role.STAFF).order_by("pk").first()
    request = services.request_create(
        organisation=tree.district,
        year=year,
        half=half,
        deadline=today + timedelta(days=7),
        note=NOTE,
        user=staff,
        today=today,
    )
    subs = tree.subdistricts
    by_org = {s.organisation_id: s for s in request.submissions.all()}
    secretary = {u.organisation_id: u for u in User.objects.filter(role=Role.SECRETARY)}

    def act_for(org):
        return secretary.get(org.pk, staff)

    accepted, returned, submitted, drafting = subs[0], subs[1], subs[2], subs[3]
    for org in (accepted, returned, submitted):
        _finalised(org, year, half, act_for(org))
        services.submission_submit(submission=by_org[org.pk], user=act_for(org))
    services.submission_accept(submission=by_org[accepted.pk], user=staff)
    services.submission_return(
        submission=by_org[returned.pk], user=staff, comment="请补充“青年大学习”开展情况和参学人数。"
    )
    report_services.report_start(organisation=drafting, year=year, half=half, user=act_for(drafting))
    return request.submissions.count()


def reset() -> None:
    Submission.objects.all().delete()
    SummaryRequest.objects.all().delete()
    Submission.history.all().delete()
    SummaryRequest.history.all().delete()
