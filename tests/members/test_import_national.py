"""The roster import reads the national system's (智慧团建) member export as it comes: title rows,
its own header names and order, unknown columns listed, and the league's rules on admission."""

import io
from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.xlsx import SheetRow
from members.choices import Category, Education, ImportStatus
from members.models import Member, MemberImport
from members.services.imports import member_import, read_roster

from ..factories import MemberFactory, make_id_number
from .xlsx_helpers import NATIONAL_HEADERS, national_row, national_xlsx


def good_rows() -> list[dict]:
    return [
        national_row(
            "陈静",
            date(2005, 3, 18),
            1,
            gender="F",
            入团年月="2019-05",
            发展团员编号="201945000001",
            团员编号="4599201900001",
            学历="普通高中",
            手机号码="13800138000",
            所在团组织="甲社区团支部",
        ),
        # 13 and a half on admission in 2020: within the rule (13 from 2017), under the charter's 14.
        national_row(
            "黄磊", date(2006, 11, 2), 2, 入团年月="2020年5月", 发展团员编号="202045000002", 联系电话="13900001111"
        ),
        national_row("韦小宝", date(2004, 1, 9), 3, 入团年月=datetime(2018, 5, 4), 学历="高中"),  # an Excel date
        national_row("李娜", date(2000, 2, 1), 4, gender="F", 入团年月=201505),  # a number: 2015-05
    ]


def run(content: bytes, org, *, dry_run: bool = False):
    return member_import(upload=io.BytesIO(content), organisation=org, dry_run=dry_run)


def test_a_national_export_is_read_by_its_headers_whatever_their_order(district):
    report = run(national_xlsx(good_rows()), district.sub_a)
    assert report.ok and report.applied and report.created == 4, report.problems
    members = {m.name: m for m in Member.objects.select_related("organisation")}
    chen, huang, wei, li = members["陈静"], members["黄磊"], members["韦小宝"], members["李娜"]
    assert chen.decrypt_id_number() == make_id_number(date(2005, 3, 18), 1, gender="F")
    assert (chen.joined_league_on, chen.development_number, chen.member_number) == (
        date(2019, 5, 1),
        "201945000001",
        "4599201900001",
    )
    assert (chen.organisation, chen.phone, chen.education) == (district.branch_a, "13800138000", Education.HIGH_SCHOOL)
    # 手机号码 empty, 联系电话 filled: the first non-empty of the two.
    assert (huang.joined_league_on, huang.phone, huang.organisation) == (
        date(2020, 5, 1),
        "13900001111",
        district.sub_a,
    )
    assert wei.joined_league_on == date(2018, 5, 4) and wei.development_number == ""
    assert li.joined_league_on == date(2015, 5, 1)
    assert {m.category for m in members.values()} == {Category.LEAGUE_MEMBER}


def test_unknown_columns_are_listed_and_every_reading_is_said(district):
    report = run(national_xlsx(good_rows()), district.sub_a, dry_run=True)
    assert report.ignored_columns == ["政治面貌", "出生年月", "是否团干部"]  # 序号 goes without saying
    notes = "\n".join(report.notes)
    assert "证件号码（F 列）→身份证号码" in notes and "入团年月（H 列）→入团日期" in notes
    assert "所在团组织（N 列）→所属组织" in notes and "姓名（必填）" not in notes  # a mark is no new name
    assert "“手机号码”（L 列）、“联系电话”（M 列）均为手机号码：每行取其中左起第一个非空的值。" in notes
    assert "表中没有“人员类别”列：各行均按团员导入" in notes
    assert report.as_json()["ignored_columns"] == report.ignored_columns


def test_the_sheet_is_read_only_in_its_known_columns(district):
    sheet = read_roster(io.BytesIO(national_xlsx(good_rows())))
    assert sheet.header_row == 3 and [r.number for r in sheet.rows] == [4, 5, 6, 7]
    assert set(sheet.rows[0].values) == {
        "姓名",
        "性别",
        "民族",
        "身份证号码",
        "入团日期",
        "发展团员编号",
        "团员编号",
        "学历",
        "手机号码",
        "所属组织",
    }


