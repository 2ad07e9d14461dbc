"""Roster import from .xlsx: validate every row, report every problem, then write all or nothing.

The web upload and ``manage.py import_members`` run this same function. The file is
checked before anything parses it (type from content, size, zip-bomb limits), every
cell is read as text (so an ID never turns into 4.5E+17), and problems are reported by
row and column without ever echoing an ID number.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables
from openpyxl.utils import column_index_from_string
from simple_history.utils import bulk_update_with_history

from branches.models import Organisation
from core.audit import audit_record
from core.bulk import insert_rows
from core.freshness import mark_changed
from core.models import AuditAction
from core.uploads import XLSX, validate_upload
from core.xlsx import (
    MAX_ROWS,
    SheetData,
    SheetRow,
    is_sample_row,
    normalise_header,
    read_sheet,
    template_width,
    write_template,
)

from .. import crypto, idcard
from ..ages import today
from ..choices import Category, Ethnicity, Status, TransferStatus
from ..models import Member, Transfer
from ..validators import MOBILE, normalise_code, normalise_mobile
from .import_columns import (
    CATEGORIES,
    COLUMNS,
    EDUCATIONS,
    ETHNICITIES,
    FIELD_COLUMNS,
    GENDERS,
    OCCUPATIONS,
    REQUIRED_HEADERS,
    SAMPLE_ROW,
    SYNONYMS,
    UNREMARKABLE,
    Col,
    choice_labels,
    parse_date_text,
    parse_month_text,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
CHANGE_REASON = "花名册导入"

UPDATE_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "phone",
    "organisation",
    "category",
    "joined_league_on",
    "member_number",
    "development_number",
    "education",
    "occupation",
]
# The cells that hold a number of the roster's own, unique when set.
NUMBER_COLUMNS = {
    "member_number": (Col.MEMBER_NUMBER, "团员编号"),
    "development_number": (Col.DEVELOPMENT_NUMBER, "发展团员编号"),
}


def member_import_template() -> bytes:
    return write_template(COLUMNS, title="成员花名册", sample=SAMPLE_ROW)


# Fields clean_fields need not check again: the organisation and ID number are checked in the
# plan with better messages, and every choice comes from a table built from the field's own
# choices, the ID number's gender, the field's default or the member as stored (an empty
# category is the plan's own error). Django would scan each field's choices again for every
# row, 56 ethnicities among them: 0.4-1.0 s of a 50,000-row plan.
CHECKED_HERE = ["organisation", "id_number_encrypted", "id_number_hash", "id_number_masked"]
CHECKED_HERE += [f.name for f in Member._meta.concrete_fields if f.choices]


# --- The report ------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # the sheet's header (the template's, or another name of the same column)
    letter: str  # the column letter, as Excel shows it ("" when the column is absent)
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class PlannedRow:
    row: int
    action: str  # "create", "update" or "unchanged"
    name: str
    masked_id: str
    organisation: str
    changes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    applied: bool = False
    problems: list[Problem] = field(default_factory=list)
    planned: list[PlannedRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # the sheet's headers not read
    notes: list[str] = field(default_factory=list)  # how the sheet's columns were read

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self, *, planned_limit: int = 1000) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "applied": self.applied,
            "problems": [asdict(p) for p in self.problems],
            "planned": [asdict(p) for p in self.planned[:planned_limit]],
            "planned_total": len(self.planned),
            "ignored_columns": self.ignored_columns,
            "notes": self.notes,
        }


# --- Planning ---------------------------------------------------------------------------


class _RowErrors:
    """One row's problems, each at the cell it came from (the sheet's own header and letter)."""

    def __init__(self, report: ImportReport, sheet: SheetData, row: SheetRow):
        self.report, self.sheet, self.row = report, sheet, row
        self.seen: set[tuple[str, str]] = set()

    def add(self, column: str, message: str) -> None:
        if (column, message) in self.seen:
            return
        self.seen.add((column, message))
        header, letter = self.sheet.where(self.row, column)
        self.report.problems.append(Problem(self.row.number, header, letter, message))

    def has(self, column: str) -> bool:
        return any(c == column for c, _m in self.seen)

    @property
    def any(self) -> bool:
        return bool(self.seen)


def _column_notes(sheet: SheetData, report: ImportReport) -> None:
    """Say how the sheet's columns were read: none is dropped or renamed without a word."""
    report.ignored_columns = [h for h in sheet.ignored if normalise_header(h) not in UNREMARKABLE]
    renamed = [
        f"{header}（{letter} 列）→{column}"
        for column, found in sheet.columns.items()
        for header, letter in found
        if normalise_header(header) != column
    ]
    if renamed:
        report.notes.append(f"按表头识别的列：{'、'.join(renamed)}。")
    for column, found in sheet.columns.items():
        if len(found) > 1:
            headers = "、".join(f"“{header}”（{letter} 列）" for header, letter in found)
            report.notes.append(f"{headers}均为{column}：每行取其中左起第一个非空的值。")
    if Col.CATEGORY not in sheet.columns:
        report.notes.append(
            f"表中没有“{Col.CATEGORY}”列：各行均按团员导入（智慧团建导出的名单均为团员），已在册的成员类别改为团员。"
        )


