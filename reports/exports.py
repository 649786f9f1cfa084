"""Exports: the dashboard's spreadsheet and the report documents (PDF, DOCX, XLSX).

Report documents are rendered from their content (reports/documents.py): the frozen
snapshot of a final report, the live roll-up for a draft. Numbers in spreadsheets are
written as numbers (never formulas or text).
"""

import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from . import wording
from .documents import in_official_language


def _sheet_title(text):
    return text[:31]


def _autosize(sheet, widths):
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def dashboard_workbook(progress):
    """The dashboard's table (one row per indicator) and the per-unit breakdown."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(_("Tiến độ"))
    sheet.append([_("%(unit)s — %(period)s") % {"unit": progress.unit.name, "period": progress.period.label}])
    sheet["A1"].font = Font(bold=True, size=13)
    done = progress.completeness
    sheet.append(
        [
            _("Đơn vị đã gửi: %(submitted)d/%(expected)d; đã duyệt: %(approved)d")
            % {"submitted": done.submitted, "expected": done.expected, "approved": done.approved}
        ]
    )
    header = [
        _("Mã"),
        _("Chỉ tiêu"),
        _("ĐVT"),
        _("Chỉ tiêu giao"),
        _("Giá trị giao"),
        _("Căn cứ"),
        _("Kết quả kỳ"),
        _("Lũy kế"),
        _("Cùng kỳ"),
        _("Tăng/giảm"),
        _("% đạt"),
        _("Đánh giá"),
        # Coverage (DESIGN.md): (unit, half) pairs behind the cumulative value.
        _("Cần báo cáo (đơn vị × kỳ)"),
        _("Đã báo cáo"),
        _("Đã duyệt"),
        _("Lũy kế cùng kỳ"),
    ]
    sheet.append([])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in progress.rows:
        target = row.target
        sheet.append(
            [
                row.indicator.code,
                row.indicator.name,
                row.indicator.measure,
                wording.target_text(target),
                float(target.value) if target else None,
                target.plan.number if target and target.plan else None,
                row.actual,
                row.cumulative,
                row.same_period_last_year,
                row.change,
                row.percent,
                wording.status_label(row.status),
                row.coverage.expected,
                row.coverage.reported,
                row.coverage.approved,
                row.cumulative_last_year,
            ]
        )
    _autosize(sheet, [16, 50, 10, 28, 12, 16, 12, 12, 12, 12, 10, 18, 14, 12, 12, 12])

    if progress.children:
        detail = book.create_sheet(_sheet_title(_("Theo đơn vị")))
        detail.append([_("Mã"), _("Chỉ tiêu"), _("ĐVT"), *[child.name for child in progress.children]])
        for cell in detail[1]:
            cell.font = Font(bold=True)
        for row in progress.rows:
            detail.append(
                [row.indicator.code, row.indicator.name, row.indicator.measure, *[c.actual for c in row.children]]
            )
        _autosize(detail, [16, 50, 10, *[16] * len(progress.children)])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------- report documents

DOCUMENT_CSS = "css/document.css"
SERIF = "Times New Roman"


@in_official_language
def report_workbook(content, content_hash=""):
    """The appendix table with numbers as numbers, and the previous conclusions."""
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(_("Phụ lục"))
    header = content["header"]
    sheet.append([f"{header['issuing_body']} — {content['doc_type']} {header['number']}".strip()])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([content["table"]["title"]])
    sheet["A2"].font = Font(bold=True)
    sheet.append([header["place_date"]])
    sheet.append([])
    columns = [_("TT"), *content["table"]["columns"], _("Yêu cầu"), _("Đánh giá"), _("Mã chỉ tiêu")]
    sheet.append(columns)
    thin = Side(style="thin")
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for position, row in enumerate(content["table"]["rows"], start=1):
        sheet.append(
            [
                position,
                row["name"],
                row["measure"],
                row["target"],
                row["actual"],
                row["last_year"],
                row["change"],
                None if row["percent"] is None else round(row["percent"], 1),
                row["target_text"],
                row["status_label"],
                row["indicator"],
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        sheet.cell(sheet.max_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(sheet.max_row, 8).number_format = "0.0"
    sheet.append([])
    sheet.append([content_footer(content_hash)])
    _autosize(sheet, [5, 50, 9, 10, 12, 10, 10, 8, 14, 16, 16])

    conclusions = content["previous_conclusions"]
    if conclusions["rows"]:
        detail = book.create_sheet(_sheet_title(_("Thực hiện kết luận")))
        detail.append([conclusions["title"]])
        detail["A1"].font = Font(bold=True)
        detail.append(conclusions["columns"])
        for cell in detail[2]:
            cell.font = Font(bold=True)
        for row in conclusions["rows"]:
            detail.append([row["order"], row["text"], row["owner"], row["due_text"], row["status_label"]])
        _autosize(detail, [5, 70, 30, 12, 16])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@in_official_language
def content_footer(content_hash):
    if content_hash:
        return _("Mã kiểm tra nội dung (SHA-256): %(hash)s") % {"hash": content_hash}
    return _("DỰ THẢO — chưa ban hành, số liệu có thể còn thay đổi")


def report_html(content, content_hash="", *, for_pdf=True, report=None):
    template = "reports/document_pdf.html" if for_pdf else "reports/document_print.html"
    return render_to_string(template, {"c": content, "content_hash": content_hash, "report": report})


@in_official_language
def report_pdf(content, content_hash=""):
    """The document as an A4 PDF (WeasyPrint), fonts embedded."""
    return html_to_pdf(report_html(content, content_hash))


def html_to_pdf(html):
    """WeasyPrint's part of :func:`report_pdf`: the document's stylesheet, layout, PDF."""
    from weasyprint import CSS, HTML  # imported here: WeasyPrint loads Pango (~0.6 s)

    stylesheet = CSS(filename=finders.find(DOCUMENT_CSS))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


@in_official_language
def report_docx(content, content_hash=""):
    """The same document for Word: A4, the same margins, a real table for the appendix."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.different_first_page_header_footer = True

    normal = document.styles["Normal"]
    normal.font.name = SERIF
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), SERIF)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)

    def paragraph(container, text="", *, bold=False, italic=False, size=None, align=None, indent=False, caps=False):
        para = container.add_paragraph()
        if align is not None:
            para.alignment = align
        if indent:
            para.paragraph_format.first_line_indent = Cm(1.27)
        if text:
            run = para.add_run(text)
            run.bold, run.italic = bold, italic
            run.font.all_caps = caps
            if size:
                run.font.size = Pt(size)
        return para

    def rule(para, width_cm):
        """A short horizontal rule: a bordered, indented empty paragraph."""
        props = para._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        top = OxmlElement("w:top")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            top.set(qn(key), value)
        borders.append(top)
        props.append(borders)
        para.paragraph_format.left_indent = Cm(width_cm)
        para.paragraph_format.right_indent = Cm(width_cm)

    def page_number_field(para):
        run = para.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)

    def no_borders(table):
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            borders.append(element)
        table._tbl.tblPr.append(borders)

    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    header = content["header"]

    # Page numbers centred at the top from page 2; the hash at the foot of every page.
    page_number_field(section.header.paragraphs[0])
    section.header.paragraphs[0].alignment = center
    for footer in (section.footer, section.first_page_footer):
        foot = footer.paragraphs[0]
        foot.alignment = center
        run = foot.add_run(content_footer(content_hash))
        run.font.size = Pt(9)

    top = document.add_table(rows=1, cols=2)
    no_borders(top)
    top.autofit = False
    left, right = top.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    left.paragraphs[0].alignment = center
    left.paragraphs[0].add_run(header["parent_body"].upper()).font.size = Pt(13)
    paragraph(left, header["issuing_body"].upper(), bold=True, size=13, align=center)
    rule(paragraph(left, align=center), 2.2)
    paragraph(left, header["number_line"], size=13, align=center)
    right.paragraphs[0].alignment = center
    national = right.paragraphs[0].add_run(header["national_name"])
    national.bold, national.font.size = True, Pt(12.5)
    motto = paragraph(right, header["motto"], bold=True, size=13, align=center)
    motto.runs[0].underline = True
    paragraph(right, header["place_date"], italic=True, size=14, align=center).paragraph_format.space_before = Pt(6)

    if not content_hash:
        paragraph(document, _("DỰ THẢO"), bold=True, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, content["doc_type"], bold=True, align=center).paragraph_format.space_before = Pt(12)
    paragraph(document, content["subject"], bold=True, align=center)
    rule(paragraph(document, align=center), 6)
    if content["document"]["corrects"]:
        paragraph(
            document,
            _("(Bản đính chính, thay thế báo cáo số %(number)s lần %(version)s)")
            % {"number": content["document"]["corrects"], "version": content["document"]["corrects_version"]},
            italic=True,
            align=center,
        )
    for part in content["sections"]:
        if not part["paragraphs"]:
            continue
        heading = paragraph(document, part["title"], bold=True, indent=True)
        heading.paragraph_format.space_before = Pt(6)
        for text in part["paragraphs"]:
            body = paragraph(document, text, align=justify, indent=True)
            body.paragraph_format.space_after = Pt(4)

    document.add_paragraph()
    sign = document.add_table(rows=1, cols=2)
    no_borders(sign)
    recipients, signer = sign.rows[0].cells
    recipients.width, signer.width = Cm(7.5), Cm(9)
    title = recipients.paragraphs[0].add_run(content["recipients"]["title"])
    title.bold, title.italic, title.font.size = True, True, Pt(12)
    for line in content["recipients"]["lines"]:
        paragraph(recipients, line, size=11)
    signer.paragraphs[0].alignment = center
    for position, line in enumerate(content["signature"]["authority"]):
        if position == 0:
            signer.paragraphs[0].add_run(line).bold = True
        else:
            paragraph(signer, line, bold=True, align=center)
    for _blank in range(4):
        paragraph(signer, align=center)
    paragraph(signer, content["signature"]["name"], bold=True, align=center)

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    paragraph(document, content["table"]["title"], bold=True, size=13, align=center)
    paragraph(
        document,
        _("(Kèm theo Báo cáo số %(number)s; %(place_date)s)")
        % {"number": header["number"] or "…", "place_date": header["place_date"]},
        italic=True,
        size=12,
        align=center,
    ).paragraph_format.space_after = Pt(8)
    _docx_table(
        document,
        [_("TT"), *content["table"]["columns"]],
        [
            [
                str(position),
                row["name"],
                row["measure"],
                row["target_text"] or "—",
                wording.pct(row["actual"]) if row["measure"] == "%" else wording.num(row["actual"]),
                wording.pct(row["last_year"]) if row["measure"] == "%" else wording.num(row["last_year"]),
                wording.signed(row["change"]),
                wording.pct(row["percent"]),
            ]
            for position, row in enumerate(content["table"]["rows"], start=1)
        ],
        widths=[1, 6.2, 1.4, 1.6, 1.8, 1.5, 1.5, 1.5],
        numeric=[0, 4, 5, 6, 7],
        table_alignment=WD_TABLE_ALIGNMENT.CENTER,
    )
    conclusions = content["previous_conclusions"]
    if conclusions["rows"]:
        paragraph(document, conclusions["title"], bold=True, size=13, align=center).paragraph_format.space_before = Pt(
            12
        )
        _docx_table(
            document,
            conclusions["columns"],
            [
                [str(r["order"]), r["text"], r["owner"], r["due_text"] or "—", r["status_label"]]
                for r in conclusions["rows"]
            ],
            widths=[1, 8, 3.5, 2, 2],
            numeric=[0],
            table_alignment=WD_TABLE_ALIGNMENT.CENTER,
        )

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, columns, rows, *, widths, numeric, table_alignment):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = table_alignment
    for cell, text, width in zip(table.rows[0].cells, columns, widths, strict=True):
        cell.width = Cm(width)
        para = cell.paragraphs[0]
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = para.add_run(text)
        run.bold, run.font.size = True, Pt(12)
    for values in rows:
        cells = table.add_row().cells
        for position, (cell, text, width) in enumerate(zip(cells, values, widths, strict=True)):
            cell.width = Cm(width)
            para = cell.paragraphs[0]
            if position in numeric:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            para.add_run(text).font.size = Pt(12)
    return table
