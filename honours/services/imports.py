"""Recipients of a commendation list from .xlsx: check every row, then write all or nothing.

The file is checked before anything parses it (core.uploads: type from content, size,
zip-bomb limits) and read as text (core.xlsx). A person with an ID number is matched
against the roster through the members app's keyed hash: the number is never stored,
logged or echoed. Through the web the file is read by a task, never in a request
(``import_jobs``); it waits for that task and the confirmation encrypted, and is deleted after.
"""

from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from branches.models import Organisation
from branches.scoping import Scope
from core.audit import audit_record, mask_id_numbers
from core.models import AuditAction
from core.uploads import XLSX, validate_upload
from core.xlsx import SheetData, TemplateColumn, read_sheet, template_width, write_template
from members import crypto, idcard
from members.ages import today
from members.models import Member
from members.services.imports import Problem

from ..models import COLLECTIVE_KINDS, PERSON_KINDS, PIONEER_ORGANISATION_KINDS, CommendationBatch, RecipientKind
from .batches import MAX_TITLE, _locked, _require_edit, check_recipient, new_recipient, write_recipients

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
CHANGE_REASON = "表彰名单导入"


class Col:
    TITLE = "荣誉称号"
    GRADE = "等次"
    KIND = "获奖对象类别"
    NAME = "姓名或名称"
    ID_NUMBER = "身份证号码"
    ORGANISATION = "所属组织"
    CERTIFICATE_NUMBER = "证书编号"
    NOTE = "备注"


KIND_LABELS = "、".join(RecipientKind.labels)
COLUMNS = [
    TemplateColumn(Col.TITLE, width=20, required=True, note="必填。如：优秀少先队员、优秀少先队中队。"),
    TemplateColumn(Col.GRADE, width=10, note="可留空。如：一等奖。"),
    TemplateColumn(Col.KIND, width=14, required=True, note=f"必填：{KIND_LABELS}。"),
    TemplateColumn(
        Col.NAME,
        width=24,
        required=True,
        note="必填。个人填姓名；集体填组织全称或简称；单位（企业、社区等）填单位名称；项目填项目名称。",
    ),
    TemplateColumn(
        Col.ID_NUMBER,
        width=22,
        text=True,
        note="个人可填，用于关联花名册中的成员（号码只用于核对，不保存）。本列为文本格式，请勿改成数字格式。"
        "集体和项目不填。",
    ),
    TemplateColumn(
        Col.ORGANISATION,
        width=30,
        note="未关联花名册或组织架构的获奖对象所属的组织（全称或简称），须为名单所属组织或其下级；"
        "留空则为名单所属组织。关联成员的，以花名册登记的组织为准。",
    ),
    TemplateColumn(Col.CERTIFICATE_NUMBER, width=16, text=True, note="可留空。"),
    TemplateColumn(Col.NOTE, width=24, note="可留空。"),
]
REQUIRED = [c.header for c in COLUMNS if c.required]
FIELD_COLUMNS = {
    "title": Col.TITLE,
    "grade": Col.GRADE,
    "recipient_kind": Col.KIND,
    "recipient_name": Col.NAME,
    "member": Col.ID_NUMBER,
    "recipient_organisation": Col.NAME,
    "organisation": Col.ORGANISATION,
    "certificate_number": Col.CERTIFICATE_NUMBER,
    "note": Col.NOTE,
}
KINDS = {
    **{label: value for value, label in RecipientKind.choices},
    **{value: value for value in RecipientKind.values},
    "共青团员": RecipientKind.LEAGUE_MEMBER,
    "队员": RecipientKind.YOUNG_PIONEER,
    "辅导员": RecipientKind.COUNSELLOR,
    "团组织": RecipientKind.LEAGUE_COLLECTIVE,
    "团的集体": RecipientKind.LEAGUE_COLLECTIVE,
    "个人": RecipientKind.YOUTH,
    "企业": RecipientKind.UNIT,
    "社区": RecipientKind.UNIT,
}
# "集体" alone is accepted when the organisation named tells which line it is.
COLLECTIVE_ALIAS = "集体"


