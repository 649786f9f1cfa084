"""The figures file (DESIGN.md "Figures file"): read, validate, import, and the XLSX template.

Used by both ``manage.py import_figures`` and the upload page, so the two can never
disagree. Reading and validation write nothing; :func:`import_file` validates every row
first and writes only when there is no error at all, inside one transaction.

Besides the contract's columns the template carries ``unit_name``, ``indicator_name`` and
``measure`` so a person can see what each code means; the reader ignores exactly these
three columns and refuses any other unknown column as a wrong header.
"""

import csv
import dataclasses
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from committees import access
from committees.models import AdministrativeUnit

from . import services
from .models import Figure, Indicator, IndicatorKind, Period, Submission

HEADER = ("unit_code", "indicator_code", "period", "value", "note")
REQUIRED = HEADER[:4]
INFO_COLUMNS = ("unit_name", "indicator_name", "measure")
NOTE_MAX = Figure._meta.get_field("note").max_length
# "1.000" or "12,500": in Vietnamese writing the dot groups thousands, so such a value
# is ambiguous (one or a thousand?) and is refused rather than guessed.
_GROUPED = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")


@dataclasses.dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet shows it: the header is row 1
    message: str

    def __str__(self):
        return _("Dòng %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclasses.dataclass(frozen=True)
class FigureRow:
    row: int
    unit: AdministrativeUnit
    indicator: Indicator
    period: Period
    value: int
    note: str


class FiguresFileError(Exception):
    """The file was refused; ``errors`` lists every bad row. Nothing was written."""

    def __init__(self, errors):
        super().__init__("\n".join(str(error) for error in errors))
        self.errors = errors


@dataclasses.dataclass
class ImportResult:
    figures: int
    submissions: list


# --- Reading -------------------------------------------------------------------------------


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(data, filename):
    """[(row number, [cells])] from CSV or XLSX bytes; the header is row 1.

    Raises FiguresFileError for a file that cannot be read at all.
    """
    name = (filename or "").lower()
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FiguresFileError([RowError(1, _("Tệp CSV phải được lưu với bảng mã UTF-8."))]) from None
        rows = [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text)), start=1)]
        # A NUL character (a binary file renamed .csv, a broken export) can be neither a
        # code nor a note, and PostgreSQL refuses it in any text: say where it is.
        broken = [number for number, row in rows if any("\x00" in cell for cell in row)]
        if broken:
            raise FiguresFileError(
                [RowError(number, _("có ký tự không hợp lệ (ký tự NUL); tệp có thể bị hỏng.")) for number in broken]
            )
        return rows
    if name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = workbook.worksheets[0]
            rows = [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
            workbook.close()
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, TypeError, ValueError) as exc:
            raise FiguresFileError(
                [RowError(1, _("Không đọc được tệp Excel (.xlsx): %(error)s") % {"error": exc})]
            ) from None
        except Exception:  # noqa: BLE001 - a damaged archive fails deep inside openpyxl (zlib, XML, index errors)
            raise FiguresFileError(
                [RowError(1, _("Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải tệp Excel."))]
            ) from None
        return rows
    raise FiguresFileError([RowError(1, _("Chỉ nhận tệp .csv hoặc .xlsx."))])


def _columns(header):
    """{column name: index} for a valid header, else None."""
    names = [_cell_text(cell).lower() for cell in header]
    while names and names[-1] == "":
        names.pop()
    if len(set(names)) != len(names):
        return None
    if any(name not in HEADER and name not in INFO_COLUMNS for name in names):
        return None
    if any(name not in names for name in REQUIRED):
        return None
    return {name: index for index, name in enumerate(names)}


# --- Validation ----------------------------------------------------------------------------


