"""Placements: the arc by week, the weekly moment in local time, and both platforms' forms."""

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.views import View

from bot.domain.placements import (
    ARC,
    CountBand,
    Placement,
    arc_step,
    count_band,
    iso_week,
    theme_of,
)
from bot.domain.workspaces import WorkspaceRef
from bot.messages import FieldKind
from bot.services.placement_cards import PlacementCards
from handlers.slack.forms import build_modal, read_form_values
from handlers.teams.cards import PEOPLE_PICKER, build_dialog, read_dialog_values
from prompts import load_catalog
from tests.fakes.slack_api import view_problems
from tests.support.adaptive_cards import assert_valid_card

CATALOG = load_catalog()
CARDS = PlacementCards(CATALOG, "Your tutor: 0100 200 300")
WORKSPACE = WorkspaceRef("slack", "T0AGENCY")


def placement(**changes: Any) -> Placement:
    values: dict[str, Any] = {
        "id": "p1",
        "workspace": WORKSPACE,
        "student": "U0SAM",
        "instructor": "U0CARA",
        "starts_on": date(2026, 9, 7),  # a Monday
        "ends_on": date(2027, 2, 26),  # a Friday, 25 weeks on
        "day": 4,  # Friday
        "at": time(15, 0),
        "timezone": "Europe/London",
        "confirmed": True,
    }
    return Placement(**{**values, **changes})


@pytest.mark.parametrize("weeks", [1, 2, 3, 7, 12, 25, 52])
def test_the_arc_starts_with_approach_ends_with_endings_and_never_goes_back(weeks: int) -> None:
    themes = [theme_of(week, weeks) for week in range(weeks)]
    assert themes[0] == "approach"
    if weeks > 1:
        assert themes[-1] == "endings"
    order = [ARC.index(theme) for theme in themes]
    assert order == sorted(order)
    if weeks >= len(ARC):
        assert set(themes) == set(ARC), "a placement of seven weeks or more meets every theme"


def test_weeks_within_a_theme_take_turns_so_prompts_differ() -> None:
    steps = [arc_step(week, 25) for week in range(25)]
    assert steps[0].turn == 0 and steps[1].turn == 1 and steps[1].theme == steps[0].theme
    firsts = [step for step in steps if step.turn == 0]
    assert [step.theme for step in firsts] == list(ARC)


def test_a_placement_counts_the_calendar_weeks_it_touches() -> None:
    assert placement().weeks == 25
    assert placement(starts_on=date(2026, 9, 10), ends_on=date(2026, 9, 14)).weeks == 2


def test_the_weekly_moment_is_local_time_across_daylight_saving() -> None:
    summer = placement()
    friday = datetime(2026, 9, 11, 13, 59, tzinfo=UTC)  # 14:59 in London (BST)
    assert summer.due_week(friday) is None
    assert summer.due_week(friday.replace(minute=59, hour=14)) == date(2026, 9, 7)
    winter = datetime(2026, 11, 6, 15, 0, tzinfo=UTC)  # 15:00 in London (GMT)
    assert summer.due_week(winter) == date(2026, 11, 2)
    assert summer.due_week(winter.replace(hour=14, minute=59)) is None


def test_nothing_is_due_unconfirmed_before_the_start_or_after_the_end() -> None:
    late_friday = datetime(2026, 9, 11, 20, 0, tzinfo=UTC)
    assert placement(confirmed=False).due_week(late_friday) is None
    assert placement(starts_on=date(2026, 9, 12)).due_week(late_friday) is None
    assert placement(ends_on=date(2026, 9, 10)).due_week(late_friday) is None
    assert placement().due_week(late_friday) == date(2026, 9, 7)
    assert iso_week(date(2026, 9, 7)) == "2026-W37"


def test_the_next_reflection_is_later_today_or_next_week() -> None:
    before = datetime(2026, 9, 11, 10, 0, tzinfo=UTC)
    after = datetime(2026, 9, 11, 16, 0, tzinfo=UTC)
    assert placement().next_reflection(before) == datetime(2026, 9, 11, 14, 0, tzinfo=UTC)
    assert placement().next_reflection(after) == datetime(2026, 9, 18, 14, 0, tzinfo=UTC)
    assert placement(ends_on=date(2026, 9, 11)).next_reflection(after) is None