def batch_import_template() -> bytes:
    return write_template(COLUMNS, title="表彰名单")


@dataclass(frozen=True)
class PlannedRow:
    """A checked row as the preview shows it (no ID number: a linked member is named)."""

    row: int
    title: str
    grade: str
    kind: str  # the recipient kind's label
    name: str
    organisation: str
    link: str  # "member", "organisation" or "" (recorded by name)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    linked_members: int = 0
    linked_organisations: int = 0
    plain: int = 0
    applied: bool = False
    problems: list[Problem] = field(default_factory=list)
    planned: list[PlannedRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self, *, planned_limit: int = 1000) -> dict:
        data = {**asdict(self), "ok": self.ok, "planned_total": len(self.planned)}
        data["planned"] = data["planned"][:planned_limit]
        return data


class _RowProblems:
    # The same as members' private _RowErrors; both belong in core once shared.
    def __init__(self, report: ImportReport, letters: dict[str, str], row: int):
        self.report, self.letters, self.row = report, letters, row
        self.seen: set[tuple[str, str]] = set()

    def add(self, column: str, message: str) -> None:
        if (column, message) not in self.seen:
            self.seen.add((column, message))
            self.report.problems.append(Problem(self.row, column, self.letters.get(column, ""), message))

    @property
    def any(self) -> bool:
        return bool(self.seen)


def _organisations(batch: CommendationBatch, user) -> dict[str, Organisation | None]:
    """Names and short names in the list's subtree the user reaches; an ambiguous name maps to None."""
    qs = Organisation.objects.subtree_of(batch.organisation).visible_to(user).filter(active=True)
    subtree = list(qs)
    table: dict[str, Organisation | None] = {}
    for org in subtree:
        table[org.name] = None if org.name in table else org
    full_names = {org.name for org in subtree}
    for org in subtree:
        if org.short_name and org.short_name not in full_names:
            table[org.short_name] = None if org.short_name in table else org
    return table


def _members_by_hash(hashes: list[str]) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for start in range(0, len(hashes), 1000):
        chunk = hashes[start : start + 1000]
        for member in Member.objects.filter(id_number_hash__in=chunk).select_related("organisation"):
            found[member.id_number_hash] = member
    return found


