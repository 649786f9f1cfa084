"""The targets grid as an XLSX workbook: downloaded, filled in Excel, uploaded back.

Layout of the first sheet (``chi_tieu``)::

    A1 "Mã đơn vị"  B1 200     C1 "Năm"  D1 2025     E1 title (read-only)
    A3 "Mã chỉ tiêu" B3 "Chỉ tiêu" C3 "ĐVT"  D3 200   E3 (—)   F3 06895 …   ← unit codes
    A4 …             (unit names and "so sánh" / "giá trị" over each pair of columns)
    A5 TTXH_VU       B5 name        C5 vụ    D5 "≥"   E5 5     F5 …         ← one row per indicator

Each unit has two columns: the comparison (≥, ≤, giảm, giảm %; the codes at_least…
and the words of the page are accepted too) and the value; an empty value means no
target. Cells that do not apply to a unit are grey and must stay empty.

Reading is all or nothing (indicators.targets.save_grid): every bad cell is named by
its address ("E7: …") and nothing is written when there is one. Before openpyxl reads
anything, the file goes through the figures upload's scanner (:func:`figures_io.scan_xlsx`,
issue 17): rows, columns, cells and the unpacked size within :data:`LIMITS`, whatever the
file declares (a 1.6 KB file declaring ``A1:XFD1048576`` made read-only mode pad every row
to 16,384 columns); then the first sheet is read in read-only mode with its declared
dimensions ignored. A formula is refused rather than trusted. Text written into the workbook (names from the database) is stored as text,
never as a formula, whatever it starts with.
"""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .figures_io import CappedErrors, Limits, SpreadsheetRefused, scan_xlsx
from .models import Comparison
from .targets import CellInput, TargetError, check_cells, save_grid, target_grid
from .xlsx import add_guide, as_text, workbook_bytes

C = Comparison
SHEET = "chi_tieu"
FIRST_ROW = 5
FIRST_COLUMN = 4  # D
MAX_ROWS = 1000
MAX_COLUMNS = 1000
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
# What the scanner lets through: a province's grid is ~45 indicators × 2 columns per unit.
LIMITS = Limits(rows=MAX_ROWS, columns=MAX_COLUMNS, cells=200_000, unzipped_bytes=MAX_UNPACKED)
WORDS = {C.AT_LEAST: "≥", C.AT_MOST: "≤", C.REDUCE_BY: "giảm", C.REDUCE_BY_PERCENT: "giảm %"}
# What a person may type for each comparison (compared in lower case, spaces removed).
ACCEPTED = {
    C.AT_LEAST: ("≥", ">=", "at_least", "tốithiểu", "atleast"),
    C.AT_MOST: ("≤", "<=", "at_most", "tốiđa", "atmost"),
    C.REDUCE_BY: ("giảm", "-", "−", "reduce_by", "giảmítnhất", "giảmítnhất(sovớicùngkỳ)", "reduceby"),
    C.REDUCE_BY_PERCENT: (
        "giảm%",
        "-%",
        "−%",
        "reduce_by_percent",
        "giảmítnhất%",
        "giảmítnhất%(sovớicùngkỳ)",
        "reducebypercent",
    ),
}
_TOKENS = {token: code for code, tokens in ACCEPTED.items() for token in tokens}
GREY = PatternFill("solid", fgColor="DDDDDD")
INFO = PatternFill("solid", fgColor="F2F2F2")


class TargetsFileError(CappedErrors):
    """The targets file was refused; ``errors`` are "C7: message" lines."""


def _text(cell, value):
    """Store ``value`` as a string cell even if it starts with "=" (never a formula)."""
    cell.value = "" if value is None else str(value)
    return as_text(cell)


def address(row, column):
    return f"{get_column_letter(column)}{row}"


def unit_column(position):
    """The comparison column of the grid's unit at ``position`` (0 = the grid's unit)."""
    return FIRST_COLUMN + 2 * position


# --- Writing -------------------------------------------------------------------------------


