"""Weekly trend charts drawn straight to PNG with Pillow.

A stacked bar per week, one calm colour per level, hidden weeks outlined and labelled. Pillow
draws such a chart in milliseconds and with a few megabytes, where a plotting library costs a
second of import and tens of megabytes that would stay in the bot's memory for good.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Pillow is imported at the first chart: most processes never draw one
    from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 800, 400
# The plot area: room for the title above, the week labels below, the legend on the right.
LEFT, TOP, RIGHT, BOTTOM = 78, 52, 610, 360
BAR_WIDTH = 0.7  # of each week's slot
MARGIN = 8  # kept free at the picture's right edge
LINE_HEIGHT, LEGEND_GAP = 15, 9  # a legend label's lines, and the space between labels
TITLE_COLOUR, TEXT_COLOUR, AXIS_COLOUR = "#262626", "#4d4d4d", "#bfbfbf"
HIDDEN_EDGE = "#8c8c8c"
# ColorBrewer's YlGnBu, light to dark: calm, and readable for colour-blind people.
PALETTE = ("#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#253494", "#081d58")


@dataclass(frozen=True)
class WeekBar:
    """One week's bar: shares per level (early..beyond), or None when hidden."""

    label: str
    shares: tuple[float, ...] | None


def level_colours(count: int) -> list[str]:
    """`count` colours from light to dark, spread over the palette."""
    if count <= 1:
        return list(PALETTE[:count])
    last = len(PALETTE) - 1
    return [PALETTE[round(i * last / (count - 1))] for i in range(count)]


def render_weekly_trend(
    title: str,
    weeks: Sequence[WeekBar],
    level_labels: Sequence[str],
    hidden_label: str,
    y_label: str,
) -> bytes:
    """PNG bytes (800 x 400): one stacked bar per week (shares per level), hidden weeks marked.

    Shows no numbers finer than given; raises ValueError if a week's shares do not match
    `level_labels` in length. Safe to call from several threads at once.
    """
    for week in weeks:
        if week.shares is not None and len(week.shares) != len(level_labels):
            raise ValueError(
                f"{week.label}: {len(week.shares)} shares for {len(level_labels)} levels"
            )
    from PIL import Image, ImageDraw
    from PIL.PngImagePlugin import PngInfo

    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    colours = level_colours(len(level_labels))
    draw.text((LEFT, 16), title, fill=TITLE_COLOUR, font=_font(17))
    _axes(image, draw, y_label)
    slot = (RIGHT - LEFT) / max(len(weeks), 1)
    for index, week in enumerate(weeks):
        left = LEFT + slot * (index + (1 - BAR_WIDTH) / 2)
        right = left + slot * BAR_WIDTH
        centre = (left + right) / 2
        draw.text((centre, BOTTOM + 8), week.label, fill=TEXT_COLOUR, font=_font(11), anchor="mt")
        if week.shares is None:
            _hidden(image, draw, (left, right), hidden_label)
            continue
        below = 0.0
        for share, colour in zip(week.shares, colours, strict=True):
            if share > 0:
                box = (left, _y(below + share), right, _y(below))
                draw.rectangle(box, fill=colour, outline="white")
            below += share
    _legend(draw, level_labels, colours)
    buffer = io.BytesIO()
    info = PngInfo()
    # The title also goes in the PNG's text chunk: what a screen reader or a file list can show.
    info.add_text("Title", title)
    image.save(buffer, format="PNG", pnginfo=info, optimize=False)
    return buffer.getvalue()


def _y(share: float) -> float:
    return BOTTOM - share * (BOTTOM - TOP)


def _axes(image: Image.Image, draw: ImageDraw.ImageDraw, y_label: str) -> None:
    """The left axis with 0-100% in quarters, a base line, and the axis's name upright."""
    draw.line((LEFT, TOP, LEFT, BOTTOM), fill=AXIS_COLOUR)
    draw.line((LEFT, BOTTOM, RIGHT, BOTTOM), fill=AXIS_COLOUR)
    for quarter in range(5):
        y = _y(quarter / 4)
        draw.line((LEFT - 4, y, LEFT, y), fill=AXIS_COLOUR)
        label = f"{quarter * 25}%"
        draw.text((LEFT - 8, y), label, fill=TEXT_COLOUR, font=_font(11), anchor="rm")
    _upright(image, y_label, (18, (TOP + BOTTOM) / 2), 12)


def _hidden(
    image: Image.Image, draw: ImageDraw.ImageDraw, span: tuple[float, float], label: str
) -> None:
    """A dashed outline the height of the plot, with the reason written upright in it."""
    left, right = span
    for start in range(int(TOP), int(BOTTOM), 8):
        end = min(start + 4, BOTTOM)
        draw.line((left, start, left, end), fill=HIDDEN_EDGE)
        draw.line((right, start, right, end), fill=HIDDEN_EDGE)
    for across in range(int(left), int(right), 8):
        stop = min(across + 4, right)
        draw.line((across, TOP, stop, TOP), fill=HIDDEN_EDGE)
    _upright(image, label, ((left + right) / 2, (TOP + BOTTOM) / 2), 10)


def _upright(image: Image.Image, text: str, centre: tuple[float, float], size: int) -> None:
    """`text` turned a quarter anticlockwise, centred on `centre`."""
    from PIL import Image, ImageDraw

    font = _font(size)
    left, top, right, bottom = (round(edge) for edge in font.getbbox(text))
    strip = Image.new("RGBA", (max(right - left, 1), max(bottom - top, 1)), (255, 255, 255, 0))
    ImageDraw.Draw(strip).text((-left, -top), text, fill=TEXT_COLOUR, font=font)
    turned = strip.rotate(90, expand=True)
    x, y = round(centre[0] - turned.width / 2), round(centre[1] - turned.height / 2)
    image.paste(turned, (x, y), turned)


def _legend(draw: ImageDraw.ImageDraw, labels: Sequence[str], colours: Sequence[str]) -> None:
    """The darkest level on top, as in the stack; each label wrapped to fit the picture."""
    font, x, y = _font(12), RIGHT + 24, TOP
    room = WIDTH - MARGIN - (x + 22)
    for label, colour in reversed(list(zip(labels, colours, strict=True))):
        draw.rectangle((x, y + 2, x + 14, y + 16), fill=colour)
        for line in _wrapped(label, font, room):
            draw.text((x + 22, y + 9), line, fill=TEXT_COLOUR, font=font, anchor="lm")
            y += LINE_HEIGHT
        y += LEGEND_GAP


def _wrapped(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, room: int) -> list[str]:
    """`text` in lines no wider than `room` pixels, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's own scalable font at `size` pixels (no system fonts needed)."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)
