"""The half-year report as a .docx in the format of GB/T 9704 (党政机关公文格式).

A4; margins 37/35/28/26 mm (top/bottom/left/right) and a character grid of 28 × 22; the title
in a Song-style display face at 22 pt (二号), centred, broken between words into balanced lines
(reports.exporters.page); the body in FangSong at 16 pt (三号) with a two-character first-line
indent and a fixed 28 pt line spacing; ``一、`` headings in HeiTi, ``（一）`` headings in KaiTi;
the issuer and date as §7.3.5.1 lays out a single issuer (the date four characters in from the
right, the issuer centred above it, one blank line after the text); page numbers ``— N —`` in
Song 14 pt (四号) at the foot, odd pages right and even pages left. The document's properties
name the committee, the title and zh-CN, and nothing of the library that wrote it.

Word and WPS choose a Chinese font from the run's ``w:eastAsia`` attribute; setting only the
font name changes the Latin text alone. Every run here sets all four slots.
"""

import datetime as dt
import io
import math
from xml.sax.saxutils import escape

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

from ..content import ReportContent
from ..presentation import paragraphs
from . import page

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

BODY_SIZE = Pt(page.BODY_PT)
TITLE_SIZE = Pt(page.TITLE_PT)
LINE_SPACING = Pt(28)


def set_run_font(run, east_asia: str, size, *, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _body_format(paragraph, *, indent: bool = True) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_SPACING
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        # Two characters, as Word counts them (w:firstLineChars is in hundredths of a character).
        fmt.first_line_indent = Pt(32)
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")


def _paragraph(document, runs: list[tuple[str, str]], *, indent: bool = True, align=None):
    paragraph = document.add_paragraph()
    _body_format(paragraph, indent=indent)
    if align is not None:
        paragraph.alignment = align
    for text, font in runs:
        if text:
            set_run_font(paragraph.add_run(text), font, BODY_SIZE)
    return paragraph


def _page_number_footer(footer, align) -> None:
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = align
    # One character in from the edge: 14 pt Song, per GB/T 9704 §7.5.
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = Pt(14)
    else:
        paragraph.paragraph_format.left_indent = Pt(14)
    set_run_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, Pt(14))
    run = paragraph.add_run()
    set_run_font(run, PAGE_NUMBER_FONT, Pt(14))
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._element.append(element)
    set_run_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, Pt(14))


def _mark_font(paragraph, east_asia: str, size) -> None:
    """The paragraph mark's font: what an empty paragraph is measured in."""
    p_pr = paragraph._p.get_or_add_pPr()
    r_pr = p_pr.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        p_pr.append(r_pr)  # last in w:pPr, where the schema puts it
    fonts = OxmlElement("w:rFonts")
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    r_pr.append(fonts)
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(int(size.pt * 2)))
        r_pr.append(element)


def _right_indent(paragraph, em: float) -> None:
    """Indent from the right by ``em`` characters (w:rightChars, which Word and WPS lay on the grid)."""
    paragraph.paragraph_format.right_indent = Pt(em * page.BODY_PT)
    paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:rightChars"), str(round(em * 100)))


def _signature(document, content: ReportContent) -> None:
    """§7.3.5.1, a single issuer: a blank line after the text; the date four characters in from
    the right margin; the issuer's name on the line above, centred on the date."""
    blank = _paragraph(document, [], indent=False)
    _mark_font(blank, BODY_FONT, BODY_SIZE)
    issuer_em, date_em = page.signature_indents(content.signature, content.date_text)
    for text, indent in ((content.signature, issuer_em), (content.date_text, date_em)):
        if text:
            line = _paragraph(document, [(text, BODY_FONT)], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            _right_indent(line, indent)


def _title(document, text: str) -> None:
    """One paragraph; a title longer than a line is broken with line breaks (page.title_lines)."""
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(35)
    title.paragraph_format.space_after = Pt(28)
    for n, line in enumerate(page.title_lines(text)):
        run = title.add_run(line)
        set_run_font(run, TITLE_FONT, TITLE_SIZE)
        if n:
            run._element.addprevious(_line_break(title))
    _mark_font(title, TITLE_FONT, TITLE_SIZE)


def _line_break(paragraph):
    run = paragraph.add_run()
    set_run_font(run, TITLE_FONT, TITLE_SIZE)
    run.add_break(WD_BREAK.LINE)
    return run._element


def _grid(section) -> None:
    """28 characters × 22 lines on the text block, as Word and WPS lay out official documents:
    w:linePitch is the block's height over 22 (twips, rounded down so that 22 lines fit);
    w:charSpace is the pitch of 28 characters across the block less the body size, in 4096ths
    of a point (Word's unit for it)."""
    width_pt = Length(section.page_width - section.left_margin - section.right_margin).pt
    height_twips = Length(section.page_height - section.top_margin - section.bottom_margin).twips
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(math.floor(height_twips / page.LINES_PER_PAGE)))
    grid.set(qn("w:charSpace"), str(round((width_pt / page.CHARS_PER_LINE - page.BODY_PT) * 4096)))


def _language(document) -> None:
    """zh-CN for East Asian text, in the style defaults and the theme font language."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if r_pr is not None:
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    preview = settings.find(qn("w:savePreviewPicture"))
    if preview is not None:
        settings.remove(preview)


def _properties(document, *, title: str, author: str, created: dt.datetime, modified: dt.datetime) -> None:
    """Core and application properties: every one python-docx's template carries is overwritten
    or cleared, its thumbnail of an empty page is dropped."""
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.language = "zh-CN"
    props.created = _utc(created)
    props.modified = _utc(modified)
    props.revision = 1
    for name in ("subject", "keywords", "comments", "category", "content_status", "identifier", "version"):
        setattr(props, name, "")
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype in (RELATIONSHIP_TYPE.THUMBNAIL, RELATIONSHIP_TYPE.EXTENDED_PROPERTIES):
            package.rels.pop(r_id)
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>youthleague</Application><Company>{escape(author)}</Company></Properties>"
    )
    part = Part(PackURI("/docProps/app.xml"), CONTENT_TYPE.OFC_EXTENDED_PROPERTIES, app.encode(), package)
    package.relate_to(part, RELATIONSHIP_TYPE.EXTENDED_PROPERTIES)


def _utc(moment: dt.datetime) -> dt.datetime:
    if timezone.is_aware(moment):
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def render_docx(content: ReportContent, *, author: str = "", created: dt.datetime | None = None) -> bytes:
    """The report as a .docx. ``author`` is the committee's name (it defaults to the signature);
    ``created`` when the report was compiled (default now); the file is modified now."""
    now = timezone.now()
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(page.PAGE_WIDTH_MM), Mm(page.PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(page.TOP_MM), Mm(page.BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(page.LEFT_MM), Mm(page.RIGHT_MM)
    section.footer_distance = Mm(28 - 7)  # the page number sits 7 mm below the text block
    _grid(section)

    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    _language(document)

    document.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    for paragraph in paragraphs(content):
        if paragraph.kind == "title":
            _title(document, paragraph.text)
        elif paragraph.kind == "h1":
            _paragraph(document, [(paragraph.text, HEI_FONT)])
        elif paragraph.kind == "h2":
            _paragraph(document, [(paragraph.lead, KAI_FONT), (paragraph.text, BODY_FONT)])
        elif paragraph.kind == "signature":
            continue  # the signature block is laid out as a whole, below
        else:
            _paragraph(document, [(paragraph.text, BODY_FONT)])
    if content.signature or content.date_text:
        _signature(document, content)

    _properties(document, title=content.title, author=author or content.signature, created=created or now, modified=now)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
