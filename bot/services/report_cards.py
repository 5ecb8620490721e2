"""Turns a released Report into cards, CSV and chart bars; it can show only what was released.

A card reads on a phone: one line per week (and per month), what the four numbers mean said
once below them, and why a number is hidden said once, with what helps.
"""

import random
from collections.abc import Callable, Sequence

from bot.domain.checkins import PulseLevel
from bot.domain.pulses import LEVELS, Tally
from bot.domain.reports import Report, State, TeamPeriod, Together, report_threshold
from bot.domain.trends import Suggestion, suggestion
from bot.outgoing.charts import WeekBar
from bot.outgoing.messages import Card, Note, Paragraph, Part
from bot.outgoing.spreadsheet import csv_bytes
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
ALL_TEAMS = "all teams"


class ReportCards:
    def __init__(
        self, catalog: Catalog, minimum: int, team_name: TeamNamer, approximate: bool = False
    ) -> None:
        self._catalog = catalog
        self._minimum = minimum
        self._name = team_name
        # PULSE_PRIVACY=dp: every number carries noise, so each line says "about".
        self._approximate = approximate

    def team(self, report: Report, team: str) -> Card:
        """One team: each week (newest first) with its trend, each settled month, and a
        suggestion when the numbers call for one."""
        title = self._catalog.text("summaries.team_title", team=self._name(team))
        weeks = report.team_weeks(team)
        months = report.team_months(team)
        parts: list[Part] = [Paragraph(title)]
        cells = [cell for _, cell in weeks] + [cell for _, cell in months]
        if all(cell.state is State.EMPTY for cell in cells):
            parts.append(Paragraph(self._catalog.text("summaries.none_yet")))
            return Card(text=title, parts=(*parts, self._note()))
        week_lines = [
            self._period_line(week.label, cell, before)
            for (week, cell), before in zip(weeks, _previous_shown(weeks), strict=True)
            if cell.state is not State.EMPTY
        ]
        parts += [
            Paragraph(self._catalog.text("summaries.weeks_header")),
            Paragraph("\n".join(reversed(week_lines))),
        ]
        month_lines = [
            self._period_line(self._month_period(month.label, month.month, cell), cell, None)
            for month, cell in months
            if cell.state in (State.SHOWN, State.PART, State.HIDDEN)
        ]
        if month_lines:
            parts += [
                Paragraph(self._catalog.text("summaries.months_header")),
                Paragraph("\n".join(reversed(month_lines))),
            ]
        idea = suggestion(report.late_shares(team))
        if idea is not None:
            parts.append(Paragraph(self._suggestion(idea, team)))
        parts += self._explanations(cells)
        return Card(text=title, parts=(*parts, self._note()))

    def overview(self, report: Report, title_key: str = "summaries.overview_title") -> Card:
        """Every team's latest settled week, and all of them together."""
        title = self._catalog.text(title_key)
        if not report.teams:
            return Card.plain(self._catalog.text("summaries.no_teams"))
        settled = [row for row in report.weeks if row.settled]
        cells: list[TeamPeriod] = []
        if not settled:
            lines = [self._catalog.text("summaries.none_yet")]
        else:
            row = settled[-1]
            cells = list(row.teams)
            lines = [self._period_line(self._name(cell.team), cell, None) for cell in row.teams]
            lines.append(self._catalog.text("summaries.all_teams", period=row.week.label))
            lines.append(self._together_line(row.together))
        parts: list[Part] = [Paragraph(title), Paragraph("\n".join(lines))]
        return Card(text=title, parts=(*parts, *self._explanations(cells), self._note()))

    def csv(self, report: Report) -> bytes:
        """The same released numbers as the cards; hidden cells are left empty."""
        rows: list[list[object]] = [list(CSV_COLUMNS)]
        for row in report.weeks:
            if not row.settled:
                continue
            for cell in row.teams:
                if cell.state is not State.EMPTY:
                    rows.append([cell.team, row.week.label, "week", *_columns(cell.tally)])
            rows.append([ALL_TEAMS, row.week.label, "week", *_columns(row.together.tally)])
        for month_row in report.months:
            for cell in month_row.teams:
                if cell.state in (State.SHOWN, State.PART, State.HIDDEN):
                    kind = "month_shown_weeks" if cell.state is State.PART else "month"
                    rows.append([cell.team, month_row.month.label, kind, *_columns(cell.tally)])
            together = month_row.together.tally
            rows.append([ALL_TEAMS, month_row.month.label, "month", *_columns(together)])
        return csv_bytes(rows)

    def bars(self, report: Report, team: str) -> list[WeekBar]:
        return [
            WeekBar(f"W{week.week:02d}", cell.tally.shares if cell.tally else None)
            for week, cell in report.team_weeks(team)
            if cell.state in (State.SHOWN, State.HIDDEN)
        ]

    def chart_alt(self, report: Report, team: str) -> str:
        """The chart in words, for a screen reader: each week's share running low."""
        weeks = [
            self._catalog.text(
                "summaries.chart_alt_week_about"
                if self._approximate
                else "summaries.chart_alt_week",
                week=week.label,
                share=f"{round(100 * cell.tally.late_share)}%",
            )
            if cell.tally
            else self._catalog.text("summaries.chart_alt_hidden", week=week.label)
            for week, cell in report.team_weeks(team)
            if cell.state in (State.SHOWN, State.HIDDEN)
        ]
        return self._catalog.text(
            "summaries.chart_alt", team=self._name(team), weeks="; ".join(weeks) or "-"
        )

    def intro(self) -> Card:
        """A post a supervisor can copy to introduce Wellspring to their team."""
        title = self._catalog.text("summaries.intro_title")
        people = str(report_threshold(self._minimum))
        post = self._catalog.text("summaries.intro_post", people=people)
        return Card(text=title, parts=(Paragraph(title), Paragraph(post)))

    def openers(self) -> Card:
        """Questions to open supervision with, from the work itself."""
        title = self._catalog.text("summaries.openers_title")
        lines = [self._catalog.text("summaries.openers_intro")]
        lines += [f"• {opener}" for opener in self._catalog.variants("summaries.openers")]
        return Card(text=title, parts=(Paragraph(title), Paragraph("\n".join(lines))))

    def opener_of_the_week(self, week: int) -> Paragraph:
        openers = self._catalog.variants("summaries.openers")
        opener = openers[week % len(openers)]
        return Paragraph(self._catalog.text("summaries.digest_opener", opener=opener))

    def level_key(self) -> Paragraph:
        """What the four numbers of a line are, in the order people saw the buttons."""
        lines = [self._catalog.text("summaries.level_key_header")]
        lines += [
            self._catalog.text(
                "summaries.level_key_line",
                number=str(number),
                label=level_label(self._catalog, level),
                meaning=self._catalog.text(f"checkin.levels.{level.value}.meaning"),
            )
            for number, level in enumerate(LEVELS, start=1)
        ]
        return Paragraph("\n".join(lines))

    def _explanations(self, cells: Sequence[TeamPeriod]) -> list[Part]:
        """The numbers' meanings when any is shown; why some are hidden, once."""
        parts: list[Part] = []
        if any(cell.state is State.SHOWN for cell in cells):
            parts.append(self.level_key())
            if self._approximate:
                parts.append(Paragraph(self._catalog.text("summaries.extra.about_why")))
        if any(cell.state in (State.HIDDEN, State.PART) for cell in cells):
            people = str(report_threshold(self._minimum))
            parts.append(Paragraph(self._catalog.text("summaries.hidden_why", people=people)))
        return parts

    def _period_line(self, period: str, cell: TeamPeriod, before: TeamPeriod | None) -> str:
        if cell.state is State.OPEN:
            return self._catalog.text("summaries.pending", period=period)
        if cell.state is State.EMPTY:
            return self._catalog.text("summaries.no_checkins", period=period)
        if cell.tally is None:
            return self._catalog.text("summaries.hidden", period=period)
        return self._line(period, cell.tally, self._trend(cell.tally, before))

    def _together_line(self, together: Together) -> str:
        if together.tally is None:
            return self._catalog.text("summaries.together_none")
        line = self._line("", together.tally, "").lstrip(": ")
        if together.shown == together.active:
            return line
        return self._catalog.text(
            "summaries.together_some",
            line=line,
            shown=str(together.shown),
            active=str(together.active),
        )

    def _trend(self, now: Tally, before: TeamPeriod | None) -> str:
        if before is None or before.tally is None:
            return ""
        share, earlier = round(100 * now.late_share), round(100 * before.tally.late_share)
        direction = "up" if share > earlier else "down" if share < earlier else "same"
        fewer = "_fewer" if now.responses < before.tally.responses else ""
        return " " + self._catalog.text(
            f"summaries.trend_{direction}{fewer}",
            before=f"{earlier}%",
            answers=str(now.responses),
            earlier_answers=str(before.tally.responses),
        )

    def _line(self, period: str, tally: Tally, trend: str) -> str:
        return self._catalog.text(
            "summaries.extra.week_line_about" if self._approximate else "summaries.week_line",
            period=period,
            responses=str(tally.responses),
            distribution=" · ".join(map(str, tally.counts)),
            late_share=f"{round(100 * tally.late_share)}%",
            trend=trend,
        )

    def _month_period(self, label: str, month: int, cell: TeamPeriod) -> str:
        """The month's name; for a PART month, which of its weeks the line adds up."""
        name = f"{self._catalog.variants('summaries.month_names')[month - 1]} {label[:4]}"
        if cell.state is not State.PART:
            return name
        return self._catalog.text(
            "summaries.month_part", month=name, shown=str(cell.shown), active=str(cell.active)
        )

    def _suggestion(self, idea: Suggestion, team: str) -> str:
        key = {
            Suggestion.RISING: "pulse.suggestion",
            Suggestion.STAYS_HIGH: "pulse.suggestion_high",
            Suggestion.HARD_WEEK: "pulse.suggestion_hard_week",
        }[idea]
        return random.choice(self._catalog.variants(key, team=self._name(team)))

    def _note(self) -> Note:
        people = str(report_threshold(self._minimum))
        return Note(self._catalog.text("summaries.threshold_note", minimum=people))


def _previous_shown(weeks: Sequence[tuple[object, TeamPeriod]]) -> list[TeamPeriod | None]:
    """For each week, the week just before it (None for the first)."""
    cells = [cell for _, cell in weeks]
    return [None, *cells[:-1]]


def level_label(catalog: Catalog, level: PulseLevel) -> str:
    """A level as people saw it on the button they clicked, so a summary can't mislabel it."""
    return catalog.text(f"checkin.levels.{level.value}.label")


def _columns(tally: Tally | None) -> list[str]:
    if tally is None:
        return [""] * (len(LEVELS) + 2)
    return [str(tally.responses), *map(str, tally.counts), f"{tally.late_share:.2f}"]
