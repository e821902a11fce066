"""The server-rendered SVG charts (iae_portal/charts.py and their templates): every label is
drawn inside the view box, whatever its length, in a size a person reads at 1280 px and at
390 px."""

import itertools
import math
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
FONT = charts.FONT_SIZE
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


# -- The radar chart (the DTS grid's axes) ---------------------------------------------------

RADAR_AXES = [
    ("activite", "Création d'activités"),
    ("parcours", "Sécurisation des parcours"),
    ("territoire", "Animation du territoire"),
    ("cooperation", "Coopération"),
    ("co_construction", "Co-construction"),
    ("transversalite", "Transversalité"),
    ("decloisonnement", "Décloisonnement"),
    ("vision_strategique", "Vision stratégique"),
    ("prospective", "Prospective"),
    ("representation", "Représentation des salariés"),
    ("participation", "Participation des salariés"),
    ("economie_plurielle", "Économie plurielle"),
    ("solidarite_sociale", "Solidarité sociale"),
    ("environnement", "Respect de l'environnement"),
    ("gouvernance_participative", "Gouvernance participative"),
]


def radar(series=None, label="Auto-évaluation DTS 2024"):
    codes = [code for code, _ in RADAR_AXES]
    series = series or [
        {"name": "2024", "values": {code: 3 if n == 0 else 1.3 for n, code in enumerate(codes)}},
        {"name": "2023", "values": dict.fromkeys(codes, 2)},
        {"name": "Médiane des ACI du 71", "values": dict.fromkeys(codes, 1), "reference": True},
    ]
    return charts.radar_chart(RADAR_AXES, series, label=label)


def radar_svgs(chart):
    html = render_to_string("utilite/_radar.html", {"chart": chart, "chart_id": "r"})
    found = re.findall(r'<svg class="radar-(\w+)".*?</svg>', html, re.S)
    svgs = [
        ET.fromstring(m.group(0))
        for m in re.finditer(r'<svg class="radar-\w+".*?</svg>', html, re.S)
    ]
    return html, dict(zip(found, svgs, strict=True))


def points(polygon):
    return [tuple(map(float, pair.split(","))) for pair in polygon.get("points").split()]


def test_a_score_of_3_lies_on_the_outer_ring_and_0_at_the_centre():
    chart = radar()
    for name in ("wide", "compact"):
        layout = chart[name]
        cx, cy, radius = layout["cx"], layout["cy"], layout["radius"]
        first = [tuple(map(float, p.split(","))) for p in layout["series"][0]["points"].split()]
        # The first axis, scored 3, points straight up on the outer ring.
        assert first[0] == pytest.approx((cx, cy - radius), abs=0.1)
        assert math.dist(first[0], (cx, cy)) == pytest.approx(radius, abs=0.1)
        outer = [tuple(map(float, p.split(","))) for p in layout["rings"][-1]["points"].split()]
        assert all(math.dist(p, (cx, cy)) == pytest.approx(radius, abs=0.1) for p in outer)
        # 1,3 of 3 lies at 1,3 / 3 of the radius.
        assert math.dist(first[1], (cx, cy)) == pytest.approx(radius * 1.3 / 3, abs=0.1)
    zero = radar([{"name": "2024", "values": dict.fromkeys([c for c, _ in RADAR_AXES], 0)}])
    centre = (zero["wide"]["cx"], zero["wide"]["cy"])
    assert all(
        math.dist(tuple(map(float, p.split(","))), centre) < 0.1
        for p in zero["wide"]["series"][0]["points"].split()
    )


def test_the_radar_draws_a_polygon_per_series_told_apart_without_colour():
    chart = radar()
    html, svgs = radar_svgs(chart)
    assert set(svgs) == {"wide", "compact"}
    for svg in svgs.values():
        groups = [g for g in elements(svg, "g") if "radar-series" in g.get("class", "")]
        assert len(groups) == 3
        polygons = [elements(g, "polygon")[0] for g in groups]
        dashes = [p.get("stroke-dasharray") for p in polygons]
        # Solid, dashed, dash-dotted: three different patterns.
        assert len(set(dashes)) == 3
        # Rings 1, 2, 3 and their labels 0 to 3.
        assert [t for *_, t in texts(svg) if t in "0123"][:4] == ["0", "1", "2", "3"]
    # The legend names each series with its pattern; the table gives every value.
    legend = re.search(r'<ul class="radar-legend".*?</ul>', html, re.S).group(0)
    assert legend.count("<li ") == 3 and "Médiane des ACI du 71" in legend
    assert legend.count("stroke-dasharray") == 2  # the first is solid
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    assert table.count("<tr>") == 1 + len(RADAR_AXES)
    assert '<td class="num">3,0</td><td class="num">2,0</td><td class="num">1,0</td>' in table
    assert "1,3" in table
    assert 'role="img"' in html and "<title" in html


def test_the_radar_labels_are_whole_inside_the_view_box_and_do_not_overlap():
    _, svgs = radar_svgs(radar())
    wide = svgs["wide"]
    drawn = assert_inside(wide, font_size(wide))
    words = " ".join(text for *_, text in drawn).split()
    for _, label in RADAR_AXES:
        for word in label.split():
            assert word in words, word
    # Each axis's label box apart from the others'.
    boxes = []
    for text in elements(wide, "text"):
        spans = elements(text, "tspan")
        if not spans:
            continue
        anchor = text.get("text-anchor", "start")
        for span in spans:
            x, y = float(span.get("x")), float(span.get("y"))
            width = measure(span.text, FONT)
            left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            boxes.append((left, y - FONT, left + width, y + FONT * 0.25, text))
    for a, b in itertools.combinations(boxes, 2):
        if a[4] is b[4]:
            continue
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a[:4], b[:4])
    # The compact layout (the axes' numbers) fits a phone at its own size: 14 px text.
    compact = svgs["compact"]
    assert_inside(compact, font_size(compact))
    left, _, right, _ = box(compact)
    assert right - left <= PHONE_BOX
    assert [t for *_, t in texts(compact) if t.isdigit() and int(t) > 3][-1] == "15"


def test_the_radar_escapes_its_texts():
    series = [{"name": "<b>2024</b>", "values": {"activite": 2}}]
    chart = charts.radar_chart(
        [("activite", "Axe <script>alert(1)</script> & co")], series, label='Radar "<i>"'
    )
    html = render_to_string("utilite/_radar.html", {"chart": chart, "chart_id": "r"})
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;2024&lt;/b&gt;" in html
    assert "&amp; co" in html


def test_a_missing_value_is_left_out_of_its_polygon_and_shown_as_a_dash():
    codes = [c for c, _ in RADAR_AXES]
    values = dict.fromkeys(codes, 2)
    values["prospective"] = None
    chart = radar([{"name": "2024", "values": values}])
    assert len(chart["wide"]["series"][0]["points"].split()) == len(codes) - 1
    row = next(r for r in chart["rows"] if r["code"] == "prospective")
    assert row["values"] == ["—"]
