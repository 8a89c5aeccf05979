"""CSV (UTF-8 with BOM, so Excel shows Thai) and XLSX exports: Thai headers, BE dates.

Rows carry dates as `datetime.date`; the CSV writes them as BE text (`30 ก.ย. 2569`), the XLSX
as real Excel dates shown in the Thai Buddhist calendar (see `portal.xlsx`)."""

import csv
import datetime as dt
import io

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from portal import xlsx
from portal.services import audit_log
from portal.thai_dates import current_fiscal_year, fiscal_year, thai_date

from . import selectors
from .models import QuestionKind

EXPORTS = ("responses", "summary")
FORMATS = ("csv", "xlsx")
KIND_LABELS = {
    QuestionKind.LIKERT5: "ระดับความพึงพอใจ 1–5",
    QuestionKind.NPS: "NPS 0–10",
    QuestionKind.SINGLE: "เลือกได้หนึ่งข้อ",
    QuestionKind.MULTI: "เลือกได้หลายข้อ",
    QuestionKind.TEXT: "ข้อความอิสระ",
}


def _period_label(fiscal_year=None, date_from=None, date_to=None) -> str:
    parts = []
    if fiscal_year:
        parts.append(f"ปีงบประมาณ {fiscal_year}")
    if date_from or date_to:
        parts.append(f"{thai_date(date_from) or '…'} ถึง {thai_date(date_to) or '…'}")
    return " · ".join(parts) or "ทั้งหมด"


def response_rows(survey, **filters) -> tuple[list[str], list[list]]:
    """One row per response: number, BE date, Bangkok time, fiscal year, respondent type, answers."""
    questions = selectors.questions_of(survey)
    header = ["เลขที่คำตอบ", "วันที่ส่ง (พ.ศ.)", "เวลา", "ปีงบประมาณ", "ผู้ตอบ"]
    header += [f"ข้อ {n}: {q.text}" for n, q in enumerate(questions, start=1)]
    by_response: dict[int, dict[int, list]] = {}
    for response_id, question_id, number, choice, text in selectors.export_answer_values(
        survey, **filters
    ):
        value = number if number is not None else (choice or text)
        by_response.setdefault(response_id, {}).setdefault(question_id, []).append(value)
    rows = []
    for response_id, submitted_at, user_id in selectors.export_response_values(survey, **filters):
        by_question = by_response.get(response_id, {})
        local = timezone.localtime(submitted_at)
        row = [
            response_id,
            local.date(),
            local.strftime("%H:%M"),
            fiscal_year(local),
            "สมาชิก" if user_id else "ไม่ระบุตัวตน",
        ]
        for question in questions:
            values = by_question.get(question.pk, [])
            if question.kind == QuestionKind.MULTI:
                row.append("; ".join(str(v) for v in values))
            else:
                row.append(values[0] if values else "")
        rows.append(row)
    return header, rows


def summary_tables(survey, **filters) -> list[tuple[str, list[str], list[list]]]:
    """[(sheet title, header, rows)]: per-question summary and the three-year trend."""
    data = selectors.survey_results(survey, **filters)
    per_question = []
    for number, q in enumerate(data["questions"], start=1):
        distribution = ", ".join(f"{k}: {v}" for k, v in q["counts"].items())
        if q["kind"] == QuestionKind.TEXT:
            distribution = "คำสำคัญ: " + ", ".join(q.get("keywords", [])[:10])
        per_question.append(
            [
                number,
                q["text"],
                KIND_LABELS.get(q["kind"], q["kind"]),
                q["answered"],
                q.get("mean", ""),
                q.get("satisfaction_pct", ""),
                q.get("nps", ""),
                distribution,
            ]
        )
    per_question.append(
        ["", "รวมทุกข้อระดับความพึงพอใจ", "", data["responses"], "", data["satisfaction_pct"], "", ""]
    )
    base_year = filters.get("fiscal_year") or current_fiscal_year()
    years = [base_year - 2, base_year - 1, base_year]
    trend = selectors.satisfaction_by_fiscal_year(
        agency=survey.agency, fiscal_years=years, survey=survey
    )
    target = data["target_pct"]
    trend_rows = [
        [
            year,
            trend[year]["responses"],
            trend[year]["satisfaction_pct"],
            target,
            "ผ่าน" if (trend[year]["satisfaction_pct"] or 0) >= target else "ไม่ผ่าน",
        ]
        for year in years
    ]
    return [
        (
            "สรุปรายข้อ",
            [
                "ข้อ",
                "คำถาม",
                "ชนิดคำถาม",
                "จำนวนผู้ตอบ",
                "ค่าเฉลี่ย",
                "ร้อยละความพึงพอใจ (ระดับ 4–5)",
                "NPS",
                "การกระจายคำตอบ",
            ],
            per_question,
        ),
        (
            "แนวโน้มรายปีงบประมาณ",
            ["ปีงบประมาณ", "จำนวนผู้ตอบ", "ร้อยละความพึงพอใจ", "เป้าหมาย (%)", "ผลเทียบเป้าหมาย"],
            trend_rows,
        ),
    ]


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return thai_date(value)
    return xlsx.csv_text(value)


def _xlsx_value(sheet, value):
    if isinstance(value, dt.datetime):
        return xlsx.be_datetime(sheet, value)
    if isinstance(value, dt.date):
        return xlsx.be_date(sheet, value)
    return value


def _csv_bytes(tables: list[tuple[str, list[str], list[list]]]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for index, (title, header, rows) in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([title])
        writer.writerow(header)
        writer.writerows([_csv_value(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx_bytes(tables: list[tuple[str, list[str], list[list]]], survey) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in tables:
        sheet = workbook.create_sheet(title[:31])
        xlsx.header(sheet, header)
        for row in rows:
            xlsx.append_row(sheet, [_xlsx_value(sheet, v) for v in row])
        xlsx.fit_columns(sheet)
        sheet.freeze_panes = "A2"
    workbook.properties.title = survey.title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_response(*, survey, what: str, fmt: str, actor, **filters) -> HttpResponse:
    if what == "responses":
        header, rows = response_rows(survey, **filters)
        tables = [("คำตอบ", header, rows)]
    else:
        tables = summary_tables(survey, **filters)
    if fmt == "csv":
        content = _csv_bytes(tables)
        content_type = "text/csv; charset=utf-8"
    else:
        content = _xlsx_bytes(tables, survey)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audit_log(
        actor=actor,
        action=f"survey.export_{what}",
        target=survey,
        agency=survey.agency,
        format=fmt,
        period=_period_label(**filters),
    )
    response = HttpResponse(content, content_type=content_type)
    suffix = f"-{filters['fiscal_year']}" if filters.get("fiscal_year") else ""
    response["Content-Disposition"] = (
        f'attachment; filename="survey-{survey.pk}-{what}{suffix}.{fmt}"'
    )
    return response
