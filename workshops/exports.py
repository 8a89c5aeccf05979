"""Workshop exports (JSON comes straight from `selectors.workshop_export`; XLSX built here)."""

from io import BytesIO

from openpyxl import Workbook

from portal.xlsx import append_row, header


def export_xlsx(data: dict) -> bytes:
    workbook = Workbook()
    info = workbook.active
    info.title = "เวิร์กช็อป"
    for key, value in data["workshop"].items():
        append_row(info, [key, ", ".join(value) if isinstance(value, list) else value])
    sheets = [
        (
            "โน้ต",
            ["id", "text", "column", "phase", "cluster_id", "author", "votes", "created_at"],
            data["notes"],
        ),
        ("กลุ่ม", ["id", "title"], data["clusters"]),
        ("โหวต", ["note_id", "participant"], data["votes"]),
        ("ผู้เข้าร่วม", ["id", "registered", "notes", "votes"], data["participants"]),
    ]
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title)
        header(sheet, columns)
        for row in rows:
            append_row(sheet, [row.get(c) for c in columns])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
