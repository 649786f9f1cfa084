"""Exports: the dashboard's spreadsheet and the report documents (PDF, DOCX, XLSX).

Report documents are rendered from their content (reports/documents.py): the frozen
snapshot of a final report, the live roll-up for a draft. Numbers in spreadsheets are
written as numbers (never formulas or text).
"""

import dataclasses
import datetime
import functools
import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from indicators.xlsx import append_row, workbook_bytes

from . import documents, wording
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
    append_row(sheet, [_("%(unit)s — %(period)s") % {"unit": progress.unit.name, "period": progress.period.label}])
    sheet["A1"].font = Font(bold=True, size=13)
    done = progress.completeness
    append_row(
        sheet,
        [
            _("Đơn vị đã gửi: %(submitted)d/%(expected)d; đã duyệt: %(approved)d")
            % {"submitted": done.submitted, "expected": done.expected, "approved": done.approved}
        ],
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
    append_row(sheet, [])
    append_row(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in progress.rows:
        target = row.target
        append_row(
            sheet,
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
            ],
        )
    _autosize(sheet, [16, 50, 10, 28, 12, 16, 12, 12, 12, 12, 10, 18, 14, 12, 12, 12])

    if progress.children:
        detail = book.create_sheet(_sheet_title(_("Theo đơn vị")))
        append_row(detail, [_("Mã"), _("Chỉ tiêu"), _("ĐVT"), *[child.name for child in progress.children]])
        for cell in detail[1]:
            cell.font = Font(bold=True)
        for row in progress.rows:
            append_row(
                detail,
                [row.indicator.code, row.indicator.name, row.indicator.measure, *[c.actual for c in row.children]],
            )
        _autosize(detail, [16, 50, 10, *[16] * len(progress.children)])

    return workbook_bytes(book)


# ------------------------------------------------------------- report documents

DOCUMENT_CSS = "css/document.css"
SERIF = "Times New Roman"
LANGUAGE_TAG = "vi-VN"
APPLICATION = "Theo dõi chỉ tiêu Ban Chỉ đạo Đầm Hà"
SIGNATURE_ANCHOR = "doc-signature-space"
PX_TO_PT = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF points are 1/72 in


def document_meta(content, content_hash=""):
    """What the PDF's and the DOCX's metadata say: title, author (the issuing body), the
    issue date as the creation date, the content hash and the verification code."""
    header = content["header"]
    number = header["number"] or _("dự thảo")
    return {
        "title": f"{content['doc_type'].capitalize()} {number}: {content['subject']}",
        "author": header["issuing_body"],
        "organisation": header["parent_body"],
        "subject": content["subject"],
        "keywords": ", ".join(
            part
            for part in (
                content["doc_type"].capitalize(),
                header["number"],
                content["period"]["label"],
                f"{_('Mã xác thực')}: {documents.verification_code(content_hash)}" if content_hash else "",
            )
            if part
        ),
        "application": APPLICATION,
        "created": header["issued_on"],
        "language": LANGUAGE_TAG,
    }


def verify_url(code=""):
    """The public page where a recipient checks a report (absolute when DAMHA_SITE_URL is set)."""
    path = reverse("reports:verify")
    if code:
        path += "?" + urlencode({"code": code})
    return f"{settings.DAMHA_SITE_URL}{path}" if settings.DAMHA_SITE_URL else path


def qr_svg_data_uri(text):
    """A QR code (segno, pure Python) as an SVG data URI for WeasyPrint and the print view."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=4, border=0)


def qr_png(text):
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=0)
    return buffer.getvalue()


def qr_text(code):
    """What the QR code holds: the verification page with the code when the site's address is
    known, else the code alone."""
    return verify_url(code) if settings.DAMHA_SITE_URL else code


def document_context(content, content_hash=""):
    content = documents.for_rendering(content)
    code = documents.verification_code(content_hash)
    return {
        "c": content,
        "content_hash": content_hash,
        "verification_code": code,
        "qr": qr_svg_data_uri(qr_text(code)) if code else "",
        "verify_url": verify_url() if code and settings.DAMHA_SITE_URL else "",
        "meta": document_meta(content, content_hash),
    }


def report_html(content, content_hash="", *, for_pdf=True, report=None):
    template = "reports/document_pdf.html" if for_pdf else "reports/document_print.html"
    return render_to_string(template, {**document_context(content, content_hash), "report": report})


@dataclasses.dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    # Where the signature's appearance goes: page index and (x1, y1, x2, y2) in PDF points.
    signature_page: int | None
    signature_box: tuple | None


@in_official_language
def render_pdf(content, content_hash=""):
    """The document as an A4 PDF (WeasyPrint, fonts embedded), with the signature block's place."""
    from weasyprint import CSS, HTML  # imported here: WeasyPrint loads Pango (~0.6 s)

    stylesheet = CSS(filename=finders.find(DOCUMENT_CSS))
    document = HTML(string=report_html(content, content_hash)).render(stylesheets=[stylesheet])
    page_index, box = None, None
    for index, page in enumerate(document.pages):
        if SIGNATURE_ANCHOR in page.anchors:
            left, top, right, bottom = page.anchors[SIGNATURE_ANCHOR]  # CSS px, from the top
            inset = 3 / 25.4 * 96  # 3 mm inside the signer's column
            box = tuple(
                round(value * PX_TO_PT, 2)
                for value in (left + inset, page.height - bottom, right - inset, page.height - top)
            )
            page_index = index
            break
    data = document.write_pdf(custom_metadata=True)
    return RenderedPdf(data=data, pages=len(document.pages), signature_page=page_index, signature_box=box)


def report_pdf(content, content_hash=""):
    """The document as an A4 PDF, unsigned (drafts; a final report's issued PDF is stored)."""
    return render_pdf(content, content_hash).data


def html_to_pdf(html):
    """WeasyPrint's part of :func:`report_pdf`: the document's stylesheet, layout, PDF."""
    from weasyprint import CSS, HTML

    stylesheet = CSS(filename=finders.find(DOCUMENT_CSS))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet], custom_metadata=True)


