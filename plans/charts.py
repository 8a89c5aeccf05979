"""Server-side SVG charts for the evidence pack (same markup in the HTML page and the PDF).

Thai text is kept out of the SVGs: WeasyPrint draws SVG text without Thai shaping (vowels and
tone marks land in the wrong place), so captions and category labels are HTML around the chart
and the SVG only carries numbers and Latin/numeric axis labels.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#0b5c8a"
TARGET_COLOUR = "#a4262c"


def bar_chart(
    labels: list[str],
    values: list[float | None],
    *,
    title: str,
    width: int = 640,
    height: int = 200,
    target: float | None = None,
    max_value: float | None = None,
    suffix: str = "",
) -> SafeString:
    """Vertical bars with value labels; an optional dashed target line (e.g. 85 %).
    `title` is only the accessible name (<title>, aria-label), never drawn."""
    left, right, top, bottom = 12, 12, 16, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [v or 0 for v in values]
    peak = max_value or max([*numbers, target or 0, 1])
    n = max(len(values), 1)
    slot = plot_w / n
    bar_w = max(4.0, slot * 0.6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#888"/>',
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=False)):
        x = left + index * slot + (slot - bar_w) / 2
        bar_h = 0 if value is None else plot_h * (value / peak)
        y = top + plot_h - bar_h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" fill="{BAR_COLOUR}"/>'
        )
        shown = "–" if value is None else f"{value:g}{suffix}"
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#222">{escape(shown)}</text>'
        )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" font-size="10" '
            f'text-anchor="middle" fill="#444">{escape(label)}</text>'
        )
    if target is not None:
        y = top + plot_h - plot_h * (target / peak)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{TARGET_COLOUR}" stroke-dasharray="5,4"/>'
        )
        parts.append(
            f'<text x="{width - right}" y="{y - 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="{TARGET_COLOUR}">{escape(f"{target:g}{suffix}")}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def hbar(value: float, peak: float, *, width: int = 220, height: int = 12) -> SafeString:
    """One horizontal bar (no text) for a table row; the label and number are HTML cells."""
    bar = 0 if not peak else width * value / peak
    return mark_safe(  # noqa: S308 (numbers only)
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true"><rect x="0" y="0" width="{bar:.1f}" '
        f'height="{height}" fill="{BAR_COLOUR}"/></svg>'
    )


def month_axis_label(month_key: str) -> str:
    """ "2026-10" -> "10/69" (month / short BE year), Latin digits only."""
    year, month = month_key.split("-")
    return f"{int(month)}/{(int(year) + 543) % 100:02d}"


def evidence_charts(pack: dict) -> dict:
    part = pack["participation"]
    months = part["by_month"]
    rm3 = pack["satisfaction"]
    tag_peak = max([t["ideas"] for t in part["by_tag"]] + [1])
    return {
        "ideas_by_month": bar_chart(
            [month_axis_label(m["month"]) for m in months],
            [m["ideas"] for m in months],
            title="ข้อเสนอรายเดือน",
        ),
        "participation_by_month": bar_chart(
            [month_axis_label(m["month"]) for m in months],
            [m["votes"] + m["comments"] + m["survey_responses"] for m in months],
            title="การมีส่วนร่วมรายเดือน (โหวต ความคิดเห็น แบบสำรวจ)",
        ),
        "tag_bars": {t["slug"]: hbar(t["ideas"], tag_peak) for t in part["by_tag"]},
        "rm3": bar_chart(
            [str(y["fiscal_year"]) for y in rm3["years"]],
            [y["satisfaction_pct"] for y in rm3["years"]],
            title="RM3 ร้อยละความพึงพอใจเทียบเป้าหมาย",
            target=rm3["target_pct"],
            max_value=100,
            suffix="%",
            width=420,
        ),
    }
