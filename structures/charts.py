"""Small server-side SVG charts (no script, so the CSP stays strict)."""

from decimal import Decimal

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
