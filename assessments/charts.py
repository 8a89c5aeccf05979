"""Server-side SVG charts for the readiness view and the PDF (no JavaScript, escaped text).

Like the plans charts, the SVGs carry only numbers: WeasyPrint draws SVG text without Thai
shaping, so titles, legends and category names are HTML around the chart."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from plans.charts import BAR_COLOUR, TARGET_COLOUR

LAST_YEAR_COLOUR = "#8aa9bf"


def grouped_level_chart(
    categories: list[dict], *, title: str, width: int = 680, height: int = 200
) -> SafeString:
    """Average level (0–3) per category: last year (light) beside this year (dark), target tick."""
    left, right, top, bottom = 24, 8, 16, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(categories), 1)
    slot = plot_w / n
    bar_w = max(4.0, slot * 0.32)
    peak = 3.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for level in range(4):
        y = top + plot_h - plot_h * level / peak
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y + 3:.1f}" font-size="9" text-anchor="end" fill="#555">'
            f"{level}</text>"
        )
    for index, cat in enumerate(categories):
        x0 = left + index * slot + (slot - 2 * bar_w) / 2
        for offset, value, colour in (
            (0, cat.get("avg_last_year"), LAST_YEAR_COLOUR),
            (bar_w, cat.get("avg_level"), BAR_COLOUR),
        ):
            x = x0 + offset
            bar_h = 0 if value is None else plot_h * value / peak
            y = top + plot_h - bar_h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
                f'fill="{colour}"/>'
            )
            shown = "–" if value is None else f"{value:.1f}"
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="9" '
                f'text-anchor="middle" fill="#222">{escape(shown)}</text>'
            )
        target = cat.get("avg_target")
        if target is not None:
            y = top + plot_h - plot_h * target / peak
            parts.append(
                f'<line x1="{x0 - 3:.1f}" y1="{y:.1f}" x2="{x0 + 2 * bar_w + 3:.1f}" y2="{y:.1f}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="2"/>'
            )
        parts.append(
            f'<text x="{x0 + bar_w:.1f}" y="{top + plot_h + 14}" font-size="10" '
            f'text-anchor="middle" fill="#444">{escape(str(cat["number"]))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def evidence_coverage_chart(categories: list[dict], *, title: str) -> SafeString:
    """Per category: items with evidence and items with citizen input, out of all items."""
    from plans.charts import bar_chart

    labels = [str(c["number"]) for c in categories]
    values = [
        round(100 * (c["item_count"] - c["no_citizen_input"]) / c["item_count"], 1)
        if c["item_count"]
        else None
        for c in categories
    ]
    return bar_chart(labels, values, title=title, max_value=100, suffix="%", width=680)


def readiness_charts(ready: dict) -> dict[str, SafeString]:
    cats = ready["categories"]
    return {
        "levels": grouped_level_chart(cats, title="ระดับเฉลี่ยรายหมวด (0–3) ปีที่แล้วเทียบปีนี้ และเป้าหมาย"),
        "citizen": evidence_coverage_chart(cats, title="ร้อยละของประเด็นที่มีข้อมูลจากประชาชนเป็นหลักฐาน"),
    }
