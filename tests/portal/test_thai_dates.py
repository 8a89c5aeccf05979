import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from portal import thai_dates

BKK = ZoneInfo("Asia/Bangkok")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 9, 30), 2569),
        (dt.date(2026, 10, 1), 2570),
        (dt.date(2027, 9, 30), 2570),
        (dt.date(2027, 10, 1), 2571),
        (dt.date(2026, 12, 31), 2570),
        (dt.date(2027, 1, 1), 2570),
        (dt.date(2024, 2, 29), 2567),  # leap day
        (dt.date(2028, 2, 29), 2571),
    ],
)
def test_fiscal_year_edges(day, expected):
    assert thai_dates.fiscal_year(day) == expected


def test_fiscal_year_uses_bangkok_time_for_aware_datetimes():
    # 30 Sep 2026 20:00 UTC is already 1 Oct 2026 03:00 in Bangkok → fiscal year 2570.
    late_utc = dt.datetime(2026, 9, 30, 20, 0, tzinfo=dt.UTC)
    assert thai_dates.fiscal_year(late_utc) == 2570
    early_utc = dt.datetime(2026, 9, 30, 16, 59, tzinfo=dt.UTC)
    assert thai_dates.fiscal_year(early_utc) == 2569


def test_fiscal_year_bounds_and_range():
    assert thai_dates.fiscal_year_bounds(2570) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))
    start, end = thai_dates.fiscal_year_datetime_range(2570)
    assert start == dt.datetime(2026, 10, 1, tzinfo=BKK)
    assert end == dt.datetime(2027, 10, 1, tzinfo=BKK)


def test_thai_date_formats():
    assert thai_dates.thai_date(dt.date(2026, 11, 25)) == "25 พ.ย. 2569"
    assert thai_dates.thai_date(dt.date(2026, 11, 25), full_month=True) == "25 พฤศจิกายน 2569"
    assert thai_dates.thai_date(dt.date(2024, 2, 29)) == "29 ก.พ. 2567"
    assert thai_dates.thai_date(None) == ""
    aware = dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC)  # 1 Jan 2027 01:30 in Bangkok
    assert thai_dates.thai_datetime(aware) == "1 ม.ค. 2570 01:30 น."
    assert thai_dates.be_year(dt.date(2026, 1, 1)) == 2569


def test_template_filters_render_thai(rf):
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{{ d|thai_date }} / {{ d|fiscal_year }} / {{ d|thai_date:'full' }}")
    with translation.override("th"):
        rendered = template.render(Context({"d": dt.date(2026, 10, 1)}))
    assert rendered == "1 ต.ค. 2569 / 2570 / 1 ตุลาคม 2569"
