"""Tests for the weekly trend chart renderer."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image, ImageColor

from bot.outgoing.charts import (
    BOTTOM,
    LEFT,
    RIGHT,
    TOP,
    WeekBar,
    level_colours,
    render_weekly_trend,
)

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEVELS = ("Early", "Building", "Heavy", "Beyond")


def render(weeks: list[WeekBar]) -> bytes:
    return render_weekly_trend(
        "Team pulse", weeks, LEVELS, "not enough answers", "Share of answers"
    )


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_a_mix_of_weeks_renders_as_an_800_by_400_png() -> None:
    weeks = [
        WeekBar("W45", (0.5, 0.25, 0.15, 0.1)),
        WeekBar("W46", None),
        WeekBar("W47", (0.25, 0.25, 0.25, 0.25)),
    ]
    assert png_size(render(weeks)) == (800, 400)


def test_all_hidden_weeks_still_render_a_valid_png() -> None:
    assert png_size(render([WeekBar("W46", None), WeekBar("W47", None)])) == (800, 400)


def test_no_weeks_at_all_still_renders_a_valid_png() -> None:
    assert png_size(render([])) == (800, 400)


@pytest.mark.parametrize("shares", [(0.5, 0.5), (0.2, 0.2, 0.2, 0.2, 0.2), ()])
def test_shares_that_do_not_match_the_levels_are_rejected(shares: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="W47"):
        render([WeekBar("W46", None), WeekBar("W47", shares)])


def test_charts_can_be_rendered_from_several_threads_at_once() -> None:
    weeks = [WeekBar(f"W{n}", (0.4, 0.3, 0.2, 0.1)) for n in range(40, 48)]
    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(render, [weeks] * 8))
    assert all(png_size(png) == (800, 400) for png in pngs)


def test_the_title_is_in_the_png_for_screen_readers_and_file_lists() -> None:
    png = render([WeekBar("W47", (0.4, 0.3, 0.2, 0.1))])
    with Image.open(io.BytesIO(png)) as image:
        assert image.text["Title"] == "Team pulse"


def test_each_level_is_drawn_in_its_own_colour_in_proportion() -> None:
    """A week of one level only is all that level's colour; a hidden week is no colour."""
    png = render([WeekBar("W46", None), WeekBar("W47", (0.0, 0.0, 0.0, 1.0))])
    darkest = ImageColor.getrgb(level_colours(len(LEVELS))[-1])
    with Image.open(io.BytesIO(png)) as image:
        rgb = image.convert("RGB")
        hidden_x, shown_x = LEFT + (RIGHT - LEFT) // 4, LEFT + 3 * (RIGHT - LEFT) // 4
        middle = (TOP + BOTTOM) // 2
        assert rgb.getpixel((shown_x, middle)) == darkest
        assert rgb.getpixel((shown_x, TOP + 3)) == darkest
        assert rgb.getpixel((hidden_x, TOP + 20)) == (255, 255, 255)


def test_drawing_a_chart_imports_no_plotting_library() -> None:
    """Nothing heavy enters the bot's memory for a chart (it stays up for months)."""
    script = (
        "import sys\n"
        "from bot.outgoing.charts import WeekBar, render_weekly_trend\n"
        "png = render_weekly_trend('T', [WeekBar('W1', (0.5, 0.5))], ('a', 'b'), 'h', 'y')\n"
        "print(png[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'matplotlib' in sys.modules)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert ran.stdout.split() == ["True", "False"]


def test_the_legend_with_the_words_people_clicked_is_not_cut_off_at_the_edge() -> None:
    """The real labels are long ("Past empty, nothing left to give"): they wrap, and nothing
    is drawn in the picture's right margin or runs into the next label."""
    from prompts import load_catalog

    catalog = load_catalog()
    labels = [catalog.text(f"checkin.levels.{level}.label") for level in LEVEL_KEYS]
    png = render_weekly_trend(
        "Team pulse", [WeekBar("W45", (0.4, 0.3, 0.2, 0.1))], labels, "hidden", "Share"
    )
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    edge = {image.getpixel((x, y)) for x in range(width - 4, width) for y in range(height)}
    assert edge == {(255, 255, 255)}, "a legend label reaches the picture's edge"


LEVEL_KEYS = ("early", "middle", "late", "beyond")