def batch_import_plan(sheet: SheetData, *, batch: CommendationBatch, user) -> tuple[ImportReport, list]:
    """Check every row against the roster, the tree and the list; return the report and the rows to write."""
    report = ImportReport(rows=len(sheet.rows))
    letters = sheet.letters
    orgs = _organisations(batch, user)
    scope = Scope.of(user)
    on = today()

    parsed = []
    for row in sheet.rows:
        problems = _RowProblems(report, letters, row.number)
        cell = row.values.get
        title = (cell(Col.TITLE) or "").strip()
        if not title:
            problems.add(Col.TITLE, "荣誉称号不能为空。")
        elif len(title) > MAX_TITLE:
            problems.add(Col.TITLE, f"荣誉称号过长（不超过{MAX_TITLE}个字）。")
        name = (cell(Col.NAME) or "").strip()
        if not name:
            problems.add(Col.NAME, "姓名或名称不能为空。")
        elif len(name) > 120:
            problems.add(Col.NAME, "姓名或名称过长（不超过120个字）。")

        kind_text = (cell(Col.KIND) or "").strip()
        kind = KINDS.get(kind_text) or KINDS.get(kind_text.lower())
        if not kind_text:
            problems.add(Col.KIND, f"获奖对象类别不能为空（{KIND_LABELS}）。")
        elif kind is None and kind_text != COLLECTIVE_ALIAS:
            problems.add(Col.KIND, f"无法识别的获奖对象类别“{_echo(kind_text, 20)}”（应为{KIND_LABELS}）。")

        id_hash = None
        id_text = cell(Col.ID_NUMBER) or ""
        if id_text:
            if (kind is not None and kind not in PERSON_KINDS) or kind_text == COLLECTIVE_ALIAS:
                problems.add(Col.ID_NUMBER, "集体和项目不填身份证号码。")
            else:
                try:
                    id_hash = crypto.keyed_hash(idcard.parse(id_text, today=on).number)
                except idcard.IdNumberError as exc:
                    if Col.ID_NUMBER in row.numeric:
                        problems.add(
                            Col.ID_NUMBER,
                            "身份证号码被保存成了数字（如 4.5E+17），末几位已丢失。请把该列设为文本格式后重新填写。",
                        )
                    else:
                        problems.add(Col.ID_NUMBER, exc.message)

        owner = None
        org_text = (cell(Col.ORGANISATION) or "").strip()
        if org_text:
            owner = _find_org(org_text, orgs, batch, problems, Col.ORGANISATION)
        parsed.append((row, problems, title, name, kind, kind_text, id_hash, owner))

    members = _members_by_hash([p[6] for p in parsed if p[6]])
    existing = list(
        batch.honours.exclude(recipient_name="").values_list(
            "title", "member_id", "recipient_organisation_id", "recipient_name", "organisation_id"
        )
    )
    taken_members = {(t, m): None for t, m, _o, _n, _w in existing if m}
    taken_orgs = {(t, o): None for t, _m, o, _n, _w in existing if o}
    taken_names = {(t, n, w): None for t, m, o, n, w in existing if not m and not o}

    honours = []
    for row, problems, title, name, kind, kind_text, id_hash, owner in parsed:
        fields = {
            "title": title,
            "grade": (row.values.get(Col.GRADE) or "").strip()[:40],
            "certificate_number": (row.values.get(Col.CERTIFICATE_NUMBER) or "").strip()[:60],
            "note": (row.values.get(Col.NOTE) or "").strip(),
            "created_by": user,
        }
        member = org = None
        if id_hash is not None:
            member = members.get(id_hash)
            if member is None or not (
                member.organisation.path.startswith(batch.organisation.path) and scope.reaches(member.organisation)
            ):
                # The same words whether the number is unknown or registered elsewhere: nothing leaks.
                problems.add(Col.ID_NUMBER, "在本名单所属组织及下级的花名册中未找到该身份证号码。")
                member = None
            elif name and member.name != name:
                problems.add(Col.NAME, "姓名与花名册中该身份证号码登记的姓名不一致。")
        elif name and (kind in COLLECTIVE_KINDS or kind_text == COLLECTIVE_ALIAS):
            org = orgs.get(name)
            if name in orgs and org is None:
                problems.add(Col.NAME, f"“{_echo(name)}”对应多个组织，请填写组织全称。")
        if kind_text == COLLECTIVE_ALIAS:
            if org is None:
                problems.add(Col.KIND, "未关联到组织架构中的组织，请写明“团组织集体”或“少先队集体”。")
            else:
                kind = (
                    RecipientKind.PIONEER_COLLECTIVE
                    if org.kind in PIONEER_ORGANISATION_KINDS
                    else RecipientKind.LEAGUE_COLLECTIVE
                )
        if problems.any:
            continue

        if member is not None:
            first = taken_members.setdefault((title, member.pk), row.number)
            if first is not None and first != row.number:
                problems.add(Col.ID_NUMBER, f"与第 {first} 行是同一成员、同一称号。")
            elif first is None:
                problems.add(Col.ID_NUMBER, "该成员已在名单中（同一称号）。")
            honour = new_recipient(
                batch,
                **fields,
                recipient_kind=kind,
                member=member,
                recipient_name=member.name,
                organisation=member.organisation,
            )
        elif org is not None:
            first = taken_orgs.setdefault((title, org.pk), row.number)
            if first is not None and first != row.number:
                problems.add(Col.NAME, f"与第 {first} 行是同一组织、同一称号。")
            elif first is None:
                problems.add(Col.NAME, "该组织已在名单中（同一称号）。")
            honour = new_recipient(
                batch,
                **fields,
                recipient_kind=kind,
                recipient_organisation=org,
                recipient_name=org.name,
                organisation=org,
            )
        else:
            owner = owner or batch.organisation
            first = taken_names.setdefault((title, name, owner.pk), row.number)
            if first is not None and first != row.number:
                problems.add(Col.NAME, f"与第 {first} 行同名、同组织、同一称号；如确为不同的人，请在姓名后注明区分。")
            elif first is None:
                problems.add(Col.NAME, "名单中已有同名、同组织、同一称号的获奖对象。")
            honour = new_recipient(batch, **fields, recipient_kind=kind, recipient_name=name, organisation=owner)
        try:
            check_recipient(honour)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = FIELD_COLUMNS.get(field_name, Col.NAME)
                for message in messages:
                    problems.add(column, message)
        if problems.any:
            continue
        honours.append(honour)
        report.planned.append(
            PlannedRow(
                row.number,
                honour.title,
                honour.grade,
                RecipientKind(honour.recipient_kind).label,
                honour.recipient_name,
                honour.organisation.name,
                "member" if member is not None else "organisation" if org is not None else "",
            )
        )
        if member is not None:
            report.linked_members += 1
        elif org is not None:
            report.linked_organisations += 1
        else:
            report.plain += 1

    order = {header: i for i, header in enumerate(letters)}
    report.problems.sort(key=lambda p: (p.row, order.get(p.column, 99)))
    report.created = len(honours) if report.ok else 0
    return report, honours


