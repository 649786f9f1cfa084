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
import xml.parsers.expat
import zipfile

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell.read_only import EMPTY_CELL
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from committees import access
from committees.models import AdministrativeUnit

from . import numbers, services, validation
from .models import Figure, Indicator, IndicatorKind, Period, Submission
from .xlsx import add_guide, append_row, workbook_bytes

HEADER = ("unit_code", "indicator_code", "period", "value", "note")
REQUIRED = HEADER[:4]
INFO_COLUMNS = ("unit_name", "indicator_name", "measure")
NOTE_MAX = Figure._meta.get_field("note").max_length


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


# A page or a command lists at most this many problems, then the count of the rest: a
# 100,000-row file of bad rows made an 11 MB error page.
ERRORS_SHOWN = 200


def more_errors_text(hidden, shown):
    """ "… và N lỗi khác": the line that ends a capped list of problems (pages and commands)."""
    return ngettext(
        "… và %(count)s lỗi khác (chỉ liệt kê %(shown)d lỗi đầu tiên).",
        "… và %(count)s lỗi khác (chỉ liệt kê %(shown)d lỗi đầu tiên).",
        hidden,
    ) % {"count": _thousands(hidden), "shown": shown}


class CappedErrors(Exception):
    """A refused file: ``errors`` lists every problem; nothing was written.

    ``shown`` is the first :data:`ERRORS_SHOWN` of them and ``hidden`` the number left out,
    for pages and commands alike (the figures file here, the targets grid in
    indicators/targets_io.py).
    """

    def __init__(self, errors):
        self.errors = errors
        self.shown = errors[:ERRORS_SHOWN]
        self.hidden = len(errors) - len(self.shown)
        lines = [str(error) for error in self.shown]
        if self.hidden:
            lines.append(self.more_text())
        super().__init__("\n".join(lines))

    def more_text(self):
        """The line after the shown problems ("… và N lỗi khác"), or "" when none is hidden."""
        return more_errors_text(self.hidden, len(self.shown)) if self.hidden else ""


class FiguresFileError(CappedErrors):
    """The figures file was refused; ``errors`` are RowErrors (a bad row each)."""


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


@dataclasses.dataclass(frozen=True)
class Limits:
    """How much of a figures file is read at most, whatever the file declares about itself.

    A spreadsheet is a zip of XML: 1.6 KB can declare a sheet of 16,384 columns, and 31 KB
    can unpack to 20 MB of empty rows. Before openpyxl parses anything, the archive's
    members are checked against ``unzipped_bytes`` and each XML member is scanned once,
    streaming, by expat (:func:`scan_xlsx`): rows, cells and XML elements are counted and
    the scan stops at the first limit passed. Only then does openpyxl read the first sheet,
    in read-only (streaming) mode, with the declared dimensions ignored.
    """

    rows: int
    columns: int
    cells: int
    unzipped_bytes: int

    def describe(self):
        return _("tệp nhận tối đa %(rows)s dòng, %(columns)s cột, %(cells)s ô và %(size)s MB dữ liệu khi giải nén") % {
            "rows": _thousands(self.rows),
            "columns": self.columns,
            "cells": _thousands(self.cells),
            "size": self.unzipped_bytes // (1024 * 1024),
        }


def _thousands(number):
    return f"{number:,}".replace(",", ".")


# The upload page: a province's half-year is ~180 communes × 40 indicators = 7,200 rows.
UPLOAD_LIMITS = Limits(rows=20_000, columns=30, cells=400_000, unzipped_bytes=48 * 1024 * 1024)
# manage.py import_figures, run by an administrator on the server (restoring a backup of
# several years): larger, still bounded.
COMMAND_LIMITS = Limits(rows=2_000_000, columns=30, cells=20_000_000, unzipped_bytes=1024 * 1024 * 1024)
# XML elements in a member other than a worksheet or the shared strings (styles, theme,
# workbook, relationships…): thousands in real files.
OTHER_XML_ELEMENTS = 200_000
MAX_MEMBERS = 1_000


