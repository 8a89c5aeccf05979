"""Shared XLSX helpers (openpyxl) for every Ruam Kid workbook: bold header rows and real Excel
dates shown in the Thai Buddhist calendar.

Dates are written as Excel date serials (so a column sorts and filters as dates) with a number
format whose locale code asks Excel for the Thai Buddhist calendar: `[$-107041E]` =
digits 01 (Western), calendar 07 (Thai Buddhist), locale 041E (Thai). A cell holding
25 Nov 2026 then shows `25 พ.ย. 2569`. The legacy hexadecimal code is used rather than
Excel 365's `[$-th-TH,107]` because older Excel versions and LibreOffice understand only it.
Excel has no time zones: datetimes are converted to Bangkok time and written naive.

Exports carry citizens' text (idea titles, survey answers, workshop notes). Text is never a
formula: `append_row` keeps a value starting with "=" a text cell (openpyxl would store it as a
formula that Excel runs when staff open the file), and `csv_text` puts an apostrophe before
text that spreadsheet programs would read as a formula (=, +, -, @, tab, carriage return;
OWASP's advice for CSV injection).
"""

import datetime as dt

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

BE_LOCALE = "[$-107041E]"
BE_DATE_FORMAT = BE_LOCALE + "d mmm yyyy"  # 25 พ.ย. 2569
BE_DATETIME_FORMAT = BE_LOCALE + "d mmm yyyy hh:mm"  # 25 พ.ย. 2569 14:05
BE_SHORT_DATE_FORMAT = BE_LOCALE + "d/m/yyyy"  # 25/11/2569

_BOLD = Font(bold=True)


def header(sheet, titles) -> None:
    """Append a bold header row (write-only and ordinary worksheets alike)."""
    row = []
    for title in titles:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = _BOLD
        row.append(cell)
    sheet.append(row)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(sheet, value):
    """`value` for a cell; text that openpyxl would take for a formula becomes a text cell."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def append_row(sheet, values) -> None:
    """`sheet.append(values)` where no text becomes a formula."""
    sheet.append([text_cell(sheet, value) for value in values])


def csv_text(value):
    """A CSV field that spreadsheet programs show as the text it is (numbers pass unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def excel_datetime(value: dt.datetime) -> dt.datetime:
    """An aware datetime as naive Bangkok time (what Excel can store)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def be_date(sheet, value: dt.date | dt.datetime | None, *, short: bool = False):
    """A cell holding the (Bangkok) date of `value`, shown as a BE date; empty for None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = excel_datetime(value).date()
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = BE_SHORT_DATE_FORMAT if short else BE_DATE_FORMAT
    return cell


def be_datetime(sheet, value: dt.datetime | None):
    """A cell holding the Bangkok date and time of `value`, shown as a BE date and 24-h time."""
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=excel_datetime(value))
    cell.number_format = BE_DATETIME_FORMAT
    return cell


def fit_columns(sheet, *, minimum: int = 8, maximum: int = 60) -> None:
    """Column widths from the longest text (ordinary worksheets only); dates count as 14."""
    for column in sheet.columns:
        width = max(
            (14 if isinstance(c.value, dt.date) else len(str(c.value or ""))) for c in column
        )
        sheet.column_dimensions[column[0].column_letter].width = min(
            max(width + 2, minimum), maximum
        )
