"""Writing spreadsheets people open: every text stays text.

openpyxl turns any string that starts with "=" into a formula, so a commune officer's note
``=HYPERLINK("http://…","Bấm")`` became a live link in the template the district
downloaded (issue 17, finding 2). Every sheet the app writes (the import template, the
dashboard export, the report appendix) appends its rows through :func:`append_row`, which
marks each string cell as a string after assignment: Excel and LibreOffice show the text
as typed and never evaluate it.
"""

import io


def as_text(cell):
    """Keep ``cell``'s string as text: openpyxl makes any string starting with "=" a
    formula (a user's note "=HYPERLINK(…)" would be live in the file)."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def append_row(sheet, values):
    """``sheet.append(values)`` with every string stored as text, never as a formula.

    Returns the row's cells.
    """
    sheet.append(values)
    cells = sheet[sheet.max_row]
    for cell in cells:
        as_text(cell)
    return cells


def add_guide(book, lines, width):
    """The "huong_dan" (instructions) sheet of a template people fill in: one line a row,
    as text, in a column ``width`` characters wide."""
    guide = book.create_sheet("huong_dan")
    for line in lines:
        append_row(guide, [line])
    guide.column_dimensions["A"].width = width
    return guide


def workbook_bytes(book):
    """The .xlsx file of ``book``."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