class _TooBig(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _column_number(reference):
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


def _scan_xml(stream, name, limits, is_sheet):
    """Count what openpyxl would build from one XML member, streaming; raise _TooBig."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    state = {"elements": 0, "rows": 0, "row": 0, "cells": 0, "column": 0, "cell_column": 0}
    element_cap = (limits.cells * 4 + limits.rows * 2) if is_sheet or name.endswith("sharedStrings.xml") else 0
    element_cap = element_cap or OTHER_XML_ELEMENTS
    too_many = _("tệp quá lớn để đọc (%(limits)s).")

    def refuse(message):
        raise _TooBig(message)

    def start(tag, attrs):
        state["elements"] += 1
        if state["elements"] > element_cap:
            refuse(too_many % {"limits": limits.describe()})
        if not is_sheet:
            return
        local = tag.rsplit(" ", 1)[-1]
        if local == "row":
            state["rows"] += 1
            try:
                state["row"] = int(attrs.get("r") or state["row"] + 1)
            except ValueError:
                state["row"] += 1
            state["column"] = 0
            if state["row"] > limits.rows or state["rows"] > limits.rows:
                refuse(
                    _("bảng tính có hơn %(rows)s dòng (%(limits)s).")
                    % {"rows": _thousands(limits.rows), "limits": limits.describe()}
                )
        elif local == "c":
            state["cells"] += 1
            if state["cells"] > limits.cells:
                refuse(
                    _("bảng tính có hơn %(cells)s ô (%(limits)s).")
                    % {"cells": _thousands(limits.cells), "limits": limits.describe()}
                )
            reference = attrs.get("r") or ""
            state["column"] = _column_number(reference) or state["column"] + 1
            state["cell_column"] = state["column"]
        elif local in ("v", "f", "is") and state["cell_column"] > limits.columns:
            refuse(
                _("dòng %(row)d có dữ liệu ở cột thứ %(column)s, vượt quá %(columns)d cột (%(limits)s).")
                % {
                    "row": state["row"],
                    "column": _thousands(state["cell_column"]),
                    "columns": limits.columns,
                    "limits": limits.describe(),
                }
            )

    def doctype(*args):
        # Entity definitions are how an XML file expands itself; no real spreadsheet has one.
        refuse(_("tệp Excel có khai báo DOCTYPE, không phải tệp Excel thông thường."))

    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    while chunk := stream.read(64 * 1024):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


class SpreadsheetRefused(Exception):
    """A spreadsheet refused before openpyxl reads it; ``message`` says why (and the limits)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def scan_xlsx(data, limits):
    """Refuse (SpreadsheetRefused) a spreadsheet that would unpack or parse beyond ``limits``,
    or that is damaged, before openpyxl parses anything. Every upload of a spreadsheet goes
    through it: the figures file here, the targets grid (indicators/targets_io.py)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
        if len(members) > MAX_MEMBERS or sum(member.file_size for member in members) > limits.unzipped_bytes:
            raise _TooBig(_("tệp quá lớn khi giải nén (%(limits)s).") % {"limits": limits.describe()})
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.count("/") == 2
            with archive.open(member) as stream:
                _scan_xml(stream, member.filename, limits, is_sheet)
    except _TooBig as exc:
        raise SpreadsheetRefused(_("Không nhập tệp Excel này: %(problem)s") % {"problem": exc.message}) from None
    except Exception:  # noqa: BLE001 - a damaged archive fails in zipfile, zlib or expat in many ways
        raise SpreadsheetRefused(
            _("Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải tệp Excel.")
        ) from None


def _xlsx_value(cell):
    if cell.data_type == "f":
        return numbers.Formula(cell.value)
    return cell.value


def _read_xlsx(data, limits):
    try:
        scan_xlsx(data, limits)
    except SpreadsheetRefused as exc:
        raise FiguresFileError([RowError(1, exc.message)]) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # never trust the <dimension> the file declares
            rows = []
            cells = sheet.iter_rows(min_row=1, max_row=limits.rows, max_col=limits.columns)
            for number, row in enumerate(cells, start=1):
                # A row the file leaves out comes back as empty cells: nothing is built for
                # it (one cell a million rows down cost the command 49 s and 506 MB).
                if all(cell is EMPTY_CELL for cell in row):
                    continue
                rows.append((number, [_xlsx_value(cell) for cell in row]))
        finally:
            workbook.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, TypeError, ValueError) as exc:
        raise FiguresFileError(
            [RowError(1, _("Không đọc được tệp Excel (.xlsx): %(error)s") % {"error": str(exc)[:200]})]
        ) from None
    except Exception:  # noqa: BLE001 - a damaged archive fails deep inside openpyxl (zlib, XML, index errors)
        raise FiguresFileError(
            [RowError(1, _("Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải tệp Excel."))]
        ) from None
    # Trailing empty rows (a formatted but empty range) are not rows of the file.
    while rows and not any(value not in (None, "") for value in rows[-1][1]):
        rows.pop()
    return rows


def _read_csv(data, limits):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FiguresFileError([RowError(1, _("Tệp CSV phải được lưu với bảng mã UTF-8."))]) from None
    rows = []
    # csv's own field limit (128 KB) keeps one cell bounded; rows and columns are capped here.
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if number > limits.rows:
                raise FiguresFileError(
                    [
                        RowError(
                            number,
                            _("Không nhập tệp CSV này: tệp có hơn %(rows)s dòng (%(limits)s).")
                            % {"rows": _thousands(limits.rows), "limits": limits.describe()},
                        )
                    ]
                )
            if len(row) > limits.columns and any(cell.strip() for cell in row[limits.columns :]):
                raise FiguresFileError(
                    [
                        RowError(
                            number,
                            _("Không nhập tệp CSV này: dòng có hơn %(columns)d cột (%(limits)s).")
                            % {"columns": limits.columns, "limits": limits.describe()},
                        )
                    ]
                )
            rows.append((number, row[: limits.columns]))
    except csv.Error as exc:
        raise FiguresFileError(
            [RowError(1, _("Không đọc được tệp CSV: %(error)s") % {"error": str(exc)[:200]})]
        ) from None
    # A NUL character (a binary file renamed .csv, a broken export) can be neither a
    # code nor a note, and PostgreSQL refuses it in any text: say where it is.
    broken = [number for number, row in rows if any("\x00" in cell for cell in row)]
    if broken:
        raise FiguresFileError(
            [RowError(number, _("có ký tự không hợp lệ (ký tự NUL); tệp có thể bị hỏng.")) for number in broken]
        )
    return rows


def read_rows(data, filename, limits=UPLOAD_LIMITS):
    """[(row number, [cells])] from CSV or XLSX bytes; the header is row 1.

    Memory and time stay bounded by ``limits`` whatever the file declares. A formula cell
    comes back as :class:`numbers.Formula`. Raises FiguresFileError for a file that cannot
    be read at all or is over the limits (the message says the limits).
    """
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return _read_csv(data, limits)
    if name.endswith(".xlsx"):
        return _read_xlsx(data, limits)
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
    """(int value, None) or (None, message), by the entry form's own parser."""
    try:
        value = numbers.parse_figure(raw)
    except numbers.FigureValueError as exc:
        return None, exc.message
    if value is None:
        return None, _("thiếu giá trị (cột value để trống; bỏ dòng này nếu không nhập).")
    if indicator.kind == IndicatorKind.YES_NO and value not in (0, 1):
        return None, _("chỉ tiêu có/không chỉ nhận 1 (có) hoặc 0 (không), không nhận %(value)s.") % {"value": value}
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
    if not errors:
        errors = _rule_errors(valid, submissions)
    return valid, errors


def _rule_errors(rows, submissions):
    """Validation rules on each unit's figures for each half as they would stand after the
    import (its saved figures, then the file's rows over them). An import submits, so a
    warning without a note refuses it as an error does (indicators/validation.py)."""
    groups = {}
    for row in rows:
        groups.setdefault((row.unit, row.period), []).append(row)
    ids = {submissions[(u.pk, p.pk)].pk: (u.pk, p.pk) for u, p in groups if (u.pk, p.pk) in submissions}
    saved = {}
    for submission_id, code, value, note in Figure.objects.filter(submission_id__in=ids).values_list(
        "submission_id", "indicator__code", "value", "note"
    ):
        saved.setdefault(ids[submission_id], {})[code] = (value, note)
    levels = {unit.level for unit, _period in groups}
    entered = {level: list(services.entered_indicators(level)) for level in levels}
    rules = {level: validation.rules_for(indicators) for level, indicators in entered.items()}
    errors = []
    for (unit, period), unit_rows in groups.items():
        current = dict(saved.get((unit.pk, period.pk), {}))
        for row in unit_rows:
            current[row.indicator.code] = (row.value, row.note or current.get(row.indicator.code, (None, ""))[1])
        result = validation.check(
            indicators=entered[unit.level],
            rules=rules[unit.level],
            values={code: value for code, (value, _note) in current.items()},
            notes={code: note for code, (_value, note) in current.items()},
        )
        line = {row.indicator.code: row.row for row in unit_rows}
        for violation in result.errors + result.warnings:
            if violation in result.warnings and any(result.notes.get(code) for code in violation.codes):
                continue
            row_numbers = sorted(line[code] for code in violation.codes if code in line)
            message = _("%(unit)s, kỳ %(period)s (dòng %(rows)s): %(message)s") % {
                "unit": unit.name,
                "period": period.code,
                "rows": ", ".join(str(n) for n in row_numbers),
                "message": violation.message(result.names),
            }
            if not violation.is_error:
                message += " " + _("Ghi lý do vào cột note của một trong các dòng này.")
            errors.append(RowError(row_numbers[0] if row_numbers else 1, message))
    return sorted(errors, key=lambda error: error.row)


def import_file(data, filename, user, limits=UPLOAD_LIMITS):
    """Validate the whole file and, only when every row is valid, write it (all or nothing)."""
    with transaction.atomic():
        rows, errors = validate(read_rows(data, filename, limits), user)
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
    append_row(sheet, [*HEADER, *INFO_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    info_fill = PatternFill("solid", fgColor="EEEEEE")
    for each, indicator, figure in template_rows(unit, period):
        append_row(
            sheet,
            [
                each.code,
                indicator.code,
                period.code,
                figure.value if figure else None,
                figure.note if figure else "",
                each.name,
                indicator.name,
                indicator.measure,
            ],
        )
    for row in sheet.iter_rows(min_row=2, min_col=6, max_col=8):
        for cell in row:
            cell.fill = info_fill
    for letter, width in zip("ABCDEFGH", (12, 18, 10, 10, 30, 24, 60, 10), strict=True):
        sheet.column_dimensions[letter].width = width
    add_guide(
        workbook,
        (
            _("Hướng dẫn nhập số liệu từ tệp"),
            _("Chỉ sửa cột value (giá trị) và note (ghi chú) ở trang tính đầu tiên."),
            _("Chỉ tiêu đếm: số nguyên từ 0 trở lên. Chỉ tiêu có/không: 1 là có, 0 là không."),
            _("Tỷ lệ và trạng thái được tính tự động, không nhập."),
            _("Mỗi dòng phải có giá trị; xóa dòng nào không nhập. Tệp có lỗi sẽ không được nhập dòng nào."),
            _("Các cột unit_name, indicator_name, measure chỉ để đọc."),
        ),
        width=100,
    )
    return workbook_bytes(workbook)