def test_every_theme_has_as_many_questions_as_student_prompts() -> None:
    for theme in ARC:
        sizes = {
            role: len(CATALOG.variants(f"placements.arc.{theme}.{role}"))
            for role in ("student", "question", "explain")
        }
        assert len(set(sizes.values())) == 1 and sizes["student"] >= 2, (theme, sizes)


def test_the_student_and_instructor_get_the_matching_prompts_of_a_week() -> None:
    week = 9  # the arc's third theme, its first week at 25 weeks
    step = arc_step(week, 25)
    student = CARDS.for_student(placement(), week)
    instructor = CARDS.for_instructor(placement(), week, "<@U0SAM>")
    index = step.turn % 3
    assert student.text == CATALOG.variants(f"placements.arc.{step.theme}.student")[index]
    assert instructor.text == CATALOG.variants(f"placements.arc.{step.theme}.question")[index]
    explain = CATALOG.variants(f"placements.arc.{step.theme}.explain")[index]
    assert any(explain in getattr(part, "text", "") for part in instructor.parts)


def test_slack_renders_a_person_as_a_user_select_and_dates_as_date_pickers() -> None:
    view = build_modal(CARDS.placement_form("Europe/London")).to_dict()
    assert view_problems(view) == []
    elements = {block["block_id"]: block["element"] for block in view["blocks"][1:]}
    assert elements["instructor"]["type"] == "users_select"
    assert elements["starts_on"]["type"] == elements["ends_on"]["type"] == "datepicker"
    assert View(**view).to_dict() == view


def test_slack_reads_back_the_chosen_person_and_dates() -> None:
    state = {
        "instructor": {"instructor": {"type": "users_select", "selected_user": "U0CARA"}},
        "starts_on": {"starts_on": {"type": "datepicker", "selected_date": "2026-09-07"}},
        "ends_on": {"ends_on": {"type": "datepicker", "selected_date": None}},
    }
    assert read_form_values(state) == {
        "instructor": "U0CARA",
        "starts_on": "2026-09-07",
        "ends_on": "",
    }


def test_teams_renders_a_people_picker_and_date_inputs_in_a_valid_card() -> None:
    card = build_dialog(CARDS.placement_form("Europe/London"))
    assert_valid_card(card)
    inputs = {e["id"]: e for e in card["body"] if "id" in e}
    picker = inputs["instructor"]
    assert picker["type"] == "Input.ChoiceSet"
    assert picker["choices"] == [] and picker["choices.data"] == PEOPLE_PICKER
    assert PEOPLE_PICKER == {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}
    assert inputs["starts_on"]["type"] == inputs["ends_on"]["type"] == "Input.Date"


def test_teams_reads_back_the_picked_object_id_and_dates() -> None:
    form = CARDS.placement_form("UTC")
    assert {f.kind for f in form.fields} >= {FieldKind.PERSON, FieldKind.DATE}
    data = {"instructor": "6f1c-object-id", "starts_on": "2026-09-07", "form_id": "x"}
    values = read_dialog_values(form.fields, data)
    assert values == {"instructor": "6f1c-object-id", "starts_on": "2026-09-07"}


def test_the_share_form_is_one_field_of_the_students_own_words() -> None:
    form = CARDS.share_form()
    assert [(f.name, f.kind, f.multiline) for f in form.fields] == [("words", FieldKind.TEXT, True)]
    assert view_problems(build_modal(form).to_dict()) == []
    assert_valid_card(build_dialog(form))


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(0, 0, 4), (4, 0, 4), (5, 5, 9), (9, 5, 9), (10, 10, 19), (19, 10, 19), (20, 20, None),
     (500, 20, None)],
)  # fmt: skip
def test_active_placements_are_counted_in_bands_that_widen(
    count: int, low: int, high: int | None
) -> None:
    assert count_band(count, 5) == CountBand(low, high)


@given(st.integers(0, 10_000), st.integers(5, 100))
def test_every_band_holds_at_least_the_minimum_of_counts(count: int, minimum: int) -> None:
    band = count_band(count, minimum)
    assert band.low <= count and (band.high is None or count <= band.high)
    assert band.high is None or band.high - band.low + 1 >= minimum