def _organisation_lookup(organisation: Organisation) -> tuple[dict[str, Organisation | None], list[Organisation]]:
    """Names and short names of the subtree; an ambiguous short name maps to None."""
    subtree = list(Organisation.objects.subtree_of(organisation).filter(active=True))
    table: dict[str, Organisation | None] = {}
    for org in subtree:
        table[org.name] = org
    for org in subtree:
        if org.short_name and org.short_name not in {o.name for o in subtree}:
            table[org.short_name] = None if org.short_name in table else org
    return table, subtree


def _existing_by_hash(hashes: list[str]) -> dict[str, Member]:
    found: dict[str, Member] = {}
    for start in range(0, len(hashes), 1000):
        chunk = hashes[start : start + 1000]
        for member in Member.objects.filter(id_number_hash__in=chunk).select_related("organisation"):
            found[member.id_number_hash] = member
    return found


def _numbers_in_use(field_name: str, numbers: list[str]) -> dict[str, int]:
    used: dict[str, int] = {}
    for start in range(0, len(numbers), 1000):
        chunk = numbers[start : start + 1000]
        used.update(Member.objects.filter(**{f"{field_name}__in": chunk}).values_list(field_name, "pk"))
    return used


@sensitive_variables("id_text", "parsed_id", "parsed_rows", "first_row_of_id", "values", "data")
def member_import_plan(
    sheet: SheetData, *, organisation: Organisation
) -> tuple[ImportReport, list[Member], list[Member]]:
    """Check every row; return the report and the members to create and to update."""
    report = ImportReport(rows=len(sheet.rows))
    _column_notes(sheet, report)
    on = today()  # every row is judged on the same day, looked up once
    orgs, _subtree = _organisation_lookup(organisation)
    # A national export has no 人员类别: it lists league members (REQUIRED_HEADERS).
    categorised = Col.CATEGORY in sheet.columns

    # First pass: read every cell, so the database can be asked once for all rows.
    parsed_rows = []
    first_row_of_id: dict[str, int] = {}
    first_row_of_number: dict[str, dict[str, int]] = {name: {} for name in NUMBER_COLUMNS}
    for row in sheet.rows:
        errors = _RowErrors(report, sheet, row)
        values = row.values
        cell = values.get
        data: dict = {}

        name = (cell(Col.NAME) or "").strip()
        if not name:
            errors.add(Col.NAME, "姓名不能为空。")
        elif len(name) > 50:
            errors.add(Col.NAME, "姓名过长（不超过50个字）。")
        data["name"] = name

        parsed_id = None
        id_text = cell(Col.ID_NUMBER) or ""
        if not id_text:
            errors.add(Col.ID_NUMBER, "身份证号码不能为空。")
        elif Col.ID_NUMBER in row.numeric:
            # A spreadsheet keeps 15 significant digits of a number: an 18-digit ID stored
            # as a number has lost its last digits even when it looks whole.
            errors.add(
                Col.ID_NUMBER,
                "身份证号码被保存成了数字（如 4.5E+17），末几位已丢失。请把该列设为文本格式后重新填写。",
            )
        else:
            try:
                parsed_id = idcard.parse(id_text, today=on)
            except idcard.IdNumberError as exc:
                errors.add(Col.ID_NUMBER, exc.message)
        if parsed_id is not None:
            first = first_row_of_id.setdefault(parsed_id.number, row.number)
            if first != row.number:
                errors.add(Col.ID_NUMBER, f"与第 {first} 行的身份证号码重复。")

        gender_text = (cell(Col.GENDER) or "").strip()
        data["gender"] = None
        if gender_text:
            data["gender"] = GENDERS.get(gender_text) or GENDERS.get(gender_text.lower())
            if data["gender"] is None:
                errors.add(Col.GENDER, "性别应填写“男”或“女”。")

        data["birth_date"] = _date_cell(cell(Col.BIRTH_DATE), Col.BIRTH_DATE, errors)
        data["joined_league_on"] = _joined_cell(cell(Col.JOINED), Col.JOINED in row.numeric, errors)

        data["ethnicity"] = _choice_cell(cell(Col.ETHNICITY), ETHNICITIES, Col.ETHNICITY, "民族", errors)
        if categorised:
            data["category"] = _choice_cell(cell(Col.CATEGORY), CATEGORIES, Col.CATEGORY, "人员类别", errors)
            if not (cell(Col.CATEGORY) or "").strip():
                errors.add(Col.CATEGORY, f"人员类别不能为空（{choice_labels(Category.choices)}）。")
        else:
            data["category"] = Category.LEAGUE_MEMBER
        data["education"] = _choice_cell(cell(Col.EDUCATION), EDUCATIONS, Col.EDUCATION, "学历", errors)
        data["occupation"] = _choice_cell(cell(Col.OCCUPATION), OCCUPATIONS, Col.OCCUPATION, "职业类别", errors)

        phone_text = cell(Col.PHONE) or ""
        data["phone"] = None
        if phone_text:
            phone = normalise_mobile(phone_text)
            if not MOBILE.match(phone):
                errors.add(Col.PHONE, "手机号码无效（应为11位大陆手机号码）。")
            data["phone"] = phone

        org_text = (cell(Col.ORGANISATION) or "").strip()
        data["organisation"] = None
        if org_text:
            if org_text not in orgs:
                errors.add(
                    Col.ORGANISATION,
                    f"未找到组织“{org_text}”（须为{organisation.name}或其下级组织的全称或简称；"
                    "全部属于所选组织的，可清空该列）。",
                )
            elif orgs[org_text] is None:
                errors.add(Col.ORGANISATION, f"简称“{org_text}”对应多个组织，请填写组织全称。")
            else:
                data["organisation"] = orgs[org_text]

        for field_name, (column, label) in NUMBER_COLUMNS.items():
            number = normalise_code(cell(column) or "")
            data[field_name] = number or None
            if number:
                if len(number) > 30:
                    errors.add(column, f"{label}过长（不超过30个字符）。")
                first = first_row_of_number[field_name].setdefault(number, row.number)
                if first != row.number:
                    errors.add(column, f"与第 {first} 行的{label}重复。")
        parsed_rows.append((row.number, errors, parsed_id, data))

    hashes = {p.number: crypto.keyed_hash(p.number) for _n, _e, p, _d in parsed_rows if p is not None}
    existing = _existing_by_hash(list(hashes.values()))
    numbers_in_use = {
        name: _numbers_in_use(name, [d[name] for *_r, d in parsed_rows if d[name]]) for name in NUMBER_COLUMNS
    }
    pending_transfers = set(
        Transfer.objects.filter(
            status=TransferStatus.REQUESTED, member__in=[m.pk for m in existing.values()]
        ).values_list("member_id", flat=True)
    )

    to_create: list[Member] = []
    to_update: list[Member] = []
    for row_number, errors, parsed_id, data in parsed_rows:
        if parsed_id is None:
            continue
        hashed = hashes[parsed_id.number]
        current = existing.get(hashed)
        if current is not None and not current.organisation.path.startswith(organisation.path):
            errors.add(
                Col.ID_NUMBER,
                "该身份证号码已登记在本次导入范围以外的组织，请通过组织关系转接办理，不能用导入修改。",
            )
            continue
        for field_name, (column, label) in NUMBER_COLUMNS.items():
            number = data[field_name]
            if number and numbers_in_use[field_name].get(number) not in (None, getattr(current, "pk", None)):
                errors.add(column, f"该{label}已被其他成员使用。")

        member = _apply(current, data, parsed_id, hashed, default_org=organisation)
        if (
            current is not None
            and member.organisation_id != current.organisation_id
            and current.pk in pending_transfers
        ):
            errors.add(Col.ORGANISATION, "该成员有待接收的组织关系转接，不能在导入中变更所属组织。")
        try:
            member.clean_fields(exclude=CHECKED_HERE)
            member.clean(on=on)
        except ValidationError as exc:
            for field_name, messages in exc.message_dict.items():
                column = FIELD_COLUMNS.get(field_name, Col.NAME)
                if errors.has(column) or (column == Col.DEVELOPMENT_NUMBER and errors.has(Col.JOINED)):
                    continue  # the cell's own problem (or the admission date's) is already reported
                for message in messages:
                    errors.add(column, message)
        if errors.any:
            continue
        if current is None:
            to_create.append(member)
            report.planned.append(
                PlannedRow(row_number, "create", member.name, member.id_number_masked, member.organisation.name)
            )
        else:
            changes = [
                str(Member._meta.get_field(f).verbose_name)
                for f in UPDATE_FIELDS
                if getattr(member, f if f != "organisation" else "organisation_id")
                != getattr(current, f if f != "organisation" else "organisation_id")
            ]
            action = "update" if changes else "unchanged"
            if changes:
                to_update.append(member)
            report.planned.append(
                PlannedRow(row_number, action, member.name, member.id_number_masked, member.organisation.name, changes)
            )
    report.problems.sort(key=lambda p: (p.row, column_index_from_string(p.letter) if p.letter else 1 << 20))
    report.created = len(to_create)
    report.updated = len(to_update)
    report.unchanged = sum(1 for p in report.planned if p.action == "unchanged")
    return report, to_create, to_update