def workbook(*, unit, period):
    """XLSX bytes of the grid of ``unit`` for the year ``period``, current targets filled in."""
    grid = target_grid(unit=unit, period=period)
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    _text(sheet["A1"], _("Mã đơn vị")).font = Font(bold=True)
    _text(sheet["B1"], unit.code)
    _text(sheet["C1"], _("Năm")).font = Font(bold=True)
    sheet["D1"] = period.year
    _text(sheet["E1"], _("Chỉ tiêu năm %(year)d — %(unit)s") % {"year": period.year, "unit": unit.name})
    sheet["E1"].font = Font(bold=True)
    for column, title in ((1, _("Mã chỉ tiêu")), (2, _("Chỉ tiêu")), (3, _("ĐVT"))):
        _text(sheet.cell(3, column), title).font = Font(bold=True)
    for position, each in enumerate(grid.units):
        column = unit_column(position)
        _text(sheet.cell(3, column), each.code).font = Font(bold=True)
        _text(sheet.cell(4, column), each.name).alignment = Alignment(wrap_text=True)
        _text(sheet.cell(4, column + 1), _("giá trị"))
        sheet.column_dimensions[get_column_letter(column)].width = 16
        sheet.column_dimensions[get_column_letter(column + 1)].width = 9
    choices = DataValidation(type="list", formula1='"' + ",".join(WORDS.values()) + '"', allow_blank=True)
    choices.error = _("Chọn ≥, ≤, giảm hoặc giảm %.")
    choices.showErrorMessage = False  # the upload names a wrong word by its cell anyway
    sheet.add_data_validation(choices)
    for offset, row in enumerate(grid.rows):
        number = FIRST_ROW + offset
        _text(sheet.cell(number, 1), row.indicator.code)
        _text(sheet.cell(number, 2), row.indicator.name)
        _text(sheet.cell(number, 3), row.indicator.measure)
        for column in (1, 2, 3):
            sheet.cell(number, column).fill = INFO
        for position, cell in enumerate(row.cells):
            column = unit_column(position)
            comparison, value = sheet.cell(number, column), sheet.cell(number, column + 1)
            if not cell.applicable:
                comparison.fill = value.fill = GREY
                continue
            choices.add(comparison)
            if cell.target is not None:
                _text(comparison, WORDS[cell.target.comparison])
                number_value = cell.target.value
                value.value = int(number_value) if number_value == number_value.to_integral_value() else number_value
    sheet.column_dimensions["A"].width = 16
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["C"].width = 8
    sheet.freeze_panes = sheet.cell(FIRST_ROW, FIRST_COLUMN)
    add_guide(
        book,
        (
            _("Hướng dẫn điền chỉ tiêu"),
            _("Mỗi đơn vị có hai cột: cách so sánh (≥ tối thiểu, ≤ tối đa, giảm, giảm %) và giá trị."),
            _("Để trống giá trị nghĩa là đơn vị không có chỉ tiêu đó (chỉ tiêu đang có sẽ bị xóa)."),
            _("Ô màu xám: chỉ tiêu không có số liệu ở cấp của đơn vị, để trống."),
            _("Số đếm ghi số nguyên (không dùng dấu chấm, dấu phẩy ngăn cách hàng nghìn); tỷ lệ và % tối đa 100."),
            _("Không dùng công thức; không sửa mã đơn vị, mã chỉ tiêu, năm."),
            _("Tệp có lỗi sẽ không được nhập ô nào; thông báo lỗi ghi rõ địa chỉ ô (ví dụ E7)."),
        ),
        width=110,
    )
    return workbook_bytes(book)


# --- Reading -------------------------------------------------------------------------------


