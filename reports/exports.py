"""Spreadsheet exports. Numbers are written as numbers (never formulas or text)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import wording


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
            ]
        )
    _autosize(sheet, [16, 50, 10, 28, 12, 16, 12, 12, 12, 12, 10, 18])

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