def _date_cell(text: str | None, column: str, errors: _RowErrors) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_date_text(text)
    except ValueError:
        errors.add(column, "日期无效（应为 2006-03-18 这样的格式）。")
        return None


def _joined_cell(text: str | None, numeric: bool, errors: _RowErrors) -> date | None:
    """入团日期 / 入团时间 / 入团年月: a date, or a year and month (the first of that month)."""
    text = (text or "").strip()
    if not text:
        return None
    if numeric and "." in text:
        # 2019.10 typed into a number cell is kept as 2019.1: October and January look alike.
        errors.add(Col.JOINED, "入团年月被保存成了数字（如 2019.1），无法区分1月和10月。请改为 2019-10 这样的文本。")
        return None
    try:
        return parse_month_text(text)
    except ValueError:
        errors.add(Col.JOINED, "日期无效（应为 2020-05-04 或 2020-05 这样的格式）。")
        return None


def _choice_cell(text: str | None, table: dict[str, str], column: str, what: str, errors: _RowErrors) -> str | None:
    text = (text or "").strip()
    if not text:
        return None
    value = table.get(text) or table.get(text.lower())
    if value is None:
        errors.add(column, f"无法识别的{what}“{text[:20]}”。")
    return value


def _apply(
    current: Member | None, data: dict, parsed_id: idcard.IdNumber, hashed: str, *, default_org: Organisation
) -> Member:
    """The member as it will be saved: a new one, or a copy of ``current`` with the filled cells."""
    if current is None:
        member = Member(
            status=Status.ACTIVE,
            ethnicity=Ethnicity.HAN,
            organisation=default_org,
            gender=parsed_id.gender,
            birth_date=parsed_id.birth_date,
        )
    else:
        member = Member(**{f.attname: getattr(current, f.attname) for f in Member._meta.concrete_fields})
        member._state.adding = False
        member._state.db = current._state.db
        member.organisation = current.organisation
    if current is None:
        member.store_id_number(parsed_id, hashed=hashed)
    else:
        # Found by this number's hash: the stored ciphertext and hash stay as they are.
        member.id_number_masked = parsed_id.masked
        member._parsed_id = parsed_id
    for name, value in data.items():
        if value is not None and value != "":
            setattr(member, name, value)
    if data["category"] is None and current is None:
        member.category = ""
    return member


