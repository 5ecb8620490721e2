"""The chart's colours against its white background, by WCAG 2.2's contrast formula, are the
figures docs/accessibility.md publishes: the statement can't drift from the chart."""

import re
from pathlib import Path

import pytest

from bot.domain.pulses import LEVELS
from bot.outgoing import charts

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\| (?P<part>[^|]+?) \| `(?P<colour>#[0-9a-f]{6})` \| (?P<ratio>[\d.]+):1 "
                 r"\| (?P<needs>[\d.]+):1 \| (?P<meets>yes|no) \|$", re.M)  # fmt: skip


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of an sRGB colour written #rrggbb."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _published() -> dict[str, re.Match[str]]:
    return {m["part"]: m for m in ROW.finditer((ROOT / "docs" / "accessibility.md").read_text())}


def test_the_formula_gives_wcags_own_reference_points() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the AA text edge


def test_every_colour_the_chart_draws_is_in_the_statement_with_its_true_ratio() -> None:
    published = _published()
    drawn = {
        "title": charts.TITLE_COLOUR,
        "labels and legend text": charts.TEXT_COLOUR,
        "axis lines": charts.AXIS_COLOUR,
        "outline of a hidden week": charts.HIDDEN_EDGE,
    }
    levels = charts.level_colours(len(LEVELS))
    for index, (level, colour) in enumerate(zip(LEVELS, levels, strict=True), start=1):
        drawn[f"level {index} of {len(LEVELS)} ({level.value})"] = colour
    assert set(published) == set(drawn)
    for part, colour in drawn.items():
        row = published[part]
        assert row["colour"] == colour, part
        ratio = contrast(colour, "#ffffff")  # the chart's background
        assert float(row["ratio"]) == pytest.approx(ratio, abs=0.005), part
        assert row["meets"] == ("yes" if ratio >= float(row["needs"]) else "no"), part


def test_text_meets_aa_and_the_darker_half_of_the_levels_meets_the_graphics_minimum() -> None:
    for colour in (charts.TITLE_COLOUR, charts.TEXT_COLOUR):
        assert contrast(colour, "#ffffff") >= 4.5
    assert contrast(charts.HIDDEN_EDGE, "#ffffff") >= 3
    levels = charts.level_colours(len(LEVELS))
    assert all(contrast(colour, "#ffffff") >= 3 for colour in levels[len(levels) // 2 :])
