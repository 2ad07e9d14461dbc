"""Roster import: the template, every bad-input class by row and column, all-or-nothing, file refusals."""

import io
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from core.xlsx import SheetRow
from members.choices import Category
from members.models import Member

from ..factories import MemberFactory, OrganisationFactory, make_id_number
from .xlsx_helpers import HEADERS, raw_xlsx, roster_row, roster_xlsx


def run_import(tmp_path, content: bytes, org, *extra) -> tuple[int, str]:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(content)
    out = io.StringIO()
    try:
        call_command("import_members", str(path), "--org", str(org.pk), *extra, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def good_rows():
    return [
        roster_row(
            "陈静", date(2005, 3, 18), 1, gender="F", 入团日期="2020-05-04", 民族="壮族", 手机号码="13800138000"
        ),
        roster_row("黄磊", date(2006, 11, 2), 2, 所属组织="甲社区团支部", 入团日期="2021/5/4", 学历="高中"),
        roster_row("韦小宝", date(2010, 1, 9), 3, 人员类别="青年", 职业类别="学生"),
    ]


# --- the template -----------------------------------------------------------------------


def test_template_has_the_columns_with_id_phone_and_dates_as_text(tmp_path):
    path = tmp_path / "template.xlsx"
    call_command("import_members", "--template", str(path), stdout=io.StringIO())
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[1]] == HEADERS
    formats = {sheet.cell(row=1, column=i).value: sheet.cell(row=2, column=i).number_format for i in range(1, 13)}
    for header in ("身份证号码", "手机号码", "出生日期", "入团日期"):
        assert formats[header] == "@", header
    assert formats["姓名"] != "@"


