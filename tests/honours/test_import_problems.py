"""A commendation list file's problems as .xlsx, every one of them, for whoever may import into
the list (the same refusals as the import's page)."""

import io

import openpyxl
import pytest
from django.urls import reverse

from core.models import ImportStatus
from core.xlsx import problems_workbook

from .import_helpers import checked, xlsx

pytestmark = pytest.mark.usefixtures("media", "queued")


def _bad(n: int) -> list[dict]:
    # Every row but the last lacks its 荣誉称号; the last one's category is unknown.
    rows = [{"荣誉称号": "", "获奖对象类别": "少先队员", "姓名或名称": f"队员{i}"} for i in range(n)]
    rows.append({"荣誉称号": "优秀队员", "获奖对象类别": "学生", "姓名或名称": "王五"})
    return rows


def _cells(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_the_problems_download_lists_every_problem_by_row_and_column(secretary_a_client, setting, monkeypatch):
    monkeypatch.setattr("core.import_views.ImportDetailView.shown_problems", 2)
    record = checked(secretary_a_client, setting["batch"], xlsx(_bad(3)))
    assert record.status == ImportStatus.FAILED and record.problem_count == 4
    url = reverse("honours:import_problems", args=[record.pk])
    page = secretary_a_client.get(reverse("honours:import_detail", args=[record.pk])).content.decode()
    assert url in page and "另有 2 个问题未显示，下载问题清单可看到全部。" in page

    response = secretary_a_client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    cells = _cells(response)
    assert cells[0] == ["行", "列", "列名", "问题"]
    assert [row[:3] for row in cells[1:]] == [
        [2, "A", "荣誉称号"],
        [3, "A", "荣誉称号"],
        [4, "A", "荣誉称号"],
        [5, "C", "获奖对象类别"],
    ]
    assert cells[1][3] == "荣誉称号不能为空。"
    assert cells[4][3].startswith("无法识别的获奖对象类别“学生”")


def test_a_problem_that_reads_like_a_formula_is_written_as_text():
    problems = [{"row": 2, "letter": "B", "column": "=HYPERLINK(1)", "message": "+SUM(A1)"}]
    sheet = openpyxl.load_workbook(io.BytesIO(problems_workbook(problems))).active
    assert [c.value for c in sheet[2]] == [2, "B", "'=HYPERLINK(1)", "'+SUM(A1)"]
    assert sheet["C2"].data_type == "s" and sheet["D2"].data_type == "s"


def test_a_file_without_problems_downloads_only_the_header_and_the_page_offers_none(secretary_a_client, setting):
    rows = [{"荣誉称号": "优秀少先队员", "获奖对象类别": "少先队员", "姓名或名称": "队员"}]
    record = checked(secretary_a_client, setting["batch"], xlsx(rows))
    assert record.status == ImportStatus.PREVIEWED
    url = reverse("honours:import_problems", args=[record.pk])
    assert url not in secretary_a_client.get(reverse("honours:import_detail", args=[record.pk])).content.decode()
    assert _cells(secretary_a_client.get(url)) == [["行", "列", "列名", "问题"]]


def test_only_who_may_import_into_the_list_downloads_its_problems(
    secretary_a_client, secretary_b_client, leader_client, staff_client, setting
):
    record = checked(secretary_a_client, setting["batch"], xlsx(_bad(1)))
    url = reverse("honours:import_problems", args=[record.pk])
    assert staff_client.get(url).status_code == 200
    assert secretary_b_client.get(url).status_code == 404  # another subtree's list: not found
    assert leader_client.get(url).status_code == 403  # leadership imports nothing
    assert secretary_a_client.post(url).status_code == 405