def _parse_value(raw, indicator):
    """(int value, None) or (None, message)."""
    if isinstance(raw, bool):
        raw = int(raw)
    text = _cell_text(raw)
    if text == "":
        return None, _("thiếu giá trị (cột value để trống; bỏ dòng này nếu không nhập).")
    if _GROUPED.match(text):
        return None, _(
            "giá trị “%(value)s” không rõ ràng: ghi số nguyên không dùng dấu chấm, dấu phẩy (ví dụ 1000)."
        ) % {"value": text}
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, _("giá trị “%(value)s” không phải là số.") % {"value": text}
    if not number.is_finite():
        return None, _("giá trị “%(value)s” không phải là số.") % {"value": text}
    if number < 0:
        return None, _("giá trị %(value)s là số âm; số liệu không được âm.") % {"value": text}
    if number != number.to_integral_value():
        return None, _("giá trị %(value)s có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên.") % {"value": text}
    if number > services.FIGURE_MAX:
        return None, _("giá trị %(value)s quá lớn (tối đa %(max)s).") % {"value": text[:20], "max": services.FIGURE_MAX}
    value = int(number)
    if indicator.kind == IndicatorKind.YES_NO and value not in (0, 1):
        return None, _("chỉ tiêu có/không chỉ nhận 1 (có) hoặc 0 (không), không nhận %(value)s.") % {"value": text}
    return value, None


def validate(rows, user):
    """Check every row; return (valid FigureRows, [RowError]) — all rows are checked."""
    errors, valid = [], []
    body = [(number, cells) for number, cells in rows if any(_cell_text(cell) for cell in cells)]
    if not body or body[0][0] != 1:
        return [], [RowError(1, _("Tệp trống hoặc thiếu dòng tiêu đề %(header)s.") % {"header": ",".join(HEADER)})]
    columns = _columns(body[0][1])
    if columns is None:
        return [], [
            RowError(
                1,
                _("Dòng tiêu đề phải là %(header)s (cột note có thể bỏ), nhưng tệp có: %(found)s.")
                % {"header": ",".join(HEADER), "found": ",".join(_cell_text(cell) for cell in body[0][1])},
            )
        ]
    data = body[1:]
    if not data:
        return [], [RowError(1, _("Tệp không có dòng số liệu nào."))]

    def cell(cells, name):
        index = columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    codes = {name: {_cell_text(cell(cells, name)) for _n, cells in data} for name in ("unit_code", "indicator_code")}
    units = {unit.code: unit for unit in access.unit_query().filter(code__in=codes["unit_code"])}
    indicators = Indicator.objects.in_bulk(codes["indicator_code"], field_name="code")
    periods = Period.objects.in_bulk({_cell_text(cell(cells, "period")) for _n, cells in data}, field_name="code")
    submissions = {
        (submission.unit_id, submission.period_id): submission
        for submission in Submission.objects.filter(
            unit__code__in=codes["unit_code"], period__in=periods.values()
        ).select_related("approved_by")
    }
    blockers = {}  # (unit, period) → the lock rule's message or None, asked once per pair
    seen = {}
    for number, cells in data:
        unit_code = _cell_text(cell(cells, "unit_code"))
        indicator_code = _cell_text(cell(cells, "indicator_code"))
        period_code = _cell_text(cell(cells, "period"))
        note = _cell_text(cell(cells, "note"))
        problems = []
        unit = units.get(unit_code)
        indicator = indicators.get(indicator_code)
        period = periods.get(period_code)
        if unit is None:
            problems.append(_("không có đơn vị mã “%(code)s”.") % {"code": unit_code})
        if indicator is None:
            problems.append(_("không có chỉ tiêu mã “%(code)s”.") % {"code": indicator_code})
        if period is None:
            problems.append(_("không có kỳ báo cáo “%(code)s” (tệp không tạo kỳ mới).") % {"code": period_code})
        elif period.half is None:
            problems.append(
                _("kỳ %(code)s là kỳ năm; chỉ nhập số liệu kỳ 6 tháng (ví dụ %(code)s-H1).") % {"code": period_code}
            )
        if indicator is not None and not indicator.is_entered:
            problems.append(
                _("chỉ tiêu %(code)s là %(kind)s, được tính tự động, không nhập.")
                % {"code": indicator.code, "kind": indicator.get_kind_display().lower()}
            )
        if unit is not None and indicator is not None and indicator.is_entered and unit.level != indicator.entry_level:
            problems.append(
                _("chỉ tiêu %(code)s nhập ở cấp %(level)s, còn %(unit)s là cấp %(unit_level)s.")
                % {
                    "code": indicator.code,
                    "level": indicator.get_entry_level_display().lower(),
                    "unit": unit.name,
                    "unit_level": unit.get_level_display().lower(),
                }
            )
        if unit is not None and period is not None and not unit.is_valid_on(period.end):
            problems.append(
                _("%(unit)s không tồn tại vào cuối kỳ %(period)s (%(date)s).")
                % {"unit": unit.name, "period": period.code, "date": services.format_date(period.end)}
            )
        if unit is not None and not access.can_import(user, unit):
            problems.append(
                _("%(unit)s không thuộc phạm vi của tài khoản %(user)s.") % {"unit": unit.name, "user": user}
            )
        elif unit is not None and period is not None and period.half is not None:
            if (unit.pk, period.pk) not in blockers:
                blockers[unit.pk, period.pk] = services.lock_blocker(
                    user=user, unit=unit, period=period, submission=submissions.get((unit.pk, period.pk))
                )
            if blockers[unit.pk, period.pk]:
                problems.append(blockers[unit.pk, period.pk])
        value = None
        if indicator is not None and indicator.is_entered:
            value, problem = _parse_value(cell(cells, "value"), indicator)
            if problem:
                problems.append(problem)
        if len(note) > NOTE_MAX:
            problems.append(_("ghi chú dài quá %(max)d ký tự.") % {"max": NOTE_MAX})
        key = (unit_code, indicator_code, period_code)
        if key in seen:
            problems.append(
                _("trùng đơn vị, chỉ tiêu và kỳ với dòng %(row)d; mỗi số liệu chỉ ghi một lần.") % {"row": seen[key]}
            )
        else:
            seen[key] = number
        if problems:
            errors.extend(RowError(number, problem) for problem in problems)
        else:
            valid.append(FigureRow(number, unit, indicator, period, value, note))
    return valid, errors


