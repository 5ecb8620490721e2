"""Draws the Teams app icons (a drop over a ripple); run it after changing the drawing."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
TEAL = (44, 95, 110)  # the Slack app's background colour, #2c5f6e
SCALE = 8  # draw large, then shrink: smooth edges without a vector library


def _drop(size: int, cx: float, cy: float, r: float, apex: float) -> list[tuple[float, float]]:
    """A drop: a circle of radius r at (cx, cy) and the two tangents meeting at (cx, apex)."""
    s = size * SCALE
    theta = math.acos(r / (cy - apex))  # angle at the centre between the apex and a tangent point
    steps = 90
    arc = [theta + (2 * math.pi - 2 * theta) * i / steps for i in range(steps + 1)]
    points = [(cx, apex)] + [(cx + r * math.sin(a), cy - r * math.cos(a)) for a in arc]
    return [(x * s, y * s) for x, y in points]


def _ripple(
    draw: ImageDraw.ImageDraw, size: int, width: float, fill: int | tuple[int, ...]
) -> None:
    """An open ellipse under the drop, like the surface of a well."""
    s = size * SCALE
    box = (0.24 * s, 0.74 * s, 0.76 * s, 0.90 * s)
    draw.arc(box, start=20, end=160, fill=fill, width=round(width * s))


def _shrink(image: Image.Image, size: int) -> Image.Image:
    return image.resize((size, size), Image.Resampling.LANCZOS)


def color_icon() -> Image.Image:
    """192x192, full colour: a white drop and ripple on calm teal."""
    size = 192
    big = Image.new("RGB", (size * SCALE, size * SCALE), TEAL)
    draw = ImageDraw.Draw(big)
    draw.polygon(_drop(size, 0.5, 0.56, 0.17, 0.16), fill=(255, 255, 255))
    _ripple(draw, size, 0.028, (255, 255, 255))
    return _shrink(big, size)


def outline_icon() -> Image.Image:
    """32x32: the same mark in white on transparent, as Teams asks of an outline icon."""
    size = 32
    mask = Image.new("L", (size * SCALE, size * SCALE), 0)
    draw = ImageDraw.Draw(mask)
    draw.polygon(_drop(size, 0.5, 0.53, 0.21, 0.08), fill=255)
    _ripple(draw, size, 0.07, 255)
    # Every pixel stays pure white; only its opacity varies along the edges.
    icon = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    icon.putalpha(_shrink(mask, size))
    return icon


def main() -> None:
    color_icon().save(HERE / "color.png", optimize=True)
    outline_icon().save(HERE / "outline.png", optimize=True)


if __name__ == "__main__":
    main()
