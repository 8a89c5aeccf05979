"""Self-assessment files: PDF (WeasyPrint, Thai font Laksaman, BE dates) and XLSX (openpyxl),
both in the order of the criteria, each item with its explanation and evidence ids; ready to
copy into the national online assessment system."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook

from portal.thai_dates import thai_date, thai_datetime
from portal.xlsx import append_row, be_datetime
from portal.xlsx import header as _header

from .charts import readiness_charts


def export_filename(payload: dict, extension: str) -> str:
    return f"self-assessment-{payload['agency']}-{payload['fiscal_year']}.{extension}"


def assessment_pdf(payload: dict, ready: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "assessments/export_pdf.html",
        {
            "payload": payload,
            "ready": ready,
            "charts": readiness_charts(ready),
            "generated_at_label": thai_datetime(timezone.now()),
            "submitted_label": thai_date(payload["submitted_at"])
            if payload["submitted_at"]
            else "",
        },
    )
    return HTML(string=html).write_pdf()


def assessment_xlsx(payload: dict, ready: dict) -> bytes:
    book = Workbook(write_only=True)

    sheet = book.create_sheet("สรุป")
    append_row(sheet, ["การประเมินตนเองตามเกณฑ์ PMQA 4.0", payload["agency_name"]])
    append_row(sheet, ["ปีงบประมาณ", payload["fiscal_year"]])
    append_row(sheet, ["เกณฑ์", payload["criteria"]["title"]])
    append_row(sheet, ["สถานะ", payload["status_label"]])
    append_row(sheet, ["ส่งเมื่อ", be_datetime(sheet, payload["submitted_at"])])
    append_row(sheet, ["จัดทำเมื่อ", be_datetime(sheet, timezone.now())])
    append_row(sheet, ["ผู้ร่วมจัดทำ", ", ".join(payload["contributors"])])
    append_row(sheet, [])
    _header(
        sheet,
        [
            "หมวด",
            "ชื่อหมวด",
            "ประเด็น",
            "ระดับเฉลี่ย",
            "ระดับเฉลี่ยปีที่แล้ว",
            "ถึงเป้าหมาย",
            "ไม่มีหลักฐาน",
            "ไม่มีข้อมูลจากประชาชน",
        ],
    )
    for cat in ready["categories"]:
        append_row(
            sheet,
            [
                cat["number"],
                cat["name"],
                cat["item_count"],
                cat["avg_level"],
                cat["avg_last_year"],
                cat["at_target"],
                cat["no_evidence"],
                cat["no_citizen_input"],
            ],
        )

    sheet = book.create_sheet("ประเด็น")
    _header(
        sheet,
        [
            "ลำดับ",
            "หมวด",
            "ประเด็น",
            "รหัสผลลัพธ์",
            "ชื่อประเด็น",
            "ระดับที่บรรลุ",
            "ระดับเป้าหมาย",
            "คำอธิบายผลการดำเนินการ",
            "ประเด็นตรวจสอบที่ผ่าน",
            "รหัสหลักฐาน",
            "ผู้ร่วมจัดทำ",
        ],
    )
    order = 0
    for cat in payload["categories"]:
        for item in cat["items"]:
            order += 1
            checks = [q for q in item["checklist"] if q["checked"]]
            append_row(
                sheet,
                [
                    order,
                    cat["number"],
                    item["code"],
                    item["result_code"],
                    item["name"],
                    item["level_label"],
                    item["target_level"],
                    item["explanation"],
                    f"{len(checks)}/{len(item['checklist'])}",
                    ", ".join(e["evidence_id"] for e in item["evidence"]),
                    ", ".join(item["contributors"]),
                ],
            )

    sheet = book.create_sheet("หลักฐาน")
    _header(
        sheet, ["รหัสหลักฐาน", "ประเด็น", "ประเภท", "ชื่อหลักฐาน", "สรุป/ตัวเลข", "รหัสอ้างอิง", "ไฟล์/ลิงก์"]
    )
    for cat in payload["categories"]:
        for item in cat["items"]:
            for e in item["evidence"]:
                append_row(
                    sheet,
                    [
                        e["evidence_id"],
                        item["code"],
                        e["kind"],
                        e["title"],
                        e["note"],
                        e["target_id"],
                        e["file_name"] or e["url"],
                    ],
                )

    sheet = book.create_sheet("จุดแข็งและ OFI")
    _header(sheet, ["หมวด", "ประเภท", "ข้อความ", "ประเด็น", "รายการในแผน (รหัส)", "ปีงบประมาณของแผน"])
    for cat in payload["categories"]:
        for kind, label in (("strengths", "จุดแข็ง"), ("ofis", "โอกาสในการปรับปรุง")):
            for f in cat[kind]:
                plan = f["plan_item"] or {}
                append_row(
                    sheet,
                    [
                        cat["number"],
                        label,
                        f["text"],
                        f["item"] or "",
                        plan.get("id"),
                        plan.get("fiscal_year"),
                    ],
                )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