# --- Running ----------------------------------------------------------------------------


def read_roster(upload, *, progress=None) -> SheetData:
    """The roster's rows, after the checks every upload gets; ValidationError for a refused file."""
    validate_upload(upload, allowed={XLSX}, max_bytes=MAX_UPLOAD_BYTES)
    # A national export's columns beyond the template's are noted and left unread, within the
    # same margin as any sheet: wider than that, it is refused before any row is read.
    sheet = read_sheet(
        upload,
        required=REQUIRED_HEADERS,
        synonyms=SYNONYMS,
        max_rows=MAX_ROWS,
        max_columns=template_width(COLUMNS),
        progress=progress,
    )
    # The template's sample row, left as it was, is not a member.
    sheet.rows = [row for row in sheet.rows if not is_sample_row(row, SAMPLE_ROW)]
    return sheet


def member_import(*, upload, organisation: Organisation, by=None, dry_run: bool, request=None) -> ImportReport:
    """Check ``upload`` and, unless ``dry_run`` or any row has a problem, write every row.

    Raises ValidationError for a file refused as a whole (wrong type, too big, a zip
    bomb, too many rows, missing headers) and for a write that met rows written since the
    check (code "changed"). Row problems are in the report; when there is one, nothing is written.
    """
    sheet = read_roster(upload)
    return member_import_sheet(sheet=sheet, organisation=organisation, by=by, dry_run=dry_run, request=request)


