"""The server-rendered SVG charts (iae_portal/charts.py and their templates): every label is
drawn inside the view box, whatever its length, in a size a person reads at 1280 px and at
390 px."""

import itertools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from iae_portal import charts

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
LONG = [
    ("Stratégie de consolidation", 31),
    ("Groupement d'employeurs pour l'insertion et la qualification", 4),
    ("Entreprise de travail temporaire d'insertion", 8),
    ("Maison de l'emploi du Grand Reims", 4698),
    ("Office public de l'habitat de Meurthe-et-Moselle", 1932),
    ("Anticonstitutionnellementanticonstitutionnellementanticonstitutionnellement", 1),
    ("Sans SIAE", 0),
]
# The text's size before the charts set their own: the stylesheet's 11 px.
OLD_SIZE = 11
# The narrowest box a chart gets at 390 px: the page's side margins (1rem each) and the
# card's padding and border (1.25rem and 1px each).
PHONE_BOX = 390 - 2 * 16 - 2 * 20 - 2


def measure(text, size):
    """The text's advance in DejaVu Sans (the widest of the usual sans-serif fonts) when the
    font is installed, else the module's own estimate."""
    if DEJAVU.exists():
        from PIL import ImageFont

        return ImageFont.truetype(str(DEJAVU), size * 10).getlength(text) / 10
    return charts.text_width(text, size)


def svg_of(chart, template="aides/staff/_hbar_chart.html"):
    html = render_to_string(template, {"chart": chart, "chart_id": "c"})
    return ET.fromstring(re.search(r"<svg.*</svg>", html, re.S).group(0))


def elements(svg, tag):
    """The ``tag`` elements of ``svg``, with or without the SVG namespace."""
    return [e for e in svg.iter() if e.tag.rsplit("}", 1)[-1] == tag]


def box(svg):
    x, y, width, height = (float(v) for v in svg.get("viewBox").split())
    return x, y, x + width, y + height


def texts(svg):
    """``(x, baseline y, anchor, text)`` of every line of text drawn."""
    for text in elements(svg, "text"):
        spans = elements(text, "tspan") or [text]
        for span in spans:
            yield (
                float(span.get("x", text.get("x", 0))),
                float(span.get("y", text.get("y", 0))),
                text.get("text-anchor", "start"),
                "".join(span.itertext()),
            )


def assert_inside(svg, size):
    left, top, right, bottom = box(svg)
    drawn = list(texts(svg))
    assert drawn
    for x, y, anchor, text in drawn:
        width = measure(text, size)
        start = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        assert start >= left, f"{text!r} starts at {start}, left of {left}"
        assert start + width <= right, f"{text!r} ends at {start + width}, right of {right}"
        assert y - size >= top and y + size * 0.25 <= bottom, f"{text!r} at y {y}"
    for rect in elements(svg, "rect"):
        x, width = float(rect.get("x")), float(rect.get("width"))
        assert left <= x and x + width <= right
    return drawn


def test_the_width_estimate_is_never_short_of_the_real_font():
    if not DEJAVU.exists():
        pytest.skip("DejaVu Sans is not installed")
    for text, _ in LONG:
        for size in (12, 14):
            assert charts.text_width(text, size) >= measure(text, size)
    assert charts.text_width("Œuvre € 100 % — « é »", 14) >= measure("Œuvre € 100 % — « é »", 14)


def font_size(svg):
    return float(svg.get("font-size", OLD_SIZE))


def test_long_labels_stay_whole_inside_the_view_box():
    chart = charts.hbar_chart(LONG, label="Heures", unit=" h")
    svg = svg_of(chart)
    drawn = assert_inside(svg, font_size(svg))
    words = " ".join(text for *_, text in drawn)
    # Wrapped on spaces, never cut: every word of every caption is drawn whole.
    for caption, _ in LONG[:-1]:
        for word in caption.split():
            if len(word) < 30:
                assert word in words.split(), word
    assert "Stratégie de consolidation" in words
    # The largest bar with its value, and the value of a zero.
    assert "4\u00a0698 h" in words and "0 h" in words


def test_the_text_reads_at_least_12_px_at_390_and_at_1280():
    chart = charts.hbar_chart(LONG, label="Heures", unit=" h")
    svg = svg_of(chart)
    left, _, right, _ = box(svg)
    # At 1280 px the chart is drawn at its own size (one unit, one pixel).
    assert float(svg.get("width")) == right - left
    assert font_size(svg) >= 13
    # At 390 px it shrinks to the box it has: the text still reads at 12 px or more.
    scale = min(1, PHONE_BOX / (right - left))
    assert font_size(svg) * scale >= 12


def test_the_pdf_chart_keeps_its_labels_in_the_view_box():
    chart = charts.hbar_chart(LONG, label="Heures", unit=" %")
    svg = svg_of(chart, "dla/_pdf_hbar_chart.html")
    assert_inside(svg, font_size(svg))


def test_an_envelope_is_drawn_apart_and_the_bars_keep_their_proportions():
    chart = charts.hbar_chart(
        [("Enveloppe", 1000), ("Voté", 500), ("Proposé", 250)],
        label="Montants",
        reference_first=True,
    )
    widths = [bar["width"] for bar in chart["bars"]]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.2)
    assert widths[0] == pytest.approx(4 * widths[2], abs=0.2)
    assert [bar["reference"] for bar in chart["bars"]] == [True, False, False]


def test_vertical_bar_captions_do_not_overlap_and_stay_inside():
    points = [(year, year - 2010) for year in range(2011, 2027)]
    chart = charts.bar_chart(points, label="ETP en insertion par année")
    assert chart["width"] >= 320
    spans = []
    for bar in chart["bars"]:
        width = measure(str(bar["caption"]), chart.get("font_size", OLD_SIZE))
        spans.append((bar["text_x"] - width / 2, bar["text_x"] + width / 2))
    assert spans[0][0] >= 0 and spans[-1][1] <= chart["width"]
    assert all(end < start for (_, end), (start, _) in itertools.pairwise(spans))
