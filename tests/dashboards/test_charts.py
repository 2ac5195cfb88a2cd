"""Server-rendered SVG charts (apps/dashboards/charts.py): geometry without a database, and each
chart template rendered in both languages with its data-table fallback."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from apps.dashboards import charts
from apps.dashboards.charts import PAD, SCORE_BINS, WIDTH

D = Decimal
LEFT, RIGHT = PAD, WIDTH - PAD
PLOT_WIDTH = RIGHT - LEFT


def render(spec, heading=None) -> str:
    tag = "{% chart spec %}" if heading is None else f'{{% chart spec heading="{heading}" %}}'
    return Template("{% load charts %}" + tag).render(Context({"spec": spec}))


def table_row(spec, label):
    return next(row for row in spec.table_rows if row[0] == label)


# --- bar ----------------------------------------------------------------------------------------


def test_bar_lengths_are_proportional_and_the_longest_fills_the_width():
    spec = charts.bar("Sales", [("A", D(100), None), ("B", D(50), None), ("C", D(25), None)])
    a, b, c = spec.bars
    assert a.x == b.x == c.x == LEFT
    assert a.width == pytest.approx(PLOT_WIDTH)
    assert b.width == pytest.approx(PLOT_WIDTH / 2)
    assert c.width == pytest.approx(PLOT_WIDTH / 4)
    assert spec.table_rows == [["A", "¥100.00"], ["B", "¥50.00"], ["C", "¥25.00"]]


def test_bar_zero_is_an_empty_bar_and_none_is_missing():
    spec = charts.bar("Sales", [("A", D(80), None), ("Zero", D(0), None), ("None", None, None)])
    _a, zero, missing = spec.bars
    assert (zero.width, zero.missing) == (0, False)
    assert zero.value_text == "¥0.00"
    assert missing.missing and missing.width == 0
    assert missing.value_text == "—"
    html = render(spec)
    assert html.count('class="bar"') == 2  # no bar drawn for the missing value
    assert "None: No data" in html


def test_bar_negative_value_grows_left_of_the_zero_line():
    spec = charts.bar("Margin", [("Up", D(100), None), ("Down", D(-50), None)])
    up, down = spec.bars
    zero = LEFT + PLOT_WIDTH / 3  # the scale runs from -50 to 100
    assert spec.has_negative
    assert spec.baseline == pytest.approx(zero, abs=0.01)
    assert down.negative and not up.negative
    assert down.x == pytest.approx(LEFT)
    assert down.width == pytest.approx(PLOT_WIDTH / 3, abs=0.01)
    assert up.x == pytest.approx(zero, abs=0.01)
    assert up.width == pytest.approx(PLOT_WIDTH * 2 / 3, abs=0.01)
    assert "bar bar-negative" in render(spec)


def test_bar_all_values_none_or_no_items_is_empty():
    for items in ([], [("A", None, None), ("B", None, "/b/")]):
        spec = charts.bar("Sales", items)
        assert spec.empty
        html = render(spec)
        assert "No data to show yet." in html
        assert "<svg" not in html


def test_bar_reference_line_sits_at_its_value():
    spec = charts.bar("Collection", [("A", D(80), None), ("B", D(40), None)], "percent", D(60))
    assert spec.reference.x == pytest.approx(LEFT + PLOT_WIDTH * 0.75)
    assert spec.reference.value_text == "60.0%"
    assert table_row(spec, "Reference") == ["Reference", "60.0%"]


def test_bar_reference_above_every_value_widens_the_scale():
    spec = charts.bar("Sales", [("A", D(50), None)], reference=("Target", D(200)))
    assert spec.reference.x == pytest.approx(RIGHT)
    assert spec.reference.anchor == "end"
    assert spec.bars[0].width == pytest.approx(PLOT_WIDTH / 4)
    assert "Target: ¥200.00" in render(spec)


def test_bar_description_names_highest_and_lowest_or_says_all_are_equal():
    spec = charts.bar("Sales", [("A", D(5), None), ("B", D(9), None), ("C", None, None)])
    assert spec.description == "Highest: B (¥9.00); lowest: A (¥5.00)."
    same = charts.bar("Rate", [("A", D(0), None), ("B", D(0), None)], "percent")
    assert same.description == "All at 0.0%."
    assert f'id="{same.description_id}">All at 0.0%.</figcaption>' in render(same)


def test_bar_links_to_the_url_when_given():
    spec = charts.bar("Sales", [("A", D(1), "/people/1/"), ("B", D(2), None)])
    html = render(spec)
    assert html.count("<a ") == 1
    assert 'href="/people/1/"' in html


def test_bar_long_label_is_ellipsised_with_the_full_name_as_tooltip():
    name = "王小明" * 20
    spec = charts.bar("Sales", [(name, D(1), None)])
    assert spec.bars[0].short_label.endswith("…")
    assert len(spec.bars[0].short_label) < len(name)
    assert f"<title>{name}: ¥1.00</title>" in render(spec)


def test_ellipsize_counts_chinese_characters_double():
    assert charts.ellipsize("王小明销售代表", 8) == "王小明…"
    assert charts.ellipsize("Alice Wong", 8) == "Alice W…"
    assert charts.ellipsize("Alice", 8) == "Alice"


def test_labels_with_markup_characters_are_escaped_in_the_svg():
    spec = charts.bar("Sales <&>", [("<script>x</script> & Co", D(5), None)])
    html = render(spec)
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Co" in html
    assert "<script>" not in html
    assert "Sales &lt;&amp;&gt;" in html


def test_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unit"):
        charts.bar("Sales", [("A", D(1), None)], unit="euros")


# --- line ---------------------------------------------------------------------------------------


def test_line_breaks_at_none_and_marks_every_known_point():
    spec = charts.line(
        "Sales",
        ["Jan", "Feb", "Mar", "Apr", "May"],
        [("Sales", [D(10), D(20), None, D(30), None]), ("Target", [D(25)] * 5)],
    )
    sales, target = spec.series
    assert len(sales.points) == 3
    assert len(sales.segments) == 1  # Jan–Feb; Apr stands alone as a marker
    assert len(sales.segments[0].split()) == 2
    assert len(target.segments) == 1 and len(target.segments[0].split()) == 5
    assert sales.points[1].y < sales.points[0].y  # higher value, higher on the chart
    assert [css for css, _name in spec.legend] == ["series-0", "series-1"]
    assert spec.table_rows[2] == ["Mar", "—", "¥25.00"]


def test_line_value_axis_starts_at_zero_and_covers_the_maximum():
    spec = charts.line("Sales", ["Jan", "Feb"], [("Sales", [D(120), D(370)])], "number")
    ticks = [t.value_text for t in spec.ticks]
    assert ticks[0] == "0"
    assert ticks[-1] == "400"
    top_y = spec.ticks[-1].position
    assert min(p.y for p in spec.series[0].points) >= top_y


def test_line_without_any_value_is_empty():
    spec = charts.line("Sales", ["Jan", "Feb"], [("Sales", [None, None])])
    assert spec.empty
    assert "<svg" not in render(spec)


def test_line_thins_out_crowded_period_labels():
    labels = [f"2026-{m:02d}" for m in range(1, 13)]
    spec = charts.line("Sales", labels, [("Sales", [D(m) for m in range(12)])])
    assert 2 <= len(spec.x_labels) < 12
    assert spec.x_labels[0].value_text == "2026-01"
    assert len(spec.table_rows) == 12  # the table keeps every period


# --- histogram ----------------------------------------------------------------------------------


def test_histogram_bin_edges():
    values = [D("59.99"), D(60), D("69.99"), D(70), D("89.99"), D(90), D(100), D(0)]
    spec = charts.histogram("Scores", values, SCORE_BINS, "score")
    assert [row[0] for row in spec.table_rows] == ["< 60", "60–69", "70–79", "80–89", "≥ 90"]
    assert [row[1] for row in spec.table_rows] == ["2", "2", "1", "1", "2"]


def test_histogram_counts_none_as_no_data_not_as_a_bar():
    spec = charts.histogram("Scores", [D(85), None, None, D(95)])
    assert spec.table_rows[-1] == ["No data", "2"]
    assert sum(int(bar.value_text) for bar in spec.bars) == 2
    assert len(spec.bars) == len(SCORE_BINS)


def test_histogram_tallest_bar_fills_the_plot_height():
    spec = charts.histogram("Scores", [D(85), D(86), D(95)])
    good, top = spec.bars[3], spec.bars[4]
    assert good.height == pytest.approx(spec.plot_height)
    assert top.height == pytest.approx(spec.plot_height / 2)
    assert spec.bars[0].height == 0


def test_histogram_of_only_missing_values_is_empty():
    assert charts.histogram("Scores", [None, None]).empty
    assert charts.histogram("Scores", []).empty


# --- heatmap ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (None, "band-none"),
        (D(0), "band-low"),
        (D("59.99"), "band-low"),
        (D(60), "band-mid"),
        (D("79.99"), "band-mid"),
        (D(80), "band-good"),
        (D("89.99"), "band-good"),
        (D(90), "band-top"),
        (D(100), "band-top"),
    ],
)
def test_heatmap_band_of_a_score(score, band):
    assert charts.band(score) == band


def test_heatmap_cells_carry_band_and_printed_score():
    spec = charts.heatmap(
        "Scores",
        rows=[("Alice", "/a/"), ("Bob", None)],
        columns=["Sales", "Growth"],
        cells=[[D("59.99"), D(90)], [None]],  # Bob's row is short: the gap reads "no data"
    )
    alice, bob = spec.rows
    assert [c.band for c in alice.cells] == ["band-low", "band-top"]
    assert [c.value_text for c in alice.cells] == ["60.0", "90.0"]
    assert [c.band for c in bob.cells] == ["band-none", "band-none"]
    assert spec.table_rows == [["Alice", "60.0", "90.0"], ["Bob", "—", "—"]]
    html = render(spec)
    assert 'class="heat-cell band-low"' in html
    assert ">90.0</text>" in html
    assert 'href="/a/"' in html


def test_heatmap_fits_a_phone_with_few_columns_and_scrolls_with_many():
    few = charts.heatmap("S", [("A", None)], ["Sales", "Growth", "Retention"], [[D(1)] * 3])
    assert not few.scroll and few.width == WIDTH
    many = charts.heatmap("S", [("A", None)], [f"M{i}" for i in range(12)], [[D(1)] * 12])
    assert many.scroll and many.width > WIDTH
    assert f'width="{many.width}"' in render(many)


# --- funnel -------------------------------------------------------------------------------------


def test_funnel_conversion_from_previous_and_first_stage():
    spec = charts.funnel("Pipeline", [("Leads", 200), ("Qualified", 50), ("Won", 10)])
    assert spec.table_rows == [
        ["Leads", "200", "—", "—"],
        ["Qualified", "50", "25.0%", "25.0%"],
        ["Won", "10", "20.0%", "5.0%"],
    ]
    assert spec.bars[2].note == "20.0% of previous · 5.0% of first"


def test_funnel_bars_shrink_and_stay_centred():
    spec = charts.funnel("Pipeline", [("Leads", 200), ("Qualified", 50)])
    leads, qualified = spec.bars
    assert leads.width == pytest.approx(PLOT_WIDTH)
    assert qualified.width == pytest.approx(PLOT_WIDTH / 4)
    assert leads.center == pytest.approx(qualified.center)


def test_funnel_after_an_empty_stage_has_no_conversion():
    spec = charts.funnel("Pipeline", [("Leads", 5), ("Qualified", 0), ("Won", 0)])
    assert spec.table_rows[2] == ["Won", "0", "—", "0.0%"]
    assert charts.funnel("Pipeline", [("Leads", 0), ("Won", 0)]).empty
    assert charts.funnel("Pipeline", []).empty


# --- templates in both languages ----------------------------------------------------------------


def all_charts():
    return [
        charts.bar("Sales", [("Alice", D("1234"), "/a/"), ("Bob", D(800), None)], "money"),
        charts.bar("Collection rate", [("Alice", D("85.23"), None)], "percent", D(90)),
        charts.line(
            "Collection rate", ["2026-10", "2026-11"], [("Alice", [D("85.2"), None])], "percent"
        ),
        charts.histogram("Scores", [D("85.2"), D(60), None]),
        charts.heatmap("Scores", [("Alice", "/a/")], ["Sales"], [[D("85.23")]]),
        charts.funnel("Leads", [("Leads", 1234), ("Won", 100)]),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_chart_renders_svg_and_data_table(language):
    with translation.override(language):
        for spec in all_charts():
            html = render(spec)
            assert '<figure class="chart' in html, spec.template
            assert f'<svg class="chart-svg" viewBox="0 0 {spec.width} {spec.height}"' in html
            assert 'role="img"' in html
            assert f'aria-labelledby="{spec.title_id}"' in html
            assert f'<title id="{spec.title_id}">{spec.title}</title>' in html
            assert f'id="{spec.description_id}"' in html
            assert '<details class="chart-data">' in html and "<table" in html
            assert html.count("<tr>") == len(spec.table_rows) + 1


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_numbers_are_formatted_for_readers(language):
    with translation.override(language):
        bar, rate, line, histogram, heatmap, funnel = (render(s) for s in all_charts())
    assert "¥1,234.00" in bar
    assert "85.2%" in rate and "90.0%" in rate
    assert "85.2%" in line
    assert "85.2" in heatmap
    assert "1,234" in funnel and "8.1%" in funnel
    assert ">1</td>" in histogram


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_geometry_is_not_localised():
    wide = charts.heatmap("S", [("A", None)], [f"M{i}" for i in range(30)], [[D(1)] * 30])
    assert wide.width > 1000
    with translation.override("zh-hans"):
        html = render(wide)
    assert re.search(r'viewBox="0 0 \d{4}(\.\d+)? ', html)
    for attribute in re.findall(r'\s(?:x|y|width|height)="([^"]*)"', html):
        assert re.fullmatch(r"-?\d+(\.\d+)?", attribute), attribute


def test_rendered_charts_have_no_inline_script_or_style():
    html = "".join(render(spec) for spec in all_charts())
    assert not re.search(r"<script|<style|\sstyle\s*=|\son[a-z]+\s*=", html, re.I)


def test_every_chart_on_a_page_has_its_own_ids():
    first, second = charts.bar("A", [("a", D(1), None)]), charts.bar("A", [("a", D(1), None)])
    assert first.id != second.id


def test_chart_tag_renders_the_specs_template_and_nothing_for_none():
    spec = charts.funnel("Leads", [("Leads", 3)])
    assert render(spec) == render_to_string(spec.template, {"spec": spec, "heading": "h3"})
    assert render(None) == ""


def test_chart_title_is_shown_as_a_heading_unless_switched_off():
    spec = charts.histogram("Collection rate", [D(70)])
    assert '<h3 class="chart-title">Collection rate</h3>' in render(spec)
    assert '<h4 class="chart-title">Collection rate</h4>' in render(spec, heading="h4")
    assert "chart-title" not in render(spec, heading="")
    empty = charts.histogram("Growth", [])
    assert '<h3 class="chart-title">Growth</h3>' in render(empty)
    assert '<figcaption class="visually-hidden">Growth</figcaption>' in render(empty, heading="")
    with pytest.raises(TemplateSyntaxError, match="heading"):
        render(spec, heading="script")


def test_charts_are_drawn_narrow_enough_for_a_phone():
    for spec in all_charts():
        assert spec.width <= 360
