"""The access rule of every URL of the portal, for tests/security/test_url_walk.py.

The walker resolves every URL pattern of the project (the Django admin's own are tested
apart, in test_admin_access.py), builds each URL from an object in secretary_b's subtree
and requests it as anonymous, secretary_a, secretary_b, leader and staff. A pattern with
no line in RULES fails the walk; so does a line for a pattern that no longer exists.

One line per URL name, in RULES below:

    "members:detail": read(obj="member"),
    "members:update": write(obj="member", methods=GET_POST),
    "members:delete": write(obj="member", methods=POST),
    "reports:finalise": staff(obj="report", methods=POST),

The helper is the view's access level; the walker checks that the view class declares
the same ``access`` (accounts.access):

    public()   no sign-in (Access.PUBLIC, or one of Django's public auth views)
    read()     any signed-in role, leadership included (Access.READ)
    own()      the signed-in user's own account, every role (Access.READ): password change
    write()    staff and secretaries (Access.WRITE); leadership gets 403 on GET and POST
    staff()    committee staff only (Access.STAFF)

Keyword arguments:

    obj="name"     the URL points at OBJECTS["name"], an object in secretary_b's subtree:
                   secretary_a must get 404 on every method, everyone else the rule of the
                   level. The URL kwargs default to {"pk": obj.pk}.
    kwargs=fn      fn(obj) -> URL kwargs when they are not {"pk": obj.pk} (obj may be None)
    methods=GET    the methods the view answers: GET, POST or GET_POST. Staff must get
                   405 for the other one (class-based views).
    scoped=False   the object is not in anyone's subtree (a campaign, an indicator): no 404
                   for secretary_a, only the level's rule.
    mine=True      the object belongs to whoever made it (secretary_b): everyone else,
                   staff included, gets 404.
    query=fn       fn(obj) -> dict added to the URL's query string (e.g. {"key": ...})
    expect={...}   per-persona exceptions to the level's rule, with the reason in a comment:
                   {"secretary_b": 404} for an object secretaries never see (a draft report).
    data=fn        fn(obj) -> POST data; the default is an empty form, which a form view
                   answers by re-showing itself (200).
    ok=(...)       the statuses that count as success (default 200 and 302; a 302 to the
                   login page never counts).

OBJECTS names the objects rules point at: name -> builder(world) returning an object in
secretary_b's subtree (world.district.sub_b / branch_b; world.secretary_b for ownership).
Builders run on demand, once per test.

EXPORTS lists every exporter of core.export_registry: identifier -> ExportRule(setup,
queries). ``setup(world)`` creates rows on both sides and returns (inside, outside): texts
that secretary_a's export must contain, and texts of secretary_b's subtree (or above
secretary_a) that no export by secretary_a may contain. ``queries(world)`` gives list
query strings to try, including ones that name secretary_b's objects.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

GET = frozenset({"get"})
POST = frozenset({"post"})
GET_POST = frozenset({"get", "post"})

PUBLIC, READ, OWN, WRITE, STAFF = "public", "read", "own", "write", "staff"


@dataclass(frozen=True)
class Rule:
    kind: str
    obj: str | None = None
    kwargs: Callable | None = None
    methods: frozenset = GET
    mine: bool = False
    scoped: bool = True
    query: Callable | None = None
    expect: dict = field(default_factory=dict)
    data: Callable | None = None
    ok: tuple = (200, 302)


def public(**kw) -> Rule:
    return Rule(PUBLIC, **kw)


def read(**kw) -> Rule:
    return Rule(READ, **kw)


def own(**kw) -> Rule:
    return Rule(OWN, **kw)


def write(**kw) -> Rule:
    return Rule(WRITE, **kw)


def staff(**kw) -> Rule:
    return Rule(STAFF, **kw)


# --- Objects in secretary_b's subtree ------------------------------------------


def _export_job(world):
    from core import services

    job = services.export_request(user=world.secretary_b, exporter="organisations", params={})
    return services.export_run(job_id=job.pk)


def _factories():
    from tests.activities import factories

    return factories


def _activity(world, status="draft", **fields):
    return _factories().ActivityFactory(
        organisation=world.district.branch_b, created_by=world.secretary_b, status=status, **fields
    )


def _activity_file(world):
    from django.core.files.base import ContentFile

    from activities.models import ActivityFile, FileKind

    activity = world.obj("activity")
    stored = ActivityFile(
        activity=activity, kind=FileKind.PDF, original_name="乙支部活动通知.pdf", size=12, uploaded_by=world.secretary_b
    )
    stored.file.save("notice.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
    stored.save()
    return stored


def _report(world, *, final: bool):
    from django.db import transaction

    from reports import services

    # Queued inside the test's transaction, the jobs never start on commit: they run here.
    with transaction.atomic():
        report = services.report_start(organisation=world.district.sub_b, year=2024, half=1, user=world.staff)
        services.report_queue_job(report=report)
    services.report_run_job(report_id=report.pk)
    report.refresh_from_db()
    if final:
        from activities.models import Dimension

        # Nothing was logged under 乙: staff write the sections a report may not leave empty.
        services.report_add_item(report=report, section=Dimension.UNITE_YOUTH, text="组织开展主题团日活动")
        services.report_add_item(report=report, section="problems", text="活动开展不够经常")
        with transaction.atomic():
            report = services.report_finalise(report=report, user=world.staff, numbers_confirmed=True)
        services.report_run_job(report_id=report.pk)
        report.refresh_from_db()
    return report


def first_item_key(report) -> str:
    from reports.content import ReportContent

    return ReportContent.from_json(report.content).all_items()[0].key


def _member(world, **fields):
    from tests.factories import MemberFactory

    return MemberFactory(organisation=world.district.branch_b, name="乙支部团员", **fields)


def _transfer(world):
    from members.choices import TransferReason
    from members.models import Transfer

    return Transfer.objects.create(
        member=world.obj("member"),
        from_organisation=world.district.branch_b,
        to_organisation=world.district.sub_b,
        reason=TransferReason.RELOCATION,
        requested_by=world.secretary_b,
    )


def _recruitment(world):
    from datetime import date

    from members.choices import Category
    from members.models import RecruitmentCase

    applicant = _member(world, category=Category.YOUTH)
    return RecruitmentCase.objects.create(
        member=applicant, organisation=world.district.branch_b, applied_on=date(2024, 3, 1)
    )


def _cadre(world):
    from datetime import date

    from members.choices import CadreKind
    from members.models import CadreAppointment

    return CadreAppointment.objects.create(
        member=world.obj("member"),
        organisation=world.district.branch_b,
        kind=CadreKind.PART_TIME,
        position="书记",
        started_on=date(2023, 1, 1),
    )


def _counsellor(world):
    from datetime import date

    from members.choices import CounsellorRole
    from members.models import CounsellorAppointment

    return CounsellorAppointment.objects.create(
        member=world.obj("member"),
        organisation=world.district.branch_b,
        role=CounsellorRole.SQUADRON,
        started_on=date(2023, 9, 1),
    )


def _cohort(world):
    from branches.models import Kind
    from members.models import SchoolCohort
    from tests.factories import OrganisationFactory

    school = OrganisationFactory(name="乙街道中学团委", kind=Kind.SCHOOL, parent=world.district.sub_b)
    return SchoolCohort.objects.create(school=school, graduation_year=2025, student_count=300)


def _member_import(world):
    from members.models import MemberImport

    return MemberImport.objects.create(
        organisation=world.district.branch_b, uploaded_by=world.secretary_b, original_name="乙支部名册.xlsx"
    )


def _honour(world, status="draft", **fields):
    from django.core.files.base import ContentFile

    from tests.honours.factories import HonourFactory

    honour = HonourFactory(organisation=world.district.branch_b, recipient_name="乙支部获奖人", status=status, **fields)
    honour.certificate.save("certificate.pdf", ContentFile(b"%PDF-1.4 certificate"), save=False)
    honour.certificate_name = "证书.pdf"
    honour.save()
    return honour


def _batch(world, status="draft"):
    from django.core.files.base import ContentFile

    from tests.honours.factories import BatchFactory, HonourFactory

    batch = BatchFactory(organisation=world.district.sub_b, status=status)
    HonourFactory(batch=batch, organisation=world.district.branch_b, recipient_name="乙名单获奖人")
    batch.document.save("document.pdf", ContentFile(b"%PDF-1.4 document"), save=False)
    batch.document_name = "表彰文件.pdf"
    batch.save()
    return batch


def _batch_import(world):
    from honours.models import BatchImport

    return BatchImport.objects.create(
        batch=_batch(world), uploaded_by=world.secretary_b, original_name="乙名单.xlsx", status="previewed"
    )


def _body(world):
    from honours.models import Level
    from tests.honours.factories import body

    return body("共青团乙市委员会", Level.CITY, "乙团市委")


def _obligation(world):
    from obligations.models import Obligation

    return Obligation.objects.order_by("pk").first()  # the migration's defaults


def _message(world):
    from obligations.models import Message

    return Message.objects.create(
        recipient=world.secretary_b,
        organisation=world.district.branch_b,
        subject="【履职提醒】乙社区团支部：支委会尚未完成",
        body="乙社区团支部：本月支委会尚未召开。",
        link="/obligations/due/",
    )


def _reminder(world):
    import uuid
    from datetime import date

    from obligations.models import EmailStatus, Reminder, ReminderKind

    return Reminder.objects.create(
        obligation=_obligation(world),
        organisation=world.district.branch_b,
        period_start=date(2026, 11, 1),
        period_end=date(2026, 11, 30),
        kind=ReminderKind.UPCOMING,
        recipient=world.secretary_b,
        run_id=uuid.uuid4(),
        email_status=EmailStatus.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused",
    )


def _summary_request(world):
    from datetime import timedelta

    from django.utils import timezone

    from submissions import services

    request = services.request_create(
        organisation=world.district.root,
        year=2024,
        half=1,
        deadline=timezone.localdate() + timedelta(days=10),
        user=world.staff,
    )
    # Addressed to sub_b alone: secretary_a's committee is not asked.
    request.submissions.exclude(organisation=world.district.sub_b).delete()
    return request


def _staffing(world):
    from datetime import date

    from branches import services

    return services.staffing_record_create(
        user=world.staff,
        organisation=world.district.sub_b,
        recorded_on=date(2024, 3, 1),
        posts={"secretary": {"approved": 1, "in_post": 1}},
    )


def _renewal(world):
    from datetime import date

    from branches import services

    return services.term_renewal_record(
        user=world.staff, organisation=world.district.branch_b, held_on=date(2024, 3, 1)
    )


def _resource(world, slug):
    from resources import services

    common = {"user": world.staff, "organisation": world.district.branch_b}
    day = date(2024, 3, 1)
    if slug == "base":
        return services.base_create(
            **common, name="乙社区青年之家", kind="youth_home", level="district", recognised_on=day
        )
    if slug == "coverage":
        return services.coverage_create(
            **common, title="乙社区志愿服务见报", outlet="中国青年报", outlet_level="central", published_on=day
        )
    if slug == "partner":
        return services.partner_create(**common, name="乙社区共建企业", since=day)
    return services.donation_create(**common, received_on=day, money=1000)


OBJECTS: dict[str, Callable] = {
    "honour": _honour,
    "honour_submitted": lambda world: _honour(world, status="submitted"),
    "batch": _batch,
    "batch_submitted": lambda world: _batch(world, status="submitted"),
    "body": _body,
    "member": _member,
    "transfer": _transfer,
    "recruitment": _recruitment,
    "cadre": _cadre,
    "counsellor": _counsellor,
    "cohort": _cohort,
    "member_import": _member_import,
    "batch_import": _batch_import,
    "organisation": lambda world: world.district.branch_b,
    "committee": lambda world: world.district.sub_b,
    "staffing": _staffing,
    "renewal": _renewal,
    "base": lambda world: _resource(world, "base"),
    "coverage": lambda world: _resource(world, "coverage"),
    "partner": lambda world: _resource(world, "partner"),
    "donation": lambda world: _resource(world, "donation"),
    "export_job": _export_job,
    "activity": _activity,
    "activity_submitted": lambda world: _activity(world, status="submitted"),
    "activity_file": _activity_file,
    "campaign": lambda world: _factories().CampaignFactory(),
    "indicator": lambda world: _factories().IndicatorFactory(),
    "report": lambda world: _report(world, final=True),
    "report_draft": lambda world: _report(world, final=False),
    "obligation": _obligation,
    "message": _message,
    "reminder": _reminder,
    "summary_request": _summary_request,
    "submission": lambda world: world.obj("summary_request").submissions.get(),
}

# Review steps sit in a view shared with the secretaries' own steps (Access.WRITE); the
# review service itself refuses anyone but staff.
REVIEW = {"secretary_b": 403}

# The requester's steps on a submission sit in a view shared with the asked committee's own
# step (Access.WRITE); the services refuse anyone not acting for the requesting committee.
REQUESTER = {"secretary_b": 403}


# --- Rules, one line per URL name ------------------------------------------------

RULES: dict[str, Rule] = {
    # accounts
    "login": public(methods=GET_POST),
    "logout": own(methods=POST),
    "password_change": own(methods=GET_POST),
    "password_change_done": own(),
    "password_reset": public(methods=GET_POST),
    "password_reset_done": public(),
    "password_reset_confirm": public(methods=GET_POST, kwargs=lambda obj: {"uidb64": "MQ", "token": "bad-token"}),
    "password_reset_complete": public(),
    "password_reset_sms": public(methods=GET_POST),
    "password_reset_sms_confirm": public(methods=GET_POST),
    "mobile": own(methods=GET_POST),
    # core
    "dashboards:home": read(),
    "core:healthz": public(ok=(200, 503)),
    "core:export_list": read(),
    "core:export_start": read(methods=POST, data=lambda obj: {"exporter": "organisations", "query": ""}),
    "core:export_detail": read(obj="export_job", mine=True),
    "core:export_status": read(obj="export_job", mine=True),
    "core:export_download": read(obj="export_job", mine=True),
    "core:export_retry": read(obj="export_job", mine=True, methods=POST),
    "core:audit_list": staff(),
    # branches
    "branches:tree": read(),
    # The picker's search: each user's own scope (tests/branches/test_picker.py checks which).
    "branches:pick": read(kwargs=lambda obj: {"source": "active"}),
    "branches:create": staff(methods=GET_POST),
    "branches:detail": read(obj="organisation"),
    "branches:update": staff(obj="organisation", methods=GET_POST),
    "branches:move": staff(obj="organisation", methods=GET_POST),
    "branches:deactivate": staff(obj="organisation", methods=GET_POST),
    "branches:reactivate": staff(obj="organisation", methods=GET_POST),
    # A committee's staffing and any organisation's renewals: secretaries within their subtree.
    "branches:staffing_create": write(obj="committee", methods=GET_POST),
    "branches:staffing_update": write(obj="staffing", methods=GET_POST),
    "branches:staffing_delete": write(obj="staffing", methods=GET_POST),
    "branches:renewal_create": write(obj="organisation", methods=GET_POST),
    "branches:renewal_update": write(obj="renewal", methods=GET_POST),
    "branches:renewal_delete": write(obj="renewal", methods=GET_POST),
    # activities
    "activities:list": read(),
    "activities:calendar": read(),
    "activities:pick": read(),
    "activities:create": write(methods=GET_POST),
    "activities:roster": write(obj="organisation", kwargs=lambda obj: {}, query=lambda org: {"organisation": org.pk}),
    "activities:detail": read(obj="activity"),
    "activities:update": write(obj="activity", methods=GET_POST),
    "activities:submit": write(obj="activity", methods=POST),
    "activities:withdraw": write(obj="activity_submitted", methods=POST),
    "activities:approve": staff(obj="activity_submitted", methods=POST),
    "activities:return": staff(obj="activity_submitted", methods=GET_POST),
    "activities:delete": write(obj="activity", methods=GET_POST),
    "activities:file": read(obj="activity_file"),
    "activities:file_delete": write(obj="activity_file", methods=POST),
    "activities:review": staff(),
    "activities:review_bulk": staff(methods=POST),
    "activities:campaigns": read(),
    "activities:campaign_create": staff(methods=GET_POST),
    "activities:campaign_update": staff(obj="campaign", scoped=False, methods=GET_POST),
    "activities:indicators": read(),
    "activities:indicator_create": staff(methods=GET_POST),
    "activities:indicator_update": staff(obj="indicator", scoped=False, methods=GET_POST),
    "activities:indicator_entry": write(methods=GET_POST),
    "activities:indicator_summary": read(),
    # reports
    "reports:list": read(),
    # Staff, and a secretary on the reports of the committee they run (sub_b is secretary_b's).
    "reports:start": write(methods=GET_POST),
    "reports:detail": read(obj="report"),
    "reports:print": read(obj="report"),
    "reports:status": read(obj="report"),
    "reports:download": read(obj="report", kwargs=lambda report: {"pk": report.pk, "fmt": "docx"}),
    "reports:refresh": write(obj="report", methods=POST),
    "reports:finalise": write(obj="report", methods=POST),
    "reports:reopen": write(obj="report", methods=POST),
    "reports:item_action": write(obj="report", methods=POST),
    "reports:item_style": write(obj="report", methods=POST),
    "reports:item_edit": write(
        obj="report_draft", methods=GET_POST, query=lambda report: {"key": first_item_key(report)}
    ),
    "reports:item_add": write(obj="report_draft", methods=GET_POST),
    "reports:headings": write(obj="report_draft", methods=GET_POST),
    # submissions
    "submissions:list": read(),
    "submissions:create": write(methods=GET_POST),
    "submissions:detail": read(obj="summary_request"),
    "submissions:export": read(obj="summary_request"),
    # An asked committee downloads its own summary, not the .zip of everyone's.
    "submissions:archive": read(obj="summary_request", expect=REQUESTER),
    "submissions:submit": write(obj="submission", methods=POST),
    "submissions:return": write(obj="submission", methods=POST, expect=REQUESTER),
    "submissions:accept": write(obj="submission", methods=POST, expect=REQUESTER),
    "submissions:insert": write(obj="submission", methods=POST, expect=REQUESTER),
    # members
    "members:list": read(),
    "members:find": read(methods=POST),
    "members:create": write(methods=GET_POST),
    "members:detail": read(obj="member"),
    "members:update": write(obj="member", methods=GET_POST),
    "members:reveal_id": staff(obj="member", methods=POST),
    "members:transfer_create": write(obj="member", methods=GET_POST),
    "members:recruitment_start": write(obj="member", methods=GET_POST),
    "members:cadre_create": write(obj="member", methods=GET_POST),
    "members:counsellor_create": write(obj="member", methods=GET_POST),
    "members:cadre_end": write(obj="cadre", methods=POST),
    "members:counsellor_end": write(obj="counsellor", methods=POST),
    "members:transfers": read(),
    "members:transfer_accept": write(obj="transfer", methods=POST),
    "members:transfer_reject": write(obj="transfer", methods=POST),
    "members:transfer_cancel": write(obj="transfer", methods=POST),
    "members:recruitment": read(),
    "members:recruitment_advance": write(obj="recruitment", methods=POST),
    "members:recruitment_stop": write(obj="recruitment", methods=POST),
    "members:cohorts": read(),
    "members:overview": read(obj="organisation", kwargs=lambda obj: {}, query=lambda org: {"organisation": org.pk}),
    "members:recorded_count_create": write(methods=GET_POST),
    "members:cohort_create": write(methods=GET_POST),
    "members:cohort_update": write(obj="cohort", methods=GET_POST),
    "members:ageing": read(),
    "members:ageing_confirm": staff(methods=POST),
    "members:import": write(methods=GET_POST),
    "members:import_template": write(),
    "members:import_detail": read(obj="member_import"),
    "members:import_status": read(obj="member_import"),
    "members:import_problems": read(obj="member_import"),
    "members:import_confirm": write(obj="member_import", methods=POST),
    "members:import_retry": write(obj="member_import", methods=POST),
    "members:import_discard": write(obj="member_import", methods=POST),
    # honours
    "honours:list": read(),
    "honours:summary": read(),
    "honours:create": write(methods=GET_POST),
    "honours:detail": read(obj="honour"),
    "honours:update": write(obj="honour", methods=GET_POST),
    "honours:submit": write(obj="honour", methods=POST),
    "honours:withdraw": write(obj="honour_submitted", methods=POST),
    "honours:approve": write(obj="honour", methods=POST, expect=REVIEW),
    "honours:return": write(obj="honour_submitted", methods=POST, expect=REVIEW),
    "honours:delete": write(obj="honour", methods=POST),
    "honours:certificate": read(obj="honour"),
    "honours:certificate_upload": write(obj="honour", methods=POST),
    "honours:batch_list": read(),
    "honours:batch_create": write(methods=GET_POST),
    "honours:batch_template": write(),
    "honours:batch_detail": read(obj="batch"),
    "honours:batch_update": write(obj="batch", methods=GET_POST),
    "honours:batch_pick": write(obj="batch", methods=GET_POST),
    "honours:batch_count": write(obj="batch", methods=GET_POST),
    "honours:batch_upload": write(obj="batch", methods=GET_POST),
    "honours:batch_document": read(obj="batch"),
    "honours:batch_remove": write(obj="batch", methods=POST),
    "honours:batch_submit": write(obj="batch", methods=POST),
    "honours:batch_withdraw": write(obj="batch_submitted", methods=POST),
    "honours:batch_approve": write(obj="batch", methods=POST, expect=REVIEW),
    "honours:batch_return": write(obj="batch_submitted", methods=POST, expect=REVIEW),
    "honours:batch_delete": write(obj="batch", methods=POST),
    # A list's import: whoever may import into the list (404 outside it), never leadership (403).
    "honours:import_detail": write(obj="batch_import"),
    "honours:import_status": write(obj="batch_import"),
    "honours:import_problems": write(obj="batch_import"),
    "honours:import_confirm": write(obj="batch_import", methods=POST),
    "honours:import_retry": write(obj="batch_import", methods=POST),
    "honours:import_discard": write(obj="batch_import", methods=POST),
    # Conferring bodies: committee staff keep them; secretaries and leadership only choose from them.
    "honours:body_list": staff(),
    "honours:body_create": staff(methods=GET_POST),
    "honours:body_update": staff(obj="body", scoped=False, methods=GET_POST),
    # obligations
    "obligations:compliance": read(),
    "obligations:cell": read(obj="organisation", kwargs=lambda org: {"pk": org.pk, "obligation": _obligation(None).pk}),
    "obligations:due": read(),
    "obligations:inbox": read(),
    "obligations:inbox_read_all": read(methods=POST),
    "obligations:message_read": read(obj="message", mine=True, methods=POST),
    "obligations:message_open": read(obj="message", mine=True, methods=POST),
    "obligations:list": read(),
    "obligations:create": staff(methods=GET_POST),
    "obligations:update": staff(obj="obligation", scoped=False, methods=GET_POST),
    "obligations:schedule": staff(methods=GET_POST),
    "obligations:run_now": staff(methods=POST),
    "obligations:reminders": read(),
    "obligations:reminder_retry": staff(obj="reminder", methods=POST),
    # resources: bases, coverage, partners, donations; secretaries within their subtree
    **{
        name: rule
        for slug in ("base", "coverage", "partner", "donation")
        for name, rule in (
            (f"resources:{slug}_list", read()),
            (f"resources:{slug}_create", write(methods=GET_POST)),
            (f"resources:{slug}_update", write(obj=slug, methods=GET_POST)),
            (f"resources:{slug}_delete", write(obj=slug, methods=GET_POST)),
        )
    },
    "obligations:channels": staff(),
    "obligations:channel_edit": staff(obj="organisation", methods=GET_POST),
    "obligations:channel_test": staff(
        obj="organisation", methods=POST, kwargs=lambda org: {"pk": org.pk, "channel": "wecom"}
    ),
    # security
    "security:lockouts": staff(),
    "security:lockout_release": staff(methods=POST),
    "security:history": staff(),
}


# --- Exports: no row from outside the requester's scope ----------------------------


@dataclass(frozen=True)
class ExportRule:
    setup: Callable
    queries: Callable = field(default=lambda world: [""])


def _organisations(world):
    d = world.district
    return [d.sub_a.name, d.branch_a.name], [d.root.name, d.sub_b.name, d.branch_b.name]


def _activities(world):
    from tests.activities.factories import ActivityFactory

    d = world.district
    ActivityFactory(organisation=d.branch_a, title="甲支部主题团日")
    ActivityFactory(organisation=d.sub_a, title="甲街道志愿服务")
    ActivityFactory(organisation=d.branch_b, title="乙支部主题团日")
    ActivityFactory(organisation=d.root, title="区团委专题学习")
    return ["甲支部主题团日", "甲街道志愿服务"], ["乙支部主题团日", "区团委专题学习", d.sub_b.name, d.branch_b.name]


def _members(world):
    from tests.factories import MemberFactory

    d = world.district
    MemberFactory(organisation=d.branch_a, name="甲支部张红")
    MemberFactory(organisation=d.sub_a, name="甲街道李明")
    MemberFactory(organisation=d.branch_b, name="乙支部王芳")
    MemberFactory(organisation=d.root, name="区团委赵强")
    return ["甲支部张红", "甲街道李明"], ["乙支部王芳", "区团委赵强"]


def _honours(world):
    from tests.honours.factories import HonourFactory

    d = world.district
    HonourFactory(organisation=d.branch_a, recipient_name="甲支部获奖人")
    HonourFactory(organisation=d.sub_a, recipient_name="甲街道获奖人")
    HonourFactory(organisation=d.branch_b, recipient_name="乙支部获奖人")
    HonourFactory(organisation=d.root, recipient_name="区团委获奖人")
    return ["甲支部获奖人", "甲街道获奖人"], ["乙支部获奖人", "区团委获奖人", d.sub_b.name, d.branch_b.name]


def _compliance(world):
    from tests.activities.factories import ActivityFactory

    d = world.district
    # The default obligations apply: 支委会 for the branches, the monthly study for the committees.
    ActivityFactory(organisation=d.branch_a, title="甲支部支委会", kind="committee_meeting")
    ActivityFactory(organisation=d.branch_b, title="乙支部支委会", kind="committee_meeting")
    return [d.sub_a.name, d.branch_a.name], [d.root.name, d.sub_b.name, d.branch_b.name]


def _reminders(world):
    from obligations.models import Reminder, ReminderKind

    d = world.district
    for org in (d.branch_a, d.sub_a, d.branch_b, d.root):
        Reminder.objects.create(
            organisation=org,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 3, 31),
            kind=ReminderKind.TERM_90,
            recipient=world.staff,
            run_id=uuid.uuid4(),
        )
    return [d.sub_a.name, d.branch_a.name], [d.root.name, d.sub_b.name, d.branch_b.name]


def _resources(world):
    from resources import services

    d = world.district
    for org, name in ((d.branch_a, "甲支部"), (d.sub_a, "甲街道"), (d.branch_b, "乙支部"), (d.root, "区团委")):
        services.base_create(
            user=world.staff,
            organisation=org,
            name=f"{name}青年之家",
            kind="youth_home",
            level="district",
            recognised_on=date(2024, 3, 1),
        )
        services.donation_create(
            user=world.staff, organisation=org, received_on=date(2024, 3, 1), donor=f"{name}捐赠人", money=10
        )
    return ["甲支部青年之家", "甲街道捐赠人"], ["乙支部青年之家", "区团委捐赠人", d.sub_b.name, d.branch_b.name]


EXPORTS: dict[str, ExportRule] = {
    "resources": ExportRule(
        setup=_resources,
        queries=lambda world: [
            "",
            f"organisation={world.district.branch_b.pk}",
            f"organisation={world.district.root.pk}",
            "q=乙",
        ],
    ),
    "compliance": ExportRule(
        setup=_compliance,
        queries=lambda world: [
            "",
            f"organisation={world.district.branch_b.pk}",
            f"organisation={world.district.root.pk}",
            "period=previous",
            "kind=branch",
        ],
    ),
    "honours": ExportRule(
        setup=_honours,
        queries=lambda world: [
            "",
            f"organisation={world.district.branch_b.pk}",
            f"organisation={world.district.root.pk}",
            "q=乙",
        ],
    ),
    "members": ExportRule(
        setup=_members,
        queries=lambda world: ["", f"org={world.district.branch_b.pk}", f"org={world.district.root.pk}", "q=乙"],
    ),
    "activities": ExportRule(
        setup=_activities,
        queries=lambda world: [
            "",
            f"organisation={world.district.branch_b.pk}",
            f"organisation={world.district.root.pk}",
            "q=乙",
        ],
    ),
    "reminders": ExportRule(
        setup=_reminders,
        queries=lambda world: ["", f"organisation={world.district.branch_b.pk}", "created_from=2024-01-01"],
    ),
    "organisations": ExportRule(
        setup=_organisations,
        queries=lambda world: [
            "",
            f"root={world.district.sub_b.pk}",
            f"root={world.district.root.pk}",
            "q=乙",
            "kind=branch",
        ],
    ),
}
