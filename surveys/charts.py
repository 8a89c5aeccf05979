"""Tiny server-side SVG bar charts (no JS, no CDN). Geometry here, markup in templates."""

from dataclasses import dataclass

BAR_COLOURS = ["#0b5c8a"]
NEGATIVE, NEUTRAL, POSITIVE = "#b3261e", "#8a96a3", "#1f8a4c"
LIKERT_COLOURS = [NEGATIVE, NEGATIVE, NEUTRAL, POSITIVE, POSITIVE]
NPS_COLOURS = [NEGATIVE] * 7 + [NEUTRAL] * 2 + [POSITIVE] * 2


@dataclass
class Bar:
    label: str
    value: float
    display: str
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    colour: str


def horizontal_bars(
    items: list[tuple[str, float]],
    *,
    label_width: int = 170,
    width: int = 520,
    row_height: int = 26,
    suffix: str = "",
    max_value: float | None = None,
    colours: list[str] | None = None,
) -> dict:
    """Rows of horizontal bars (good for long Thai labels); values shown at the bar end."""
    peak = max_value if max_value else max((v for _, v in items), default=0) or 1
    plot = width - label_width - 60
    bars = []
    for index, (label, value) in enumerate(items):
        bar_width = plot * (value / peak) if peak else 0
        y = index * row_height + 4
        bars.append(
            Bar(
                label=str(label),
                value=value,
                display=f"{value:g}{suffix}",
                x=label_width,
                y=y,
                width=round(max(bar_width, 0), 1),
                height=row_height - 8,
                text_x=round(label_width + bar_width + 6, 1),
                text_y=y + row_height / 2 + 1,
                colour=colours[index] if colours else BAR_COLOURS[0],
            )
        )
    return {
        "width": width,
        "height": len(items) * row_height + 8,
        "label_x": label_width - 8,
        "bars": bars,
    }


def trend_bars(
    items: list[tuple[str, float | None]], *, target: float | None = None, width: int = 480
) -> dict:
    """Vertical bars for a % per fiscal year (0–100) with an optional dashed target line."""
    height, top, bottom, left, right_margin = 220, 20, 40, 40, 90
    plot_h = height - top - bottom
    slot = (width - left - right_margin) / max(len(items), 1)
    bars = []
    for index, (label, value) in enumerate(items):
        v = value or 0
        bar_h = plot_h * min(v, 100) / 100
        x = left + index * slot + slot * 0.2
        bars.append(
            Bar(
                label=str(label),
                value=v,
                display="–" if value is None else f"{value:.1f}%",
                x=round(x, 1),
                y=round(top + plot_h - bar_h, 1),
                width=round(slot * 0.6, 1),
                height=round(bar_h, 1),
                text_x=round(x + slot * 0.3, 1),
                text_y=round(top + plot_h - bar_h + 18 if bar_h > 24 else top + plot_h - 5, 1),
                colour="#1f8a4c" if target is not None and v >= target else "#0b5c8a",
            )
        )
    target_y = round(top + plot_h - plot_h * target / 100, 1) if target is not None else None
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "axis_y": top + plot_h,
        "left": left,
        "right": width - right_margin,
        "target_label_x": width - right_margin + 6,
        "label_y": top + plot_h + 18,
        "target": target,
        "target_y": target_y,
        "ticks": [
            {"y": round(top + plot_h - plot_h * t / 100, 1), "label": f"{t}%"}
            for t in (0, 25, 50, 75, 100)
        ],
    }