def read_sheet(data):
    """{(row, column): value} of the first sheet's non-empty cells, within :data:`LIMITS`.

    Raises TargetsFileError for a file that cannot be read or is over the limits (the
    message says the limits).
    """
    if len(data) > MAX_BYTES:
        raise TargetsFileError([_("Tệp lớn quá %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}])
    try:
        scan_xlsx(data, LIMITS)
    except SpreadsheetRefused as exc:
        raise TargetsFileError([exc.message]) from None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # never trust the <dimension> the file declares
        cells = {}
        # The scanner above refused any row past MAX_ROWS and any value past MAX_COLUMNS.
        rows = sheet.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True)
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                if value is None or (isinstance(value, str) and value.strip() == ""):
                    continue
                cells[(row_number, column_number)] = value
        book.close()
    except Exception:  # noqa: BLE001 - a damaged archive fails deep inside zipfile/openpyxl (zlib, XML, KeyError)
        raise TargetsFileError(
            [_("Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải tệp Excel.")]
        ) from None
    return cells


def _comparison(token):
    key = "".join(str(token).lower().split())
    return _TOKENS.get(key)


def parse(cells, grid):
    """({(indicator code, unit code): CellInput}, {(indicator, unit, part): address}, [errors])."""
    errors = []
    formula = sorted((row, column) for (row, column), value in cells.items() if str(value).startswith("="))
    errors += [_("%(cell)s: không nhận công thức; hãy ghi giá trị (số).") % {"cell": address(*key)} for key in formula]
    unit_code = str(cells.get((1, 2), "")).strip()
    wrong_file = []
    if unit_code != grid.unit.code:
        wrong_file.append(
            _("B1: tệp là chỉ tiêu của đơn vị “%(found)s”, không phải %(unit)s (%(code)s).")
            % {"found": unit_code, "unit": grid.unit.name, "code": grid.unit.code}
        )
    if str(cells.get((1, 4), "")).strip() != str(grid.period.year):
        wrong_file.append(
            _("D1: tệp là chỉ tiêu năm “%(found)s”, không phải năm %(year)d.")
            % {"found": cells.get((1, 4), ""), "year": grid.period.year}
        )
    if wrong_file:
        return {}, {}, wrong_file
    units = {each.code: each for each in grid.units}
    columns = {}  # column → unit code
    for (row, column), value in sorted(cells.items()):
        if row != 3 or column < FIRST_COLUMN:
            continue
        code = str(value).strip()
        if (column - FIRST_COLUMN) % 2 == 1:
            continue  # the value column's header cell
        if code not in units:
            errors.append(
                _("%(cell)s: không có đơn vị mã “%(code)s” trong bảng chỉ tiêu của %(unit)s năm %(year)d.")
                % {"cell": address(row, column), "code": code, "unit": grid.unit.name, "year": grid.period.year}
            )
        elif code in columns.values():
            errors.append(_("%(cell)s: đơn vị %(code)s có hai lần.") % {"cell": address(row, column), "code": code})
        else:
            columns[column] = code
    rows = {}  # row → indicator code
    known = {row.indicator.code for row in grid.rows}
    for (row, column), value in sorted(cells.items()):
        if column != 1 or row < FIRST_ROW:
            continue
        code = str(value).strip()
        if code not in known:
            errors.append(
                _("%(cell)s: không có chỉ tiêu mã “%(code)s”.") % {"cell": address(row, column), "code": code}
            )
        elif code in rows.values():
            errors.append(_("%(cell)s: chỉ tiêu %(code)s có hai dòng.") % {"cell": address(row, column), "code": code})
        else:
            rows[row] = code
    for row, column in sorted(cells):
        stray = (
            row >= FIRST_ROW
            and column >= FIRST_COLUMN
            and (row not in rows or FIRST_COLUMN + 2 * ((column - FIRST_COLUMN) // 2) not in columns)
        )
        if stray and (row, column) not in formula:
            errors.append(
                _("%(cell)s: ô nằm ngoài bảng (không thuộc dòng chỉ tiêu hay cột đơn vị nào).")
                % {"cell": address(row, column)}
            )
    inputs, addresses = {}, {}
    for row, indicator_code in rows.items():
        for column, code in columns.items():
            comparison_raw, value_raw = cells.get((row, column)), cells.get((row, column + 1))
            if (row, column) in formula or (row, column + 1) in formula:
                continue
            comparison = ""
            if comparison_raw is not None:
                comparison = _comparison(comparison_raw)
                if comparison is None and value_raw is not None:
                    errors.append(
                        _("%(cell)s: “%(word)s” không phải cách so sánh; ghi ≥, ≤, giảm hoặc giảm %%.")
                        % {"cell": address(row, column), "word": str(comparison_raw)[:30]}
                    )
                    continue
            key = (indicator_code, code)
            inputs[key] = CellInput(comparison=comparison or "", value=value_raw)
            addresses[(*key, "comparison")] = address(row, column)
            addresses[(*key, "value")] = address(row, column + 1)
    return inputs, addresses, errors


def _order(line):
    """Sort messages by cell: row, then column (E7 before C9 before AA9)."""
    cell = line.split(":", 1)[0]
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, len(letters), letters)


def import_workbook(*, user, unit, period, plan, data, reason):
    """Validate the whole file and write its targets only when every cell is right.

    Every problem is reported at once: the file's own (formulas, stray cells, unknown
    codes) and each cell's (the same checks as the grid page, indicators.targets).
    """
    grid = target_grid(unit=unit, period=period)
    inputs, addresses, errors = parse(read_sheet(data), grid)
    _wanted, cell_errors = check_cells(grid, inputs)
    errors += [f"{addresses.get(key, '?')}: {message}" for key, message in cell_errors.items()]
    if errors:
        raise TargetsFileError(sorted(errors, key=_order))
    try:
        return save_grid(user=user, unit=unit, period=period, plan=plan, inputs=inputs, reason=reason)
    except TargetError as exc:
        if not exc.cells:
            raise TargetsFileError([exc.message]) from None
        raise TargetsFileError(
            sorted((f"{addresses.get(key, '?')}: {message}" for key, message in exc.cells.items()), key=_order)
        ) from None
