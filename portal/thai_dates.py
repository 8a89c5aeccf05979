"""Buddhist-era dates and Thai fiscal years.

Datetimes are stored in UTC; these helpers convert to Asia/Bangkok only for display/exports.
The Thai government fiscal year N (BE) runs from 1 October (N-1) to 30 September N,
e.g. ปีงบประมาณ 2570 = 1 Oct 2026 – 30 Sep 2027.
"""

import datetime as dt

from django.utils import timezone

BE_OFFSET = 543
THAI_MONTHS_SHORT = [
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
]  # fmt: skip
THAI_MONTHS_FULL = [
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
]  # fmt: skip


def _local_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def be_year(value: dt.date | dt.datetime) -> int:
    return _local_date(value).year + BE_OFFSET


def fiscal_year(value: dt.date | dt.datetime) -> int:
    """Thai fiscal year (BE) containing the date: Oct–Dec belong to the next year."""
    day = _local_date(value)
    return day.year + BE_OFFSET + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(fiscal_year_be: int) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of a BE fiscal year."""
    ce_end_year = fiscal_year_be - BE_OFFSET
    return dt.date(ce_end_year - 1, 10, 1), dt.date(ce_end_year, 9, 30)


def fiscal_year_datetime_range(fiscal_year_be: int) -> tuple[dt.datetime, dt.datetime]:
    """Aware [start, end) datetimes in Asia/Bangkok, for filtering stored UTC datetimes."""
    first, last = fiscal_year_bounds(fiscal_year_be)
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def thai_date(value: dt.date | dt.datetime | None, *, full_month: bool = False) -> str:
    """`25 พ.ย. 2569` (or `25 พฤศจิกายน 2569`)."""
    if value is None:
        return ""
    day = _local_date(value)
    months = THAI_MONTHS_FULL if full_month else THAI_MONTHS_SHORT
    return f"{day.day} {months[day.month - 1]} {day.year + BE_OFFSET}"


def thai_datetime(value: dt.datetime | None) -> str:
    """`25 พ.ย. 2569 14:05 น.` in Bangkok time."""
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{thai_date(local)} {local:%H:%M} น."


def thai_month_year(value: dt.date | dt.datetime) -> str:
    day = _local_date(value)
    return f"{THAI_MONTHS_SHORT[day.month - 1]} {day.year + BE_OFFSET}"


def current_fiscal_year() -> int:
    return fiscal_year(timezone.now())