def _echo(text: str, limit: int = 30) -> str:
    """A cell quoted back in a message: shortened, and an ID number typed in the wrong column masked."""
    return mask_id_numbers(text)[:limit]


def _find_org(text: str, orgs: dict, batch: CommendationBatch, problems: _RowProblems, column: str):
    if text not in orgs:
        problems.add(
            column, f"未找到组织“{_echo(text)}”（须为{batch.organisation.name}或其下级组织，且在您的管理范围内）。"
        )
        return None
    if orgs[text] is None:
        problems.add(column, f"“{_echo(text)}”对应多个组织，请填写组织全称。")
        return None
    return orgs[text]


def read_list(upload, *, progress=None) -> SheetData:
    """Read a list's workbook (core.xlsx.read_sheet: the width and row limits are checked before
    any row is read). Raises ValidationError for a file refused as a whole."""
    sheet = read_sheet(
        upload, required=REQUIRED, max_rows=MAX_ROWS, max_columns=template_width(COLUMNS), progress=progress
    )
    if not sheet.rows:
        raise ValidationError("工作表中没有数据行。")
    return sheet


def batch_import(*, batch: CommendationBatch, upload, user, dry_run: bool = False, request=None) -> ImportReport:
    """Check ``upload`` and, unless ``dry_run`` or any row has a problem, add every row to the list.

    Raises ValidationError for a file refused as a whole (type, size, zip bomb, too many
    rows, missing headers). Row problems are in the report; with any of them nothing is written.
    """
    validate_upload(upload, allowed={XLSX}, max_bytes=MAX_UPLOAD_BYTES)
    return batch_import_sheet(batch=batch, sheet=read_list(upload), user=user, dry_run=dry_run, request=request)


def batch_import_sheet(
    *, batch: CommendationBatch, sheet: SheetData, user, dry_run: bool = False, request=None
) -> ImportReport:
    """Check a read sheet against the list as it is now and, unless ``dry_run`` or any row has a
    problem, add every row. Raises PermissionDenied when the list is no longer the user's to
    change, ValidationError (code "changed") when another writer added one of its rows first."""
    with transaction.atomic():
        batch = _locked(batch)
        _require_edit(user, batch)
        report, honours = batch_import_plan(sheet, batch=batch, user=user)
        if dry_run or not report.ok:
            return report
        write_recipients(batch, honours, user=user, reason=CHANGE_REASON)
        report.applied = True
        audit_record(
            user=user,
            action=AuditAction.IMPORT,
            target=f"表彰名单 {batch.name}",
            description=(
                f"导入获奖对象 {report.created} 个（关联成员 {report.linked_members}，"
                f"关联组织 {report.linked_organisations}，按名称登记 {report.plain}）"
            ),
            row_count=report.created,
            request=request,
        )
    return report
