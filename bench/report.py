"""Markdown for bench/RESULTS.md: one section per benchmark, and the machine it ran on."""

import os
import platform
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One figure beside its baseline from the same run; `target` is the ratio allowed."""

    measure: str
    figure: float
    baseline: float
    unit: str = "ms"
    target: float | None = None

    @property
    def ratio(self) -> float:
        return self.figure / self.baseline if self.baseline else float("inf")

    def cells(self) -> str:
        met = "" if self.target is None else ("yes" if self.ratio <= self.target else "**no**")
        target = "" if self.target is None else f"<= {self.target:g}x"
        return (
            f"| {self.measure} | {self.figure:.2f} {self.unit} | {self.baseline:.2f} {self.unit} "
            f"| {self.ratio:.2f} | {target} | {met} |"
        )


def section(title: str, how: str, rows: list[Row]) -> str:
    """A `##` section: what was measured and how, then the table."""
    table = ["| measure | figure | baseline (same run) | ratio | target | met |"]
    table.append("| --- | --- | --- | --- | --- | --- |")
    table += [row.cells() for row in rows]
    return "\n".join([f"## {title}", "", how, "", *table, ""])


def machine() -> str:
    """Cores, processor, memory and Python of this machine, in one line."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            model = next((line.split(":", 1)[1].strip() for line in info
                          if line.startswith("model name")), "")  # fmt: skip
        with open("/proc/meminfo", encoding="utf-8") as info:
            total_kb = int(next(line.split()[1] for line in info if line.startswith("MemTotal")))
        memory = f", {total_kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = ""
    cores, python = os.cpu_count() or 0, platform.python_version()
    return f"{cores} cores ({model or platform.processor()}){memory}, Python {python}"