def test_a_national_export_updates_a_member_already_on_the_roster(district):
    MemberFactory(
        name="陈静",
        gender="F",
        organisation=district.branch_a,
        birth_date=date(2005, 3, 18),
        category=Category.YOUTH,
        id_number=make_id_number(date(2005, 3, 18), 1, gender="F"),
    )
    report = run(national_xlsx(good_rows()[:1]), district.sub_a)
    assert (report.created, report.updated) == (0, 1)
    chen = Member.objects.get(name="陈静")
    assert chen.category == Category.LEAGUE_MEMBER and chen.development_number == "201945000001"
    (planned,) = report.planned
    assert "发展团员编号" in planned.changes and "人员类别" in planned.changes


# --- the league's rules, row by row ---------------------------------------------------------

REFUSED = [
    # 发展团员编号: its first four digits are the year of admission.
    (
        {"入团年月": "2019-05", "发展团员编号": "202045000009"},
        "发展团员编号",
        "I",
        "前四位（2020）应为入团年份（2019）",
    ),
    ({"入团年月": "2019-05", "发展团员编号": "2019-45-09"}, "发展团员编号", "I", "应为数字"),
    ({"入团年月": "", "发展团员编号": "201945000009"}, "发展团员编号", "I", "应同时填写入团日期"),
    # Age on admission: 12 before 2017-01-01 …
    ({"birth": date(2004, 8, 1), "入团年月": "2016-06"}, "入团年月", "H", "年满12周岁（2017年1月1日前入团）"),
    # … 13 from it: the same person admitted a day later is too young.
    ({"birth": date(2004, 2, 1), "入团年月": "2017-01-01"}, "入团年月", "H", "年满13周岁（2017年1月1日起入团）"),
    ({"birth": date(2005, 3, 18), "入团年月": "2018-03-17"}, "入团年月", "H", "年满13周岁"),
    # Dates as today.
    ({"入团年月": 2019.1}, "入团年月", "H", "无法区分1月和10月"),
    ({"入团年月": "2019-13"}, "入团年月", "H", "日期无效"),
    ({"证件号码": "450202200503180010"}, "证件号码", "F", "校验码错误"),
    ({"联系电话": "0771-5551234"}, "联系电话", "M", "手机号码无效"),
    ({"所在团组织": "共青团某某社区支部委员会"}, "所在团组织", "N", "未找到组织"),
]


@pytest.mark.parametrize(("cells", "column", "letter", "message"), REFUSED)
def test_a_row_breaking_a_rule_is_refused_by_row_and_column(district, cells, column, letter, message):
    cells = dict(cells)
    birth = cells.pop("birth", date(2005, 3, 18))
    rows = good_rows()
    rows.insert(1, national_row("有问题", birth, 9, **cells))
    report = run(national_xlsx(rows), district.sub_a)
    assert [(p.row, p.column, p.letter) for p in report.problems] == [(5, column, letter)], report.problems
    assert message in report.problems[0].message
    assert not report.applied and not Member.objects.exists()


@pytest.mark.parametrize(
    ("birth", "joined"),
    [
        (date(2004, 2, 1), "2016-12-31"),  # 12 years and 11 months, the day before the rule changed
        (date(2004, 12, 31), "2016-12-31"),  # 12 that very day
        (date(2005, 3, 18), "2018-03-18"),  # 13 that very day
    ],
)
def test_admissions_at_the_least_age_are_accepted(district, birth, joined):
    report = run(national_xlsx([national_row("刚满", birth, 9, 入团年月=joined)]), district.sub_a)
    assert report.ok, report.problems
    assert Member.objects.get().joined_league_on == date.fromisoformat(joined)


def test_a_development_number_used_twice_is_refused(district):
    MemberFactory(organisation=district.branch_b, development_number="201945000001", joined_league_on=date(2019, 5, 4))
    rows = good_rows()
    rows.append(national_row("重号", date(2005, 6, 1), 9, 入团年月="2019-06", 发展团员编号="202045000002"))
    report = run(national_xlsx(rows), district.sub_a)
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (4, "发展团员编号", "该发展团员编号已被其他成员使用。"),
        (8, "发展团员编号", "与第 5 行的发展团员编号重复。"),
    ]