# ------------------------------------------------------------------------ XLSX

PERCENT_FORMAT = "0.0%"
POINTS_FORMAT = "+0.0%;-0.0%;0.0%"
COUNT_FORMAT = "#,##0"
CHANGE_FORMAT = "+#,##0;-#,##0;0"


def target_in_words(row):
    """ "giảm 1 vụ", "≥ 5 vụ", "≥ 75%": the target with its direction and unit."""
    text = row["target_text"]
    if not text:
        return ""
    measure = row["measure"] or ""
    if not measure or text.endswith("%"):
        return text
    return f"{text}{'' if measure == '%' else ' '}{measure}"


def _fraction(value):
    return None if value is None else round(value / 100, 6)


def _count(value):
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


@in_official_language
def report_workbook(content, content_hash=""):
    """The appendix table for calculations: counts as whole numbers, percentages as fractions
    shown with a % format, the target in words; Times New Roman; A4 landscape with the
    header row repeated on every printed page and frozen on screen."""
    from openpyxl.worksheet.properties import PageSetupProperties

    content = documents.for_rendering(content)
    font = functools.partial(Font, name=SERIF, size=12)
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(_("Phụ lục"))
    header = content["header"]
    appendix = content["appendix"]
    append_row(sheet, [f"{header['issuing_body']} — {content['doc_type']} {header['number']}".strip()])
    append_row(sheet, [f"{appendix['label']}: {appendix['title']}"])
    append_row(sheet, [appendix["note"] or header["place_date"]])
    append_row(sheet, [])
    columns = [
        _("TT"),
        *content["table"]["columns"][:7],
        _("Đánh giá"),
        _("Giá trị giao"),
        _("Mã chỉ tiêu"),
    ]
    append_row(sheet, columns)
    header_row = sheet.max_row
    thin = Side(style="thin")
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for cell in sheet[header_row]:
        cell.font = font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = border
    for position, row in enumerate(content["table"]["rows"], start=1):
        rate = row["measure"] == "%"
        value = _fraction if rate else _count
        append_row(
            sheet,
            [
                position,
                row["name"],
                row["measure"],
                target_in_words(row),
                value(row["actual"]),
                value(row["last_year"]),
                value(row["change"]),
                _fraction(row["percent"]),
                row["status_label"],
                _count(row["target"]),
                row["indicator"],
            ],
        )
        line = sheet.max_row
        for cell in sheet[line]:
            cell.border = border
            cell.font = font()
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column in (2, 4, 9))
        for column in (5, 6):
            sheet.cell(line, column).number_format = PERCENT_FORMAT if rate else COUNT_FORMAT
        sheet.cell(line, 7).number_format = POINTS_FORMAT if rate else CHANGE_FORMAT
        sheet.cell(line, 8).number_format = PERCENT_FORMAT
        sheet.cell(line, 10).number_format = "0.0" if rate else COUNT_FORMAT
    append_row(sheet, [])
    append_row(sheet, [workbook_footer(content_hash)])
    for line in range(1, 4):
        sheet.cell(line, 1).font = font(bold=line < 3, size=13 if line == 1 else 12, italic=line == 3)
    sheet.cell(sheet.max_row, 1).font = font(size=10)
    _autosize(sheet, [5, 46, 8, 14, 12, 10, 10, 9, 18, 10, 16])
    _print_setup(sheet, header_row, PageSetupProperties)

    conclusions = content["previous_conclusions"]
    if conclusions["rows"]:
        detail = book.create_sheet(_sheet_title(_("Thực hiện kết luận")))
        append_row(detail, [conclusions["title"]])
        append_row(detail, conclusions["columns"])
        for row in conclusions["rows"]:
            append_row(detail, [row["order"], row["text"], row["owner"], row["due_text"], row["status_label"]])
        for line in detail.iter_rows():
            for cell in line:
                cell.font = font(bold=cell.row <= 2)
                cell.alignment = Alignment(vertical="top", wrap_text=cell.row > 1)
                if cell.row >= 2:
                    cell.border = border
        _autosize(detail, [5, 70, 30, 12, 16])
        _print_setup(detail, 2, PageSetupProperties)

    book.properties.creator = header["issuing_body"]
    book.properties.title = document_meta(content, content_hash)["title"]
    book.properties.language = LANGUAGE_TAG
    book.properties.created = datetime.datetime.fromisoformat(header["issued_on"])
    return workbook_bytes(book)


def _print_setup(sheet, header_row, page_setup_properties):
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = page_setup_properties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.freeze_panes = sheet.cell(header_row + 1, 3)
    sheet.page_margins.left = sheet.page_margins.right = 0.6
    sheet.page_margins.top = sheet.page_margins.bottom = 0.8


@in_official_language
def workbook_footer(content_hash):
    if content_hash:
        return _("Mã xác thực: %(code)s (kiểm tra tại %(url)s)") % {
            "code": documents.verification_code(content_hash),
            "url": verify_url(),
        }
    return _("DỰ THẢO — chưa ban hành, số liệu có thể còn thay đổi")


# ------------------------------------------------------------------------ DOCX


@in_official_language
def report_docx(content, content_hash=""):
    """The same document for Word and LibreOffice (reports/word.py)."""
    from . import word

    content = documents.for_rendering(content)
    code = documents.verification_code(content_hash)
    return word.build(
        content,
        content_hash,
        meta=document_meta(content, content_hash),
        qr_png=qr_png(qr_text(code)) if code else None,
        serif=SERIF,
    )
