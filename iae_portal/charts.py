"""Small server-side SVG charts (no script, so the CSP stays strict)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

WIDTH, HEIGHT, BAR_GAP = 320, 140, 16


def bar_chart(points, *, label):
    """``points``: ``[(caption, value)]`` → geometry of an accessible SVG bar chart."""
    points = [(caption, Decimal(value or 0)) for caption, value in points]
    if not points:
        return None
    top = max((value for _, value in points), default=Decimal(0)) or Decimal(1)
    bar_width = (WIDTH - BAR_GAP * (len(points) + 1)) / len(points)
    bars = []
    for index, (caption, value) in enumerate(points):
        height = float(value / top) * (HEIGHT - 30)
        x = BAR_GAP + index * (bar_width + BAR_GAP)
        bars.append(
            {
                "caption": caption,
                "value": value,
                "x": round(x, 1),
                "y": round(HEIGHT - 20 - height, 1),
                "width": round(bar_width, 1),
                "height": round(height, 1),
                "text_x": round(x + bar_width / 2, 1),
            }
        )
    return {"label": label, "width": WIDTH, "height": HEIGHT, "bars": bars, "base": HEIGHT - 20}


# -- A horizontal bar chart (long labels, many bars).
H_WIDTH, LABEL_WIDTH, VALUE_WIDTH, ROW, BAR = 480, 150, 100, 24, 16


def hbar_chart(points, *, label, unit="", reference_first=False):
    """``points``: ``[(caption, value)]`` → geometry of an accessible horizontal bar chart;
    ``reference_first`` draws the first bar (an envelope) apart from the others."""
    points = [(caption, Decimal(value or 0)) for caption, value in points]
    top = max((value for _, value in points), default=Decimal(0)) or Decimal(1)
    span = H_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, (caption, value) in enumerate(points):
        width = float(value / top) * span
        y = 4 + index * ROW
        bars.append(
            {
                "caption": caption,
                "display": number_format(
                    value.quantize(Decimal(1), ROUND_HALF_UP), 0, force_grouping=True
                )
                + unit,
                "reference": reference_first and index == 0,
                "y": y,
                "text_y": y + BAR - 4,
                "width": round(width, 1),
                "value_x": round(LABEL_WIDTH + width + 6, 1),
            }
        )
    return {
        "label": label,
        "width": H_WIDTH,
        "height": 8 + len(points) * ROW,
        "label_x": LABEL_WIDTH - 8,
        "bar_x": LABEL_WIDTH,
        "bar_height": BAR,
        "bars": bars,
    }
