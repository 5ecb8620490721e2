"""Weekly trend charts rendered to PNG with matplotlib's object API (no pyplot).

Each chart is drawn in a short-lived child process (`python -m bot.charts`, the chart's
numbers in as JSON, the PNG out): matplotlib is the largest library Wellspring uses, and
once imported it would stay in the bot's memory for good.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SIZE_INCHES = (8.0, 4.0)
DPI = 100
HIDDEN_EDGE = "#8c8c8c"
TEXT_COLOUR = "#4d4d4d"
HIDDEN_TEXT: dict[str, Any] = dict(
    rotation=90, ha="center", va="center", fontsize=8, color=TEXT_COLOUR
)
# Where `bot` is importable from, for the child process.
PROJECT = Path(__file__).resolve().parent.parent
DRAW_SECONDS = 60


class ChartNotDrawn(RuntimeError):
    """The child process drawing a chart failed."""


@dataclass(frozen=True)
class WeekBar:
    """One week's bar: shares per level (early..beyond), or None when hidden."""

    label: str
    shares: tuple[float, ...] | None


def level_colours(count: int) -> list[tuple[float, float, float, float]]:
    """`count` calm colours from light to dark (YlGnBu, colour-blind friendly)."""
    from matplotlib import colormaps

    cmap = colormaps["YlGnBu"]
    return [cmap(0.3 + 0.65 * i / max(count - 1, 1)) for i in range(count)]


def render_weekly_trend(
    title: str,
    weeks: Sequence[WeekBar],
    level_labels: Sequence[str],
    hidden_label: str,
    y_label: str,
) -> bytes:
    """PNG bytes: one stacked bar per week (shares per level), hidden weeks marked.

    Drawn by a child process; blocks until it is done (call it from a thread). Shows no
    numbers finer than given; raises ValueError if a week's shares do not match
    `level_labels` in length, ChartNotDrawn if the child fails.
    """
    _check(weeks, level_labels)
    spec = {
        "title": title,
        "weeks": [[week.label, week.shares] for week in weeks],
        "level_labels": list(level_labels),
        "hidden_label": hidden_label,
        "y_label": y_label,
    }
    drawn = subprocess.run(
        [sys.executable, "-m", "bot.charts"],
        input=json.dumps(spec).encode(),
        capture_output=True,
        cwd=PROJECT,
        timeout=DRAW_SECONDS,
        check=False,
    )
    if drawn.returncode != 0 or not drawn.stdout:
        raise ChartNotDrawn(f"the chart process exited with {drawn.returncode}")
    return drawn.stdout


def _check(weeks: Sequence[WeekBar], level_labels: Sequence[str]) -> None:
    for week in weeks:
        if week.shares is not None and len(week.shares) != len(level_labels):
            raise ValueError(
                f"{week.label}: {len(week.shares)} shares for {len(level_labels)} levels"
            )


def draw_weekly_trend(
    title: str,
    weeks: Sequence[WeekBar],
    level_labels: Sequence[str],
    hidden_label: str,
    y_label: str,
) -> bytes:
    """The drawing itself, in this process (the child's work)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    _check(weeks, level_labels)
    fig = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)  # attaches itself as fig.canvas
    ax = fig.add_subplot()
    colours = level_colours(len(level_labels))
    xs = range(len(weeks))
    for level, colour in enumerate(colours):
        heights = [w.shares[level] if w.shares is not None else 0.0 for w in weeks]
        bottoms = [sum(w.shares[:level]) if w.shares is not None else 0.0 for w in weeks]
        ax.bar(xs, heights, 0.7, bottoms, color=colour, edgecolor="white")
    for x, week in enumerate(weeks):
        if week.shares is None:
            ax.bar(x, 1.0, 0.7, fill=False, edgecolor=HIDDEN_EDGE, linestyle="--")
            ax.text(x, 0.5, hidden_label, **HIDDEN_TEXT)
    ax.set_xticks(list(xs), [w.label for w in weeks])
    ax.set_xlim(-0.6, max(len(weeks), 1) - 0.4)
    ax.set_ylim(0.0, 1.0)
    ax.set_yticks([0.0, 0.25, 0.5, 0.75, 1.0])
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_ylabel(y_label, color=TEXT_COLOUR)
    ax.set_title(title, loc="left", fontsize=12, color="#262626", pad=12)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(colors=TEXT_COLOUR)
    ax.tick_params(axis="x", length=0)
    # Darkest level on top, as in the stack; proxies keep colours right with no bars.
    handles = [Patch(facecolor=c, label=n) for n, c in zip(level_labels, colours, strict=True)]
    ax.legend(
        handles=handles[::-1],
        loc="upper left",
        bbox_to_anchor=(1.0, 1.0),
        frameon=False,
        fontsize=9,
    )
    buffer = io.BytesIO()
    # The title also goes in the PNG's text chunk: what a screen reader or a file list can show.
    fig.savefig(buffer, format="png", metadata={"Title": title})
    return buffer.getvalue()


def _draw_from_stdin() -> None:
    spec = json.loads(sys.stdin.buffer.read())
    weeks = [
        WeekBar(label, None if shares is None else tuple(shares)) for label, shares in spec["weeks"]
    ]
    png = draw_weekly_trend(
        spec["title"], weeks, spec["level_labels"], spec["hidden_label"], spec["y_label"]
    )
    sys.stdout.buffer.write(png)


if __name__ == "__main__":
    _draw_from_stdin()
