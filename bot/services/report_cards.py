"""Turns a released Report into cards, CSV and chart bars; it can show only what was released."""

import random
from collections.abc import Callable

from bot.charts import WeekBar
from bot.domain.checkins import PulseLevel
from bot.domain.pulses import LEVELS, Tally, rising_late_share
from bot.domain.reports import Report, TeamWeek
from bot.domain.suppression import threshold
from bot.messages import Card, Note, Paragraph, Part
from bot.spreadsheet import csv_bytes
from prompts import Catalog

# Column names are data for spreadsheets, not prose, so they stay in code.
TeamNamer = Callable[[str], str]
CSV_COLUMNS = (
    "team",
    "period",
    "kind",
    "responses",
    *(level.value for level in LEVELS),
    "late_share",
)


class ReportCards:
    def __init__(self, catalog: Catalog, minimum: int, team_name: TeamNamer) -> None:
        self._catalog = catalog
        self._minimum = minimum
        self._name = team_name

    def team(self, report: Report, team: str) -> Card:
        """One team: each week (newest first) with its trend, then each closed check-in."""
        title = self._catalog.text("summaries.team_title", team=self._name(team))
        weeks = report.team_weeks(team)
        parts: list[Part] = [Paragraph(title)]
        if not any(week.checkins for week in weeks):
            parts.append(Paragraph(self._catalog.text("summaries.none_yet")))
            return Card(text=title, parts=(*parts, self._note()))
        week_lines = [
            self._week_line(week, before)
            for week, before in zip(weeks, [None, *weeks[:-1]], strict=True)
            if week.checkins
        ]
        checkin_lines = [
            self._line("checkin_line", c.checkin.posted_at.strftime("%a %d %b"), c.tally)
            for week in weeks
            for c in week.checkins
        ]
        parts += [
            Paragraph(self._catalog.text("summaries.weeks_header")),
            Paragraph("\n".join(reversed(week_lines))),
            Paragraph(self._catalog.text("summaries.checkins_header")),
            Paragraph("\n".join(reversed(checkin_lines))),
        ]
        if rising_late_share(report.late_shares(team)):
            ideas = self._catalog.variants("pulse.suggestion", team=self._name(team))
            parts.append(Paragraph(random.choice(ideas)))
        return Card(text=title, parts=(*parts, self._note()))

    def overview(self, report: Report, title_key: str = "summaries.overview_title") -> Card:
        """Every team's latest settled week, and all of them together."""
        title = self._catalog.text(title_key)
        if not report.teams:
            return Card.plain(self._catalog.text("summaries.no_teams"))
        settled = [row for row in report.weeks if all(cell.settled for cell in row.teams)]
        if not settled:
            lines = [self._catalog.text("summaries.none_yet")]
        else:
            row = settled[-1]
            lines = [self._week_line(cell, None, self._name(cell.team)) for cell in row.teams]
            lines.append(self._catalog.text("summaries.all_teams"))
            lines.append(self._line("week_line", row.week.label, row.total, trend=""))
        return Card(text=title, parts=(Paragraph(title), Paragraph("\n".join(lines)), self._note()))

    def csv(self, report: Report) -> bytes:
        """The same released numbers as the cards; hidden cells are left empty."""
        rows: list[list[object]] = [list(CSV_COLUMNS)]
        for row in report.weeks:
            for cell in row.teams:
                team = cell.team
                if cell.settled:
                    rows.append([team, row.week.label, "week", *_columns(cell.tally)])
                for line in cell.checkins:
                    day = line.checkin.posted_at.date().isoformat()
                    rows.append([team, day, "check-in", *_columns(line.tally)])
            if all(cell.settled for cell in row.teams):
                rows.append(["all teams", row.week.label, "week", *_columns(row.total)])
        return csv_bytes(rows)

    def bars(self, report: Report, team: str) -> list[WeekBar]:
        return [
            WeekBar(f"W{week.week.week:02d}", week.tally.shares if week.tally else None)
            for week in report.team_weeks(team)
            if week.settled
        ]

    def _week_line(self, week: TeamWeek, before: TeamWeek | None, name: str = "") -> str:
        period = f"{name} {week.week.label}".strip()
        if not week.settled:
            return self._catalog.text("summaries.pending", period=period)
        return self._line("week_line", period, week.tally, trend=self._trend(week, before))

    def _trend(self, week: TeamWeek, before: TeamWeek | None) -> str:
        if week.tally is None or before is None or before.tally is None:
            return ""
        now, then = round(100 * week.tally.late_share), round(100 * before.tally.late_share)
        direction = "up" if now > then else "down" if now < then else "same"
        return self._catalog.text(f"summaries.trend_{direction}")

    def _line(self, key: str, period: str, tally: Tally | None, **extra: str) -> str:
        if tally is None:
            return self._catalog.text("summaries.hidden", period=period)
        distribution = ", ".join(
            self._catalog.text(
                "summaries.level_count",
                label=level_label(self._catalog, level),
                count=str(count),
            )
            for level, count in zip(LEVELS, tally.counts, strict=True)
        )
        return self._catalog.text(
            f"summaries.{key}",
            period=period,
            responses=str(tally.responses),
            distribution=distribution,
            late_share=f"{round(100 * tally.late_share)}%",
            **extra,
        )

    def _note(self) -> Note:
        shown_from = threshold(self._minimum, viewer_could_have_answered=True)
        return Note(self._catalog.text("summaries.threshold_note", minimum=str(shown_from)))


def level_label(catalog: Catalog, level: PulseLevel) -> str:
    """A level as people saw it on the button they clicked, so a summary can't mislabel it."""
    return catalog.text(f"checkin.levels.{level.value}.label")


def _columns(tally: Tally | None) -> list[str]:
    if tally is None:
        return [""] * (len(LEVELS) + 2)
    return [str(tally.responses), *map(str, tally.counts), f"{tally.late_share:.2f}"]