def test_template_downloads_from_the_import_page(secretary_a_client, leader_client, district):
    from django.urls import reverse

    response = secretary_a_client.get(reverse("members:import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]] == HEADERS
    assert leader_client.get(reverse("members:import_template")).status_code == 403


# --- a good file -------------------------------------------------------------------------


def test_a_good_file_imports_every_row(tmp_path, district):
    code, out = run_import(tmp_path, roster_xlsx(good_rows()), district.sub_a)
    assert (code, out.strip()) == (0, "imported=3 updated=0")
    members = {m.name: m for m in Member.objects.select_related("organisation")}
    assert set(members) == {"陈静", "黄磊", "韦小宝"}
    chen = members["陈静"]
    assert chen.decrypt_id_number() == make_id_number(date(2005, 3, 18), 1, gender="F")
    assert (chen.gender, chen.ethnicity, chen.phone, chen.organisation) == ("F", "08", "13800138000", district.sub_a)
    assert chen.joined_league_on == date(2020, 5, 4)
    assert members["黄磊"].organisation == district.branch_a and members["黄磊"].joined_league_on == date(2021, 5, 4)
    assert members["韦小宝"].category == Category.YOUTH
    assert chen.history.get().history_change_reason == "花名册导入"


def test_each_created_member_has_one_history_row_as_written_by_whom(district, staff):
    from django.core.files.base import ContentFile

    from members.services.imports import member_import

    MemberFactory(organisation=district.branch_a, name="早已在册")
    upload = ContentFile(roster_xlsx(good_rows()), name="roster.xlsx")
    report = member_import(upload=upload, organisation=district.sub_a, by=staff, dry_run=False)
    assert report.created == 3
    history = Member.history.model
    for member in Member.objects.exclude(name="早已在册"):
        (row,) = history.objects.filter(id=member.pk)
        assert (row.history_type, row.history_user_id, row.history_change_reason) == ("+", staff.pk, "花名册导入")
        assert (row.name, row.organisation_id, row.birth_date, row.id_number_masked) == (
            member.name,
            member.organisation_id,
            member.birth_date,
            member.id_number_masked,
        )
        assert abs((row.history_date - member.created_at).total_seconds()) < 60
    assert history.objects.filter(name="早已在册", history_change_reason="花名册导入").count() == 0


def test_a_second_import_updates_and_leaves_blank_cells_alone(tmp_path, district):
    run_import(tmp_path, roster_xlsx(good_rows()), district.sub_a)
    rows = [roster_row("陈静", date(2005, 3, 18), 1, gender="F", 手机号码="13900001111", 入团日期="")]
    code, out = run_import(tmp_path, roster_xlsx(rows), district.sub_a)
    assert (code, out.strip()) == (0, "imported=0 updated=1")
    chen = Member.objects.get(name="陈静")
    assert chen.phone == "13900001111" and chen.joined_league_on == date(2020, 5, 4) and chen.ethnicity == "08"
    code, out = run_import(tmp_path, roster_xlsx(rows), district.sub_a)
    assert out.strip() == "imported=0 updated=0"  # unchanged rows are neither


def test_the_template_takes_a_development_number_and_an_admission_month(tmp_path, district):
    rows = [roster_row("陈静", date(2005, 3, 18), 1, gender="F", 入团日期="2019年5月", 发展团员编号="201945000001")]
    code, out = run_import(tmp_path, roster_xlsx(rows), district.sub_a)
    assert (code, out.strip()) == (0, "imported=1 updated=0")
    chen = Member.objects.get()
    assert (chen.joined_league_on, chen.development_number) == (date(2019, 5, 1), "201945000001")


def test_dry_run_writes_nothing(tmp_path, district):
    code, out = run_import(tmp_path, roster_xlsx(good_rows()), district.sub_a, "--dry-run")
    assert (code, out.strip()) == (0, "imported=3 updated=0")
    assert not Member.objects.exists()


# --- every bad-input class ------------------------------------------------------------------


BAD_CASES = [
    ({"身份证号码": "450202200503180010"}, "身份证号码", "校验码错误"),
    ({"出生日期": "2005-03-19"}, "出生日期", "出生日期与身份证号码不一致"),
    ({"所属组织": "不存在的团支部"}, "所属组织", "未找到组织"),
    ({"入团日期": "2020-13-45"}, "入团日期", "日期无效"),
    ({"出生日期": "去年"}, "出生日期", "日期无效"),
    ({"手机号码": "2380013800"}, "手机号码", "手机号码无效"),
    ({"性别": "女"}, "性别", "性别与身份证号码不一致"),
    ({"人员类别": "党员"}, "人员类别", "无法识别的人员类别"),
    ({"民族": "火星族"}, "民族", "无法识别的民族"),
    ({"人员类别": ""}, "人员类别", "人员类别不能为空"),
    ({"学历": "火星学历"}, "学历", "无法识别的学历"),
    ({"职业类别": "宇航"}, "职业类别", "无法识别的职业类别"),
    ({"性别": "未知"}, "性别", "性别应填写"),
    ({"姓名": ""}, "姓名", "姓名不能为空"),
    ({"身份证号码": "4502022005031"}, "身份证号码", "18位"),
    ({"入团日期": "2018-01-01"}, "入团日期", "入团时应年满13周岁（2017年1月1日起入团）"),
    ({"入团日期": "2017-03-18", "发展团员编号": "201745000001"}, "入团日期", "年满13周岁"),
    ({"入团日期": "2020-05-04", "发展团员编号": "201945000001"}, "发展团员编号", "应为入团年份（2020）"),
    ({"发展团员编号": "201945000001"}, "发展团员编号", "应同时填写入团日期"),
]


@pytest.mark.parametrize(("cells", "column", "message"), BAD_CASES)
def test_each_bad_input_is_reported_by_row_and_column_and_nothing_is_written(
    tmp_path, district, cells, column, message
):
    rows = good_rows()
    rows.insert(1, roster_row("有问题", date(2005, 3, 18), 5, **cells))
    code, out = run_import(tmp_path, roster_xlsx(rows), district.sub_a)
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("row ")]
    assert len(lines) == 1, out
    assert lines[0].startswith(f"row 3, column {column}: ") and message in lines[0]
    assert not Member.objects.exists()


def test_every_choice_the_importer_reads_is_one_of_the_fields_own():
    """The plan leaves choices out of clean_fields (CHECKED_HERE): that is safe only while each
    lookup table maps to the field's own values."""
    from members.services import imports

    tables = {
        "gender": imports.GENDERS,
        "ethnicity": imports.ETHNICITIES,
        "category": imports.CATEGORIES,
        "education": imports.EDUCATIONS,
        "occupation": imports.OCCUPATIONS,
    }
    for name, table in tables.items():
        allowed = {value for value, _label in Member._meta.get_field(name).flatchoices}
        assert set(table.values()) <= allowed, name
    for name in ("status", "ethnicity"):  # what a new member starts with
        assert Member._meta.get_field(name).get_default() in {v for v, _l in Member._meta.get_field(name).flatchoices}


def test_a_duplicate_id_in_the_file_names_the_first_row(tmp_path, district):
    rows = good_rows()
    rows.append(roster_row("重复者", date(2006, 11, 2), 2))  # the same number as row 3
    code, out = run_import(tmp_path, roster_xlsx(rows), district.sub_a)
    assert code == 1
    assert "row 5, column 身份证号码: 与第 3 行的身份证号码重复。" in out
    assert not Member.objects.exists()


def test_an_id_mangled_into_a_float_is_explained(tmp_path, district):
    row = roster_row("科学计数", date(2005, 3, 18), 9)
    row["身份证号码"] = float(row["身份证号码"])  # what Excel keeps of an 18-digit number: 4.50202200503181E+17
    code, out = run_import(tmp_path, roster_xlsx([row]), district.sub_a)
    assert code == 1 and "row 2, column 身份证号码: " in out and "文本格式" in out


def test_every_problem_of_every_row_is_listed(tmp_path, district):
    rows = [
        roster_row("甲", date(2005, 3, 18), 1, 手机号码="123", 入团日期="bad"),
        roster_row("乙", date(2005, 3, 18), 2, 所属组织="乙社区团支部"),  # in another subtree
    ]
    code, out = run_import(tmp_path, roster_xlsx(rows), district.sub_a)
    problems = [line.split(":")[0] for line in out.splitlines() if line.startswith("row ")]
    assert problems == ["row 2, column 手机号码", "row 2, column 入团日期", "row 3, column 所属组织"]


def test_errors_never_echo_an_id_number(tmp_path, district):
    rows = good_rows() + [roster_row("重复", date(2005, 3, 18), 1, gender="F")]
    rows[0]["出生日期"] = "2005-03-17"
    code, out = run_import(tmp_path, roster_xlsx(rows), district.sub_a)
    assert code == 1
    assert make_id_number(date(2005, 3, 18), 1, gender="F") not in out


def test_a_member_registered_outside_the_subtree_is_not_taken_over(tmp_path, district):
    MemberFactory(
        name="乙方成员",
        organisation=district.branch_b,
        birth_date=date(2005, 3, 18),
        id_number=make_id_number(date(2005, 3, 18), 7),
    )
    rows = [roster_row("改名", date(2005, 3, 18), 7)]
    code, out = run_import(tmp_path, roster_xlsx(rows), district.sub_a)
    assert code == 1 and "row 2, column 身份证号码: " in out and "组织关系转接" in out
    assert Member.objects.get().name == "乙方成员"


def test_a_young_pioneer_must_go_to_a_pioneer_organisation(tmp_path, district):
    rows = [roster_row("小队员", date(2015, 6, 1), 1, 人员类别="少先队员")]
    code, out = run_import(tmp_path, roster_xlsx(rows), district.sub_a)
    assert code == 1 and "row 2, column 所属组织: 少先队员应编入少先队大队或中队" in out


def test_missing_required_headers_are_refused(tmp_path, district):
    content = roster_xlsx([{"姓名": "甲"}], headers=["姓名", "性别"])
    code, out = run_import(tmp_path, content, district.sub_a)
    assert code == 1 and "缺少表头" in out and "身份证号码" in out


# --- refused before parsing --------------------------------------------------------------


def zip_archive(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


WORKBOOK_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def test_a_zip_bomb_is_refused_before_parsing(tmp_path, district, monkeypatch):
    import openpyxl

    def must_not_parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", must_not_parse)
    monkeypatch.setattr("core.xlsx.load_workbook", must_not_parse)
    bomb = zip_archive({**WORKBOOK_PARTS, "xl/worksheets/sheet1.xml": b"0" * (30 * 1024 * 1024)})
    assert len(bomb) < 100_000
    code, out = run_import(tmp_path, bomb, district.sub_a)
    assert code == 1 and "压缩" in out
    assert not Member.objects.exists()


def test_an_archive_over_100_mb_uncompressed_is_refused(tmp_path, district):
    parts = {f"xl/media/pad{i}.bin": b"\0" * (30 * 1024 * 1024) for i in range(4)}
    code, out = run_import(tmp_path, zip_archive({**WORKBOOK_PARTS, **parts}), district.sub_a)
    assert code == 1 and "解压后过大" in out


def test_an_archive_with_over_1000_entries_is_refused(tmp_path, district):
    parts = {f"xl/media/{i}.txt": b"x" for i in range(1001)}
    code, out = run_import(tmp_path, zip_archive({**WORKBOOK_PARTS, **parts}), district.sub_a)
    assert code == 1 and "条目过多" in out


def test_content_that_is_not_xlsx_is_refused_whatever_its_name(tmp_path, district):
    for content in (b"%PDF-1.4 not a roster", "姓名,身份证号码\n张三,1".encode(), zip_archive({"a.txt": b"hi"})):
        code, out = run_import(tmp_path, content, district.sub_a)
        assert code == 1 and ("文件类型" in out or "不是有效的 Excel" in out), out


def test_a_file_over_10_mb_is_refused(tmp_path, district):
    code, out = run_import(tmp_path, b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024), district.sub_a)
    assert code == 1 and "文件过大" in out


def test_a_sheet_over_50000_rows_is_refused_from_its_declared_size(tmp_path, district, monkeypatch):
    row = ["某", "450202200001010010", "", "", "", "", "", "团员"]
    content = raw_xlsx([HEADERS, *([row] * 50_001)])
    reads = []
    original = SheetRow.__init__

    def counting(self, *args, **kwargs):
        reads.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(SheetRow, "__init__", counting)
    code, text = run_import(tmp_path, content, district.sub_a)
    assert code == 1 and "行数过多" in text
    assert reads == []  # refused from the <dimension>, before reading any row
    assert not Member.objects.exists()


def test_the_hand_written_workbook_is_readable(tmp_path, district):
    # So the refusal above is about the size, not a broken file.
    row = ["某", "450202200001010011", "", "", "", "", "", "团员"]
    code, text = run_import(tmp_path, raw_xlsx([HEADERS, *([row] * 3)]), district.sub_a)
    assert code == 1 and "row 2, column 身份证号码: 身份证号码校验码错误。" in text


def test_an_unknown_organisation_id_is_an_error(tmp_path, district):
    path = tmp_path / "r.xlsx"
    path.write_bytes(roster_xlsx(good_rows()))
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_members", str(path), "--org", "999999", stdout=io.StringIO())


def test_an_organisation_name_shared_by_two_short_names_asks_for_the_full_name(tmp_path, district):
    OrganisationFactory(name="甲街道一团支部", short_name="一支部", parent=district.sub_a)
    OrganisationFactory(name="甲街道另一团支部", short_name="一支部", parent=district.sub_a)
    code, out = run_import(
        tmp_path, roster_xlsx([roster_row("甲", date(2005, 3, 18), 1, 所属组织="一支部")]), district.sub_a
    )
    assert code == 1 and "全称" in out


def test_the_imports_history_insert_writes_every_column_of_the_history_table():
    """The import copies its "created" history rows in SQL (``_record_created``): the columns
    the members share, plus the four history columns it names. A column simple_history (or this
    project) adds to the history table would be left empty without a word: this fails first."""
    history = Member.history.model
    member_columns = {f.column for f in Member._meta.concrete_fields}
    written = {"history_date", "history_change_reason", "history_type", "history_user_id"}
    history_columns = {f.column for f in history._meta.concrete_fields}
    assert history_columns - member_columns - written == {history._meta.pk.column}