def import_file(data, filename, user):
    """Validate the whole file and, only when every row is valid, write it (all or nothing)."""
    with transaction.atomic():
        rows, errors = validate(read_rows(data, filename), user)
        if errors:
            raise FiguresFileError(errors)
        try:
            submissions = services.import_figures(user=user, rows=rows, source=filename)
        except services.WorkflowError as exc:
            raise FiguresFileError([RowError(1, exc.message)]) from None
    return ImportResult(figures=len(rows), submissions=submissions)


# --- Template ------------------------------------------------------------------------------


def template_rows(unit, period):
    """(unit, indicator, current figure) for the unit and its child units valid at the end
    of the period, for every indicator entered at each unit's level."""
    units = [unit] + list(AdministrativeUnit.objects.valid_on(period.end).filter(parent=unit).order_by("code"))
    indicators = list(Indicator.objects.entered().filter(entry_level__in={u.level for u in units}))
    indicators.sort(key=lambda indicator: (indicator.section, indicator.order, indicator.code))
    figures = {
        (figure.submission.unit_id, figure.indicator_id): figure
        for figure in Figure.objects.filter(submission__period=period, submission__unit__in=units).select_related(
            "submission"
        )
    }
    return [
        (each, indicator, figures.get((each.pk, indicator.pk)))
        for each in units
        for indicator in indicators
        if indicator.entry_level == each.level and each.is_valid_on(period.end)
    ]


def template_workbook(unit, period):
    """XLSX bytes: the contract's header, one row per unit × indicator, current values filled."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "so_lieu"
    sheet.append([*HEADER, *INFO_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    info_fill = PatternFill("solid", fgColor="EEEEEE")
    for each, indicator, figure in template_rows(unit, period):
        sheet.append(
            [
                each.code,
                indicator.code,
                period.code,
                figure.value if figure else None,
                figure.note if figure else "",
                each.name,
                indicator.name,
                indicator.measure,
            ]
        )
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=8):
        for cell in row:
            cell.fill = info_fill
    for letter, width in zip("ABCDEFGH", (12, 18, 10, 10, 30, 24, 60, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    guide = workbook.create_sheet("huong_dan")
    for line in (
        _("Hướng dẫn nhập số liệu từ tệp"),
        _("Chỉ sửa cột value (giá trị) và note (ghi chú) ở trang tính đầu tiên."),
        _("Chỉ tiêu đếm: số nguyên từ 0 trở lên. Chỉ tiêu có/không: 1 là có, 0 là không."),
        _("Tỷ lệ và trạng thái được tính tự động, không nhập."),
        _("Mỗi dòng phải có giá trị; xóa dòng nào không nhập. Tệp có lỗi sẽ không được nhập dòng nào."),
        _("Các cột unit_name, indicator_name, measure chỉ để đọc."),
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
