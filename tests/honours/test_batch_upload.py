"""Recipients of a commendation list from Excel (checked by the task, all or nothing on
confirmation), picked one by one, or only counted."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditAction, AuditEvent, ImportStatus
from core.review.models import Status
from honours.models import Honour, Level, RecipientKind
from honours.selectors import honour_summary

from .. import xlsx_damage
from ..factories import make_id_number
from .factories import BatchFactory
from .import_helpers import HEADERS, checked, confirmed, problems, upload, xlsx

pytestmark = pytest.mark.usefixtures("media", "queued")


def good_rows(s):
    return [
        {
            "荣誉称号": "优秀共青团员",
            "获奖对象类别": "团员",
            "姓名或名称": "韦小红",
            "身份证号码": s["id_a"],
            "证书编号": "LZ-001",
        },
        {"荣誉称号": "优秀少先队大队", "获奖对象类别": "集体", "姓名或名称": "中心小学大队"},
        {"荣誉称号": "优秀少先队员", "获奖对象类别": "少先队员", "姓名或名称": "黄小丽", "所属组织": "甲社区团支部"},
        {"荣誉称号": "优秀志愿服务项目", "获奖对象类别": "项目", "姓名或名称": "河小青护河行动", "等次": "一等奖"},
    ]


def test_good_file_adds_every_row_linked_where_it_can(secretary_a_client, district, setting):
    batch = setting["batch"]
    record = checked(secretary_a_client, batch, xlsx(good_rows(setting)))
    assert record.status == ImportStatus.PREVIEWED and record.created_count == 4 and not Honour.objects.exists()
    record = confirmed(secretary_a_client, record)
    assert record.status == ImportStatus.APPLIED and not record.file
    rows = {h.recipient_name: h for h in Honour.objects.filter(batch=batch)}
    assert set(rows) == {"韦小红", setting["brigade"].name, "黄小丽", "河小青护河行动"}
    linked = rows["韦小红"]
    assert linked.member == setting["member_a"] and linked.organisation == district.branch_a
    assert linked.certificate_number == "LZ-001" and linked.level == Level.CITY and linked.status == Status.DRAFT
    brigade = rows[setting["brigade"].name]
    assert brigade.recipient_organisation == setting["brigade"]
    assert brigade.recipient_kind == RecipientKind.PIONEER_COLLECTIVE  # "集体" resolved from the organisation
    assert rows["黄小丽"].organisation == district.branch_a and rows["黄小丽"].member is None
    assert rows["河小青护河行动"].organisation == district.sub_a and rows["河小青护河行动"].grade == "一等奖"
    assert all(h.history.count() == 1 for h in rows.values())
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.row_count == 4 and setting["id_a"] not in event.description and event.username == "secretary_a"
    page = secretary_a_client.get(reverse("honours:import_detail", args=[record.pk])).content.decode()
    assert "导入完成：添加 4 个获奖对象（关联成员 1，关联组织 1，按名称登记 2）。" in page


def test_one_bad_row_writes_nothing_and_lists_every_problem_by_row_and_column(secretary_a_client, setting):
    batch = setting["batch"]
    rows = good_rows(setting)
    rows.append({"荣誉称号": "", "获奖对象类别": "团员", "姓名或名称": "张三", "身份证号码": "450202200403181234"})
    rows.append({"荣誉称号": "优秀队员", "获奖对象类别": "学生", "姓名或名称": "李四", "所属组织": "不存在的组织"})
    record = checked(secretary_a_client, batch, xlsx(rows))
    assert record.status == ImportStatus.FAILED and record.problem_count == 4 and not record.file
    assert not Honour.objects.filter(batch=batch).exists()
    assert [p[:3] for p in problems(record)] == [
        (6, "A", "荣誉称号"),
        (6, "E", "身份证号码"),
        (7, "C", "获奖对象类别"),
        (7, "F", "所属组织"),
    ]
    response = secretary_a_client.get(reverse("honours:import_detail", args=[record.pk]))
    html = response.content.decode()
    assert "文件中有 4 个问题" in html and "未导入任何数据" in html and "无法识别的获奖对象类别" in html
    assert "第 7 行" in html and "F 列 所属组织" in html
    assert "450202200403181234" not in html and reverse("honours:import_confirm", args=[record.pk]) not in html
    assert not AuditEvent.objects.exists()


def test_an_id_outside_the_list_reads_the_same_as_an_unknown_one(secretary_a_client, setting):
    unknown = make_id_number(date(2001, 1, 1))
    rows = [
        {"荣誉称号": "优秀共青团员", "获奖对象类别": "团员", "姓名或名称": "覃明", "身份证号码": setting["id_b"]},
        {"荣誉称号": "优秀共青团员", "获奖对象类别": "团员", "姓名或名称": "某某", "身份证号码": unknown},
    ]
    messages = [p[3] for p in problems(checked(secretary_a_client, setting["batch"], xlsx(rows)))]
    assert len(messages) == 2 and messages[0] == messages[1]
    assert "未找到" in messages[0]
    assert not Honour.objects.exists()


def test_name_and_category_must_match_the_roster(secretary_a_client, setting):
    rows = [
        {"荣誉称号": "优秀共青团员", "获奖对象类别": "团员", "姓名或名称": "韦小绿", "身份证号码": setting["id_a"]},
        {"荣誉称号": "优秀少先队员", "获奖对象类别": "少先队员", "姓名或名称": "韦小红", "身份证号码": setting["id_a"]},
    ]
    found = problems(checked(secretary_a_client, setting["batch"], xlsx(rows)))
    assert [(p[0], p[2]) for p in found] == [(2, "姓名或名称"), (3, "身份证号码")]
    assert "不一致" in found[0][3] and "团员" in found[1][3]


def test_an_id_typed_as_a_number_gets_its_own_explanation(secretary_a_client, setting):
    rows = [{"荣誉称号": "优秀共青团员", "获奖对象类别": "团员", "姓名或名称": "韦小红", "身份证号码": 4.50202e17}]
    assert "文本格式" in problems(checked(secretary_a_client, setting["batch"], xlsx(rows)))[0][3]


def test_duplicates_in_the_file_and_against_the_list_are_refused(secretary_a_client, setting):
    batch = setting["batch"]
    twice = good_rows(setting)[:1] * 2
    found = problems(checked(secretary_a_client, batch, xlsx(twice)))
    assert [(p[0], p[3]) for p in found] == [(3, "与第 2 行是同一成员、同一称号。")]
    record = confirmed(secretary_a_client, checked(secretary_a_client, batch, xlsx(good_rows(setting))))
    assert record.status == ImportStatus.APPLIED
    again = checked(secretary_a_client, batch, xlsx(good_rows(setting)))
    assert len(problems(again)) == 4
    assert Honour.objects.filter(batch=batch).count() == 4


def test_the_check_shows_the_rows_and_writes_nothing_until_confirmed(secretary_a_client, setting):
    record = checked(secretary_a_client, setting["batch"], xlsx(good_rows(setting)))
    assert record.status == ImportStatus.PREVIEWED and record.created_count == 4 and record.file
    page = secretary_a_client.get(reverse("honours:import_detail", args=[record.pk])).content.decode()
    assert "检查通过：共 4 行，可添加 4 个获奖对象（关联成员 1，关联组织 1，按名称登记 2）。确认后写入名单。" in page
    assert reverse("honours:import_confirm", args=[record.pk]) in page
    assert "河小青护河行动" in page and "花名册成员" in page and setting["id_a"] not in page
    assert not Honour.objects.exists()


@pytest.mark.parametrize(
    "file, message",
    [
        (SimpleUploadedFile("名单.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100), "文件类型不符合要求"),
        (SimpleUploadedFile("名单.xlsx", b""), "空"),
    ],
)
def test_a_file_refused_as_a_whole_in_the_request_shows_why(secretary_a_client, setting, file, message):
    from honours.models import BatchImport

    response = upload(secretary_a_client, setting["batch"], file)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])
    assert not Honour.objects.exists() and not BatchImport.objects.exists()


def test_a_file_without_the_headers_fails_its_check_and_says_why(secretary_a_client, setting):
    record = checked(secretary_a_client, setting["batch"], xlsx([{"荣誉称号": "x"}], headers=["荣誉称号", "姓名"]))
    assert record.status == ImportStatus.FAILED and "缺少表头" in record.error and not record.file
    page = secretary_a_client.get(reverse("honours:import_detail", args=[record.pk]))
    assert page.status_code == 200 and record.error in page.content.decode()
    assert not Honour.objects.exists()


def test_template_has_the_columns_and_a_text_id_column(secretary_a_client):
    response = secretary_a_client.get(reverse("honours:batch_template"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet["E2"].number_format == "@"


# --- Only the number is known ---------------------------------------------------------------


def test_count_only_form_records_replaces_and_removes_a_count(staff_client, district):
    batch = BatchFactory(organisation=district.root, status=Status.DRAFT)
    url = reverse("honours:batch_count", args=[batch.pk])
    data = {"title": "优秀少先队员", "recipient_kind": RecipientKind.YOUNG_PIONEER, "count": 135}
    assert staff_client.post(url, data).status_code == 302
    row = Honour.objects.get(batch=batch)
    assert row.recipient_count == 135 and row.recipient_name == "" and row.organisation == district.root
    assert staff_client.post(url, {**data, "count": 130}).status_code == 302
    assert Honour.objects.get(batch=batch).recipient_count == 130
    staff_client.post(url, {"title": "优秀少先队辅导员", "recipient_kind": RecipientKind.COUNSELLOR, "count": 47})
    staff_client.post(reverse("honours:batch_approve", args=[batch.pk]))
    summary = honour_summary(organisation=district.root, start=date(2024, 1, 1), end=date(2024, 6, 30))
    assert summary.phrase(level=Level.CITY) == "130名少先队员、47名少先队辅导员"


def test_count_only_form_refuses_bad_numbers_and_keeps_input(staff_client, district):
    batch = BatchFactory(organisation=district.root)
    url = reverse("honours:batch_count", args=[batch.pk])
    response = staff_client.post(
        url, {"title": "优秀少先队员", "recipient_kind": RecipientKind.YOUNG_PIONEER, "count": -3}
    )
    assert response.status_code == 200 and response.context["form"].errors["count"]
    assert response.context["form"]["title"].value() == "优秀少先队员"
    assert not Honour.objects.exists()


def test_count_zero_removes_the_count(staff_client, district):
    batch = BatchFactory(organisation=district.root)
    url = reverse("honours:batch_count", args=[batch.pk])
    data = {"title": "优秀少先队员", "recipient_kind": RecipientKind.YOUNG_PIONEER}
    staff_client.post(url, {**data, "count": 12})
    staff_client.post(url, {**data, "count": 0})
    assert not Honour.objects.filter(batch=batch).exists()


# --- Picked one by one ----------------------------------------------------------------------


def test_pick_adds_members_organisations_and_names_with_one_title(secretary_a_client, district, setting):
    batch = setting["batch"]
    page = secretary_a_client.get(reverse("honours:batch_pick", args=[batch.pk]), {"q": "韦"})
    assert [m.name for m in page.context["found_members"]] == ["韦小红"]
    response = secretary_a_client.post(
        reverse("honours:batch_pick", args=[batch.pk]),
        {
            "title": "优秀共青团员",
            "recipient_kind": RecipientKind.LEAGUE_MEMBER,
            "members": [setting["member_a"].pk],
            "names": "陆一\n\n陆二\n",
            "names_organisation": district.branch_a.pk,
        },
    )
    assert response.status_code == 302
    names = sorted(Honour.objects.filter(batch=batch).values_list("recipient_name", "organisation__name"))
    assert names == [("陆一", "甲社区团支部"), ("陆二", "甲社区团支部"), ("韦小红", "甲社区团支部")]


def test_pick_stays_on_the_page_with_the_running_list(secretary_a_client, district, setting):
    batch = setting["batch"]
    url = reverse("honours:batch_pick", args=[batch.pk]) + "?q=%E9%9F%A6"  # ?q=韦
    response = secretary_a_client.post(
        url,
        {"title": "优秀共青团员", "recipient_kind": RecipientKind.LEAGUE_MEMBER, "members": [setting["member_a"].pk]},
        follow=True,
    )
    # Back on the pick page, the search kept, the added name in the running list.
    assert response.redirect_chain == [(url, 302)]
    html = response.content.decode()
    assert "已添加 1 个获奖对象：韦小红。可以继续查找添加。" in html
    assert "名单中已有 1 项" in html
    assert [m.name for m in response.context["found_members"]] == ["韦小红"]


def test_pick_refuses_a_member_outside_the_list_and_writes_nothing(secretary_a_client, staff_client, setting):
    batch = setting["batch"]
    # secretary_a's form cannot even offer secretary_b's member: the choice is invalid.
    response = secretary_a_client.post(
        reverse("honours:batch_pick", args=[batch.pk]),
        {"title": "优秀共青团员", "recipient_kind": RecipientKind.LEAGUE_MEMBER,
         "members": [setting["member_a"].pk, setting["member_b"].pk]},
    )  # fmt: skip
    assert response.status_code == 200 and response.context["form"].errors["members"]
    # Staff reach both, but the list belongs to sub_a: the service refuses the stranger.
    response = staff_client.post(
        reverse("honours:batch_pick", args=[batch.pk]),
        {"title": "优秀共青团员", "recipient_kind": RecipientKind.LEAGUE_MEMBER, "members": [setting["member_b"].pk]},
    )
    assert response.status_code == 200
    assert not Honour.objects.exists()


def test_pick_refuses_a_member_for_a_collective_kind(staff_client, setting):
    response = staff_client.post(
        reverse("honours:batch_pick", args=[setting["batch"].pk]),
        {"title": "先进集体", "recipient_kind": RecipientKind.LEAGUE_COLLECTIVE, "members": [setting["member_a"].pk]},
    )
    assert response.status_code == 200 and "选择成员时" in response.content.decode()
    assert not Honour.objects.exists()


def test_an_id_number_typed_in_the_wrong_column_is_not_echoed(secretary_a_client, setting):
    rows = [{"荣誉称号": "优秀共青团员", "获奖对象类别": "团员", "姓名或名称": "韦小红", "所属组织": setting["id_a"]}]
    record = checked(secretary_a_client, setting["batch"], xlsx(rows))
    found = problems(record)
    assert [(p[0], p[2]) for p in found] == [(2, "所属组织")]
    page = secretary_a_client.get(reverse("honours:import_detail", args=[record.pk])).content.decode()
    assert setting["id_a"] not in page and setting["id_a"] not in str(record.report) and "********" in found[0][3]


def _named_rows(n: int = 30) -> list[dict]:
    return [{"荣誉称号": "优秀少先队员", "获奖对象类别": "少先队员", "姓名或名称": f"队员{i}"} for i in range(n)]


def test_a_list_garbled_after_its_first_rows_fails_its_check_with_a_reason(secretary_a_client, setting):
    content = xlsx_damage.garbled_workbook(xlsx(_named_rows()).read()).getvalue()
    record = checked(secretary_a_client, setting["batch"], SimpleUploadedFile("名单.xlsx", content))
    assert record.status == ImportStatus.FAILED and not record.file
    assert record.error == "无法读取该 Excel 文件，请使用平台提供的模板。"
    page = secretary_a_client.get(reverse("honours:import_detail", args=[record.pk]))
    assert page.status_code == 200 and record.error in page.content.decode() and "重新上传" in page.content.decode()
    assert not Honour.objects.exists()


def test_a_list_declaring_16384_columns_is_refused_before_its_rows_are_read(secretary_a_client, setting, monkeypatch):
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    content = xlsx_damage.hostile_workbook(
        HEADERS, ["优秀少先队员", "", "少先队员", "某"], rows=4000, dimension=b"A1:XFD4001"
    ).getvalue()
    read = []
    monkeypatch.setattr(ReadOnlyWorksheet, "_get_row", lambda *args, **kwargs: read.append(1))
    record = checked(secretary_a_client, setting["batch"], SimpleUploadedFile("名单.xlsx", content))
    assert record.status == ImportStatus.FAILED and "列数过多（16384 列）" in record.error
    assert read == [] and not Honour.objects.exists()


def test_an_import_that_lost_the_race_to_another_writes_nothing_and_says_so(secretary_a_client, setting, monkeypatch):
    """Another import (or a pick) adds 韦小红 with the same title between this import's check
    and its write: the unique key refuses the write, and the page says what happened."""
    from honours.services import batches
    from honours.services import imports as service

    batch = setting["batch"]
    record = checked(secretary_a_client, batch, xlsx(good_rows(setting)))
    planned = service.batch_import_plan

    def other_writer_first(*args, **kwargs):
        result = planned(*args, **kwargs)
        winner = batches.new_recipient(
            batch,
            title="优秀共青团员",
            recipient_kind=RecipientKind.LEAGUE_MEMBER,
            member=setting["member_a"],
            recipient_name="韦小红",
            organisation=setting["member_a"].organisation,
        )
        winner.save()
        return result

    monkeypatch.setattr(service, "batch_import_plan", other_writer_first)
    record = confirmed(secretary_a_client, record)
    assert record.status == ImportStatus.PREVIEWED and record.file
    assert record.error.startswith("名单已变化，请重新检查")
    assert not Honour.objects.filter(batch=batch).exists()
    page = secretary_a_client.get(reverse("honours:import_detail", args=[record.pk])).content.decode()
    assert "名单已变化，请重新检查" in page


def test_a_list_changed_since_the_check_fails_the_write_and_lists_the_rows(secretary_a_client, setting):
    batch = setting["batch"]
    record = checked(secretary_a_client, batch, xlsx(good_rows(setting)))
    # Someone adds 韦小红 with the same title after the check, through the pick page.
    secretary_a_client.post(
        reverse("honours:batch_pick", args=[batch.pk]),
        {"title": "优秀共青团员", "recipient_kind": RecipientKind.LEAGUE_MEMBER, "members": [setting["member_a"].pk]},
    )
    record = confirmed(secretary_a_client, record)
    assert record.status == ImportStatus.FAILED and not record.file
    assert record.error == "名单已变化，请重新检查：以下各行不再符合要求，未写入任何数据。"
    assert [(p[0], p[3]) for p in problems(record)] == [(2, "该成员已在名单中（同一称号）。")]
    assert Honour.objects.filter(batch=batch).count() == 1
