"""portal.xlsx: dates go into workbooks as real Excel dates in Bangkok time with a Thai
Buddhist-calendar number format; headers are bold; write-only and ordinary sheets alike."""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook, load_workbook

from portal import xlsx

UTC = dt.UTC


def _round_trip(write_only: bool):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    xlsx.header(sheet, ["วันที่", "วันเวลา", "สั้น"])
    # 17:30 UTC on 30 Sep is already 1 Oct in Bangkok (UTC+7): a new fiscal year.
    moment = dt.datetime(2026, 9, 30, 17, 30, tzinfo=UTC)
    sheet.append(
        [
            xlsx.be_date(sheet, moment),
            xlsx.be_datetime(sheet, moment),
            xlsx.be_date(sheet, dt.date(2027, 2, 28), short=True),
        ]
    )
    sheet.append([xlsx.be_date(sheet, None), xlsx.be_datetime(sheet, None), "ข้อความ"])
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))["s" if write_only else "Sheet"]


def test_dates_round_trip_as_dates_with_be_format():
    for write_only in (True, False):
        sheet = _round_trip(write_only)
        assert [c.value for c in sheet[1]] == ["วันที่", "วันเวลา", "สั้น"]
        assert all(c.font.bold for c in sheet[1])
        day, moment, short = sheet[2]
        assert day.is_date and day.value == dt.datetime(2026, 10, 1)
        assert day.number_format == "[$-107041E]d mmm yyyy"
        assert moment.is_date and moment.value == dt.datetime(2026, 10, 1, 0, 30)
        assert moment.number_format == "[$-107041E]d mmm yyyy hh:mm"
        assert short.value == dt.datetime(2027, 2, 28)
        assert short.number_format == "[$-107041E]d/m/yyyy"
        assert [c.value for c in sheet[3]] == [None, None, "ข้อความ"]


def test_excel_datetime_is_naive_bangkok_time():
    aware = timezone.make_aware(dt.datetime(2027, 1, 1, 8, 0), timezone.get_default_timezone())
    assert xlsx.excel_datetime(aware) == dt.datetime(2027, 1, 1, 8, 0)
    assert xlsx.excel_datetime(dt.datetime(2027, 1, 1, 1, 0, tzinfo=UTC)) == dt.datetime(
        2027, 1, 1, 8, 0
    )
