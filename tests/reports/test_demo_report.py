"""After load_demo, the district's 2024 H1 report says what the source document says, from data."""

import pytest
from django.core.management import call_command

from branches.models import Organisation
from reports.compiler import compile_report_content
from reports.models import Report
from reports.presentation import paragraphs


@pytest.mark.django_db
def test_demo_report_for_2024_h1_holds_the_source_figures(settings):
    settings.DEBUG = True
    call_command("load_demo")
    settings.DEBUG = False
    root = Organisation.objects.get_root_nodes().get()
    content = compile_report_content(organisation=root, year=2024, half=1)
    text = "\n".join(p.lead + p.text for p in paragraphs(content))

    for expected in (
        "30余场",
        "4560名",
        "20余场",
        "11560名",
        "26场",
        "166期",
        "近40000次",
        # The national body by its short form (the source wrote the level: 全国级).
        "1名团员荣获中央文明办、教育部、团中央、全国妇联“最美中学生”称号",
        "“优秀少先队大队”",
        "“优秀少先队中队”",
        "“优秀少先队大队辅导员”",
        "“优秀少先队员”",
        "135名少先队员、47名少先队辅导员、45个少先队集体",
        "“优秀少工委”",
    ):
        assert expected in text, expected
    for heading in (
        "一、主要做法和成效",
        "（一）凝聚青年",
        "（二）服务大局",
        "（三）当好桥梁",
        "（四）从严治团",
        "二、存在问题",
        "三、下半年工作计划",
    ):
        assert heading in text, heading
    plan = "".join(
        p.text for p in paragraphs(content) if p.kind == "h2" and p.lead.startswith("（") and "是" not in p.text[:2]
    )
    for target in ("每月学习不少于8小时", "每季度", "30%", "7场"):
        assert target in plan, target

    final = Report.objects.get(status="final", organisation=root)  # the committees' own are submitted
    assert final.docx_file and final.xlsx_file and final.content["problems"]