def member_import_sheet(
    *, sheet: SheetData, organisation: Organisation, by=None, dry_run: bool, request=None
) -> ImportReport:
    """``member_import`` for rows already read (by ``read_roster``)."""
    if dry_run:
        report, _create, _update = member_import_plan(sheet, organisation=organisation)
        return report
    try:
        with transaction.atomic():
            report, to_create, to_update = member_import_plan(sheet, organisation=organisation)
            if not report.ok:
                return report
            _write(to_create, to_update, by=by)
            report.applied = True
            audit_record(
                user=by,
                action=AuditAction.IMPORT,
                target=f"成员花名册 → {organisation.name}",
                description=f"新增 {report.created} 人，更新 {report.updated} 人，未变 {report.unchanged} 人",
                row_count=report.created + report.updated,
                request=request,
            )
    except IntegrityError as exc:
        # Someone registered one of these people (or member numbers) between the check and the
        # write: another confirmation of the same roster, say. The savepoint took back every row.
        raise ValidationError(
            "名单已变化，请重新检查：导入期间花名册已被他人修改（如同一名单已被另一次确认导入），本次未写入任何数据。",
            code="changed",
        ) from exc
    return report


def _write(to_create: Iterable[Member], to_update: Iterable[Member], *, by) -> None:
    user = by if getattr(by, "pk", None) else None
    to_create = list(to_create)
    insert_rows(Member, to_create)  # COPY on PostgreSQL; the members get no pk back
    _record_created([m.id_number_hash for m in to_create], user=user, reason=CHANGE_REASON)
    to_update = list(to_update)
    # Rows moved to another organisation leave the old one's figures too.
    touched = {m.organisation_id for m in [*to_create, *to_update]}
    touched |= set(Member.objects.filter(pk__in=[m.pk for m in to_update]).values_list("organisation_id", flat=True))
    if to_update:
        now = timezone.now()
        for member in to_update:
            member.updated_at = now
        bulk_update_with_history(
            to_update,
            Member,
            [*UPDATE_FIELDS, "updated_at"],
            batch_size=500,
            default_user=user,
            default_change_reason=CHANGE_REASON,
        )
    mark_changed(touched)  # bulk writes send no post_save


def _record_created(hashes: list[str], *, user, reason: str, chunk: int = 1000) -> None:
    """The "created" history rows of the members just inserted (found by their ID number's
    hash, unique), copied by the database from the rows themselves: what simple_history's
    bulk_create_with_history writes, without a model instance per member and per history row.
    A test fails when the history table gains a column this insert does not write."""
    history = Member.history.model
    member_columns = {f.column for f in Member._meta.concrete_fields}
    columns = [f.column for f in history._meta.concrete_fields if f.column in member_columns]
    quote = connection.ops.quote_name
    listed = ", ".join(quote(c) for c in columns)
    extra = ", ".join(quote(c) for c in ("history_date", "history_change_reason", "history_type", "history_user_id"))
    when = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        for start in range(0, len(hashes), chunk):
            part = hashes[start : start + chunk]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({listed}, {extra}) "  # noqa: S608 - names from the models
                f"SELECT {listed}, %s, %s, %s, %s FROM {quote(Member._meta.db_table)} "
                f"WHERE {quote('id_number_hash')} IN ({', '.join(['%s'] * len(part))})",
                [when, reason, "+", getattr(user, "pk", None), *part],
            )
