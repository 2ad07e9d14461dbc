"""The .docx follows GB/T 9704: reopen it and check the page, the fonts and the numbering."""

import io

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.content import Figure, Item, ReportContent, Subsection
from reports.exporters.docx import render_docx


def sample() -> ReportContent:
    return ReportContent(
        title="测试区团委2024年上半年工作总结及下半年工作计划",
        opening=Item(
            "opening", "2024年上半年，区团委在区委和上级团组织的正确领导下开展工作。现将上半年工作情况总结如下："
        ),
        achievements=[
            Subsection(
                "unite_youth",
                "凝聚青年",
                "紧扣时代主题",
                [
                    Item(
                        "campaign:1",
                        "开展主题团日活动{count}，覆盖{persons}名团员青年",
                        {"count": Figure(34, "场", "campaign_activities", "yu"), "persons": Figure(4560)},
                    ),
                    Item("x", "常态化开展青年大学习。"),
                ],
            ),
            Subsection("serve_overall", "服务大局", "推动青年创新创优", [Item("y", "开展保护母亲河活动")]),
        ],
        problems=[Item("p1", "基层团干兼职居多"), Item("p2", "新媒体运用有待加强")],
        plan=[Item("plan:1", "每月开展一场专题学习活动，机关团干部每月学习不少于8小时。", heading="从严治团")],
        signature="共青团测试区委员会",
        date_text="2024年7月10日",
    )


def east_asia(run) -> str | None:
    fonts = run._element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def reopen() -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(sample())))


def test_page_is_a4_with_official_margins():
    section = reopen().sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_title_is_song_display_22pt_centred():
    title = reopen().paragraphs[0]
    assert title.text == "测试区团委2024年上半年工作总结及下半年工作计划"
    assert title.alignment == 1  # centre
    run = title.runs[0]
    assert east_asia(run) == "方正小标宋简体" and run.font.size == Pt(22)


def test_body_is_fangsong_16pt_indented_with_fixed_spacing():
    body = reopen().paragraphs[1]
    assert body.text.startswith("2024年上半年")
    assert east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.line_spacing == Pt(28)
    assert body.paragraph_format.line_spacing_rule == 4  # EXACTLY
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"


def test_headings_use_heiti_and_kaiti_and_items_are_numbered():
    paragraphs = reopen().paragraphs
    texts = [p.text for p in paragraphs]
    first = texts.index("一、主要做法和成效")
    assert east_asia(paragraphs[first].runs[0]) == "黑体"
    dimension = paragraphs[first + 1]
    assert dimension.runs[0].text == "（一）凝聚青年，紧扣时代主题。"
    assert east_asia(dimension.runs[0]) == "楷体_GB2312"
    assert east_asia(dimension.runs[1]) == "仿宋_GB2312"
    assert dimension.runs[1].text == "一是开展主题团日活动30余场，覆盖4560名团员青年。二是常态化开展青年大学习。"
    assert texts[first + 2].startswith("（二）服务大局")
    assert "一是基层团干兼职居多。二是新媒体运用有待加强。" in texts
    plan = paragraphs[texts.index("三、下半年工作计划") + 1]
    assert plan.runs[0].text == "（一）从严治团。" and east_asia(plan.runs[0]) == "楷体_GB2312"
    assert "每月学习不少于8小时" in plan.text


def test_footer_has_page_numbers_in_dashes_odd_right_even_left():
    document = reopen()
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text.startswith("— ") and odd.text.endswith(" —")
    assert "PAGE" in odd._p.xml and "PAGE" in even._p.xml
    assert odd.alignment == 2 and even.alignment == 0  # right, left
    assert document.settings.odd_and_even_pages_header_footer


def test_every_run_sets_an_east_asian_font():
    document = reopen()
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text.strip():
                assert east_asia(run), run.text
