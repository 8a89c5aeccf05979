"""Evidence pack files: PDF (WeasyPrint, Thai font Laksaman) and XLSX (openpyxl) renderings of
`plans.evidence.evidence_pack()`; the XLSX adds the rows behind every number."""

import datetime as dt
import io

from django.template.loader import render_to_string
from openpyxl import Workbook

from portal.thai_dates import thai_datetime
from portal.xlsx import append_row, be_date, be_datetime
from portal.xlsx import header as _header

from .charts import evidence_charts


def evidence_filename(pack: dict, extension: str) -> str:
    return f"evidence-{pack['agency']['slug']}-{pack['fiscal_year']}.{extension}"


def evidence_pdf(pack: dict) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "plans/evidence_pdf.html", {"pack": pack, "charts": evidence_charts(pack)}
    )
    return HTML(string=html).write_pdf()


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def origin_label(origin: dict) -> str:
    """One line for a plan item's origin, e.g. an OFI of the year's self-assessment."""
    item = f" ({origin['item_code']})" if origin.get("item_code") else ""
    return (
        f"OFI การประเมินตนเอง ปีงบประมาณ {origin['assessment_fiscal_year']} "
        f"หมวด {origin['category']}{item}: {origin['text']}"
    )


# The rows behind each count, one sheet each: (sheet, rows key, [(heading, field), ...]).
# A field in DATE_FIELDS is written as an Excel date in the Buddhist-era format; "satisfied" as 1/0.
ROW_SHEETS = [
    (
        "โหวต",
        "votes",
        [
            ("รหัสโหวต", "id"),
            ("รหัสข้อเสนอ", "idea_id"),
            ("ผู้โหวต (นามแฝง)", "person"),
            ("วันที่โหวต", "created_at"),
            ("เดือน", "month"),
        ],
    ),
    (
        "ความคิดเห็น",
        "comments",
        [
            ("รหัสความคิดเห็น", "id"),
            ("รหัสข้อเสนอ", "idea_id"),
            ("ผู้แสดงความคิดเห็น (นามแฝง)", "person"),
            ("วันที่", "created_at"),
            ("เดือน", "month"),
        ],
    ),
    (
        "คำตอบแบบสำรวจ",
        "survey_responses",
        [
            ("รหัสคำตอบ", "id"),
            ("รหัสแบบสำรวจ", "survey_id"),
            ("แบบสำรวจ", "survey"),
            ("วันที่ส่ง", "submitted_at"),
            ("เดือน", "month"),
        ],
    ),
    (
        "คำตอบ RM3",
        "satisfaction_answers",
        [
            ("รหัสคำตอบย่อย", "id"),
            ("รหัสคำตอบ", "response_id"),
            ("รหัสแบบสำรวจ", "survey_id"),
            ("รหัสคำถาม", "question_id"),
            ("ปีงบประมาณ", "fiscal_year"),
            ("วันที่ส่ง", "submitted_at"),
            ("คะแนน (1–5)", "score"),
            ("พึงพอใจ (4–5)", "satisfied"),
        ],
    ),
    (
        "ผู้เข้าร่วมเวิร์กช็อป",
        "workshop_participants",
        [
            ("รหัสผู้เข้าร่วม", "id"),
            ("รหัสเวิร์กช็อป", "workshop_id"),
            ("บัญชี (นามแฝง)", "person"),
            ("วันที่จัด", "held_at"),
            ("เดือน", "month"),
        ],
    ),
]
DATE_FIELDS = {"created_at", "submitted_at", "held_at"}


def _cell(sheet, row: dict, field: str):
    value = row[field]
    if field in DATE_FIELDS:
        return be_datetime(sheet, value)
    if field == "satisfied":
        return 1 if value else 0
    return value