# --- the sheet as a whole ---------------------------------------------------------------------


def test_a_sheet_without_an_id_column_is_refused_naming_it(district):
    headers = [h for h in NATIONAL_HEADERS if h != "证件号码"]
    with pytest.raises(ValidationError) as exc:
        run(national_xlsx(good_rows(), headers=headers), district.sub_a)
    assert exc.value.code == "headers" and "缺少表头：身份证号码（表头应在前 10 行内）" in exc.value.messages[0]


def test_without_a_category_the_admission_column_must_say_they_are_league_members(district):
    headers = [h for h in NATIONAL_HEADERS if h != "入团年月"]
    with pytest.raises(ValidationError) as exc:
        run(national_xlsx(good_rows(), headers=headers), district.sub_a)
    assert "缺少表头：人员类别或入团日期" in exc.value.messages[0]


def test_headers_below_the_tenth_row_are_not_looked_for(district):
    with pytest.raises(ValidationError) as exc:
        run(national_xlsx(good_rows(), title_rows=10), district.sub_a)
    assert exc.value.code == "headers"
    assert run(national_xlsx(good_rows(), title_rows=9), district.sub_a, dry_run=True).ok


def test_unknown_columns_within_the_margin_are_ignored_and_beyond_it_refused_unread(district, monkeypatch):
    def wide(extra: int) -> bytes:
        headers = NATIONAL_HEADERS + [f"自定义{i}" for i in range(extra)]
        rows = [{**row, **{f"自定义{i}": "x" for i in range(extra)}} for row in good_rows()]
        return national_xlsx(rows, headers=headers)

    report = run(wide(18), district.sub_a, dry_run=True)  # 33 columns: the template's 13 and 20 more
    assert report.ok and report.created == 4 and len(report.ignored_columns) == 3 + 18

    reads = []
    original = SheetRow.__init__

    def counting(self, *args, **kwargs):
        reads.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(SheetRow, "__init__", counting)
    with pytest.raises(ValidationError) as exc:
        run(wide(19), district.sub_a)
    assert exc.value.code == "too_wide" and "34 列" in exc.value.messages[0]
    assert reads == []


# --- through the pages ------------------------------------------------------------------------


def test_the_preview_lists_the_ignored_columns_and_the_upload_page_says_exports_are_welcome(
    secretary_a_client, district
):
    page = secretary_a_client.get(reverse("members:import")).content.decode()
    assert "智慧团建导出的团员名单可直接上传" in page
    file = SimpleUploadedFile("团员信息.xlsx", national_xlsx(good_rows()))
    response = secretary_a_client.post(reverse("members:import"), {"organisation": district.sub_a.pk, "file": file})
    record = MemberImport.objects.get()
    assert response.status_code == 302 and record.status == ImportStatus.PREVIEWED
    page = secretary_a_client.get(reverse("members:import_detail", args=[record.pk])).content.decode()
    assert "已忽略以下列：政治面貌、出生年月、是否团干部" in page
    assert "各行均按团员导入" in page
    secretary_a_client.post(reverse("members:import_confirm", args=[record.pk]))
    assert Member.objects.count() == 4


def test_a_refused_national_row_shows_the_sheets_own_header_and_letter(secretary_a_client, district):
    rows = good_rows()
    rows[0]["发展团员编号"] = "201845000001"
    file = SimpleUploadedFile("团员信息.xlsx", national_xlsx(rows))
    secretary_a_client.post(reverse("members:import"), {"organisation": district.sub_a.pk, "file": file})
    record = MemberImport.objects.get()
    response = secretary_a_client.get(reverse("members:import_detail", args=[record.pk]))
    assert response.context["problems"] == [
        {
            "row": 4,
            "column": "发展团员编号",
            "letter": "I",
            "message": "发展团员编号前四位（2018）应为入团年份（2019）。",
        }
    ]
    assert "已忽略以下列" in response.content.decode()  # said on a refused preview too