def evidence_xlsx(pack: dict, rows: dict) -> bytes:
    """One sheet per section, same numbers as the PDF, then the rows behind every number
    (`rows` = `plans.evidence.xlsx_rows()`): ideas, votes, comments, survey responses, the
    RM3 answers and workshop participants, people as pseudonyms (U-0001), no free text."""
    book = Workbook(write_only=True)
    part = pack["participation"]
    totals = part["totals"]

    sheet = book.create_sheet("สรุป")
    append_row(sheet, ["ชุดหลักฐาน PMQA 4.0", pack["agency"]["name"]])
    append_row(sheet, ["ปีงบประมาณ", pack["fiscal_year"]])
    append_row(sheet, ["ช่วงเวลา", pack["period"]["label"]])
    append_row(sheet, ["วันเริ่มต้น", be_date(sheet, _date(pack["period"]["start"]))])
    append_row(sheet, ["วันสิ้นสุด", be_date(sheet, _date(pack["period"]["end"]))])
    append_row(
        sheet, ["จัดทำเมื่อ", be_datetime(sheet, dt.datetime.fromisoformat(pack["generated_at"]))]
    )
    append_row(sheet, [])
    _header(sheet, ["ตัวชี้วัด", "จำนวน", "ที่มา (แผ่นงาน)"])
    for label, key, source in [
        ("ข้อเสนอทั้งหมด", "ideas", "ข้อเสนอ"),
        ("ข้อเสนอที่เผยแพร่", "ideas_public", "ข้อเสนอ"),
        ("ผู้เสนอ (คน)", "authors", "ข้อเสนอ"),
        ("โหวต", "votes", "โหวต"),
        ("ผู้โหวต (คน)", "voters", "โหวต (ผู้โหวตไม่ซ้ำ)"),
        ("ความคิดเห็น", "comments", "ความคิดเห็น"),
        ("ผู้แสดงความคิดเห็น (คน)", "commenters", "ความคิดเห็น (ผู้แสดงความคิดเห็นไม่ซ้ำ)"),
        ("เวิร์กช็อป", "workshops", "เวิร์กช็อป"),
        ("ผู้เข้าร่วมเวิร์กช็อป", "workshop_participants", "ผู้เข้าร่วมเวิร์กช็อป"),
        ("คำตอบแบบสำรวจ", "survey_responses", "คำตอบแบบสำรวจ"),
    ]:
        append_row(sheet, [label, totals[key], source])

    sheet = book.create_sheet("รายเดือน")
    _header(
        sheet,
        ["เดือน", "รหัสเดือน", "ข้อเสนอ", "โหวต", "ความคิดเห็น", "คำตอบแบบสำรวจ", "ผู้เข้าร่วมเวิร์กช็อป"],
    )
    for m in part["by_month"]:
        append_row(
            sheet,
            [
                m["label"],
                m["month"],
                m["ideas"],
                m["votes"],
                m["comments"],
                m["survey_responses"],
                m["workshop_participants"],
            ],
        )

    sheet = book.create_sheet("สถานะ")
    _header(sheet, ["สถานะ", "รหัสสถานะ", "ข้อเสนอ"])
    for row in part["by_status"]:
        append_row(sheet, [row["label"], row["status"], row["ideas"]])

    sheet = book.create_sheet("แท็ก")
    _header(sheet, ["หมวดหมู่", "รหัสแท็ก", "ข้อเสนอ"])
    for row in part["by_tag"]:
        append_row(sheet, [row["label"], row["slug"], row["ideas"]])
    append_row(sheet, ["ไม่มีหมวดหมู่", "", part["untagged_ideas"]])

    times = pack["response_times"]
    sheet = book.create_sheet("ระยะเวลาตอบกลับ")
    _header(sheet, ["รายการ", "ค่า"])
    for label, key in [
        ("ข้อเสนอ (ไม่รวมที่ถูกซ่อน)", "ideas"),
        ("ตอบกลับแล้ว", "responded"),
        ("ยังไม่ได้ตอบ", "unresponded"),
        ("ร้อยละที่ตอบกลับ", "responded_pct"),
        ("มัธยฐาน (วัน)", "median_days"),
        ("ค่าเฉลี่ย (วัน)", "mean_days"),
        ("นานที่สุด (วัน)", "max_days"),
        (f"ตอบภายใน {times['target_days']} วัน", "within_target"),
        (f"ร้อยละที่ตอบภายใน {times['target_days']} วัน", "within_target_pct"),
    ]:
        append_row(sheet, [label, times[key]])
    append_row(sheet, [])
    _header(sheet, ["ช่วงเวลา", "ข้อเสนอ"])
    for bucket in times["buckets"]:
        append_row(sheet, [bucket["label"], bucket["ideas"]])

    sheet = book.create_sheet("RM3")
    _header(
        sheet,
        [
            "ปีงบประมาณ",
            "จำนวนคำตอบ",
            "ร้อยละความพึงพอใจ",
            "เป้าหมาย (%)",
            "ผลเทียบเป้าหมาย",
            "คำตอบระดับ 1–5 ทั้งหมด",
            "คำตอบระดับ 4–5",
        ],
    )
    for year in pack["satisfaction"]["years"]:
        verdict = {True: "บรรลุ", False: "ไม่บรรลุ", None: "ไม่มีข้อมูล"}[year["meets_target"]]
        append_row(
            sheet,
            [
                year["fiscal_year"],
                year["responses"],
                year["satisfaction_pct"],
                year["target_pct"],
                verdict,
                year["answers"],
                year["satisfied_answers"],
            ],
        )
    append_row(sheet, [])
    append_row(
        sheet, ["ร้อยละความพึงพอใจ = คำตอบระดับ 4–5 ÷ คำตอบระดับ 1–5 ทั้งหมด × 100 (แผ่นงาน “คำตอบ RM3”)"]
    )

    sheet = book.create_sheet("แผนและข้อเสนอ")
    _header(
        sheet,
        [
            "รหัสรายการ",
            "รายการในแผน",
            "ประเด็น PMQA",
            "สถานะ",
            "ความก้าวหน้า (%)",
            "ผลลัพธ์",
            "ข้อเสนอที่เชื่อมโยง (รหัส)",
            "เวิร์กช็อปที่เชื่อมโยง (รหัส)",
            "แบบสำรวจที่เชื่อมโยง (รหัส)",
            "วันเริ่ม",
            "วันสิ้นสุด",
            "ที่มา",
        ],
    )
    for item in pack["plan_items"]:
        append_row(
            sheet,
            [
                item["id"],
                item["title"],
                item["pmqa_item"],
                item["status_label"],
                item["progress"],
                item["actual_outcome"] or item["expected_outcome"],
                ", ".join(str(i["id"]) for i in item["ideas"]),
                ", ".join(str(w["id"]) for w in item["workshops"]),
                ", ".join(str(s["id"]) for s in item["surveys"]),
                be_date(sheet, _date(item["start_date"])),
                be_date(sheet, _date(item["end_date"])),
                "\n".join(origin_label(o) for o in item.get("origins", [])),
            ],
        )

    sheet = book.create_sheet("เวิร์กช็อป")
    _header(sheet, ["รหัส", "ชื่อเวิร์กช็อป", "วันที่จัด", "ผู้เข้าร่วม", "โน้ต", "โหวต", "กลุ่มความคิด"])
    for workshop in pack["workshops"]:
        held_at = workshop["held_at"]
        append_row(
            sheet,
            [
                workshop["id"],
                workshop["title"],
                be_date(sheet, dt.datetime.fromisoformat(held_at) if held_at else None),
                workshop["participant_count"],
                workshop["note_count"],
                workshop["vote_count"],
                ", ".join(c["title"] for c in workshop["clusters"]),
            ],
        )

    sheet = book.create_sheet("หลักฐาน")
    _header(sheet, ["รหัสหลักฐาน", "หมวด", "ประเด็น", "หลักฐาน", "สรุป", "ที่มา"])
    for row in pack["evidence"]:
        append_row(
            sheet,
            [
                row["evidence_id"],
                row["pmqa_category"],
                row["pmqa_item_label"],
                row["title"],
                row["summary"],
                row["source"],
            ],
        )

    sheet = book.create_sheet("ข้อเสนอ")
    _header(
        sheet,
        [
            "รหัสข้อเสนอ",
            "หัวข้อ",
            "สถานะ",
            "ที่มา",
            "วันที่เสนอ",
            "เดือน",
            "ตอบกลับครั้งแรก",
            "ระยะเวลาตอบกลับ (วัน)",
            "โหวต",
            "ความคิดเห็น",
            "แท็ก",
            "รายการในแผน (รหัส)",
            "วันที่เสนอ (ข้อความ พ.ศ.)",
        ],
    )
    for row in rows["ideas"]:
        append_row(
            sheet,
            [
                row["id"],
                row["title"],
                row["status"],
                row["origin"],
                be_datetime(sheet, row["created_at"]),
                row["month"],
                be_datetime(sheet, row["first_response_at"]),
                row["days_to_response"],
                row["vote_count"],
                row["comment_count"],
                ", ".join(row["tags"]),
                ", ".join(str(i) for i in row["plan_items"]),
                thai_datetime(row["created_at"]),
            ],
        )

    for title, key, columns in ROW_SHEETS:
        sheet = book.create_sheet(title)
        _header(sheet, [heading for heading, _field in columns])
        for row in rows[key]:
            append_row(sheet, [_cell(sheet, row, field) for _heading, field in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
