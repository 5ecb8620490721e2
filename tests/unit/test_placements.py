"""Placements: the arc by week (its rules, on the catalogue's own prompts), the weekly moment in
local time, and both platforms' forms."""

import itertools
import math
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from slack_sdk.models.views import View

from bot.domain.placements import (
    ARC,
    MAX_WEEKS,
    ArcPrompt,
    CountBand,
    Placement,
    arc_plan,
    count_band,
    iso_week,
)
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import FieldKind
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


# --- The arc (issue 21, item 7): the rules are checked on the catalogue's own prompts -------

PROMPTS = CARDS.prompts
EVERY_PROMPT = {ArcPrompt(stage, id) for stage, ids in PROMPTS.items() for id in ids}
SHORT_TO_LONG = range(6, 41)  # the placements the rules are promised for
ANY_LENGTH = range(1, MAX_WEEKS + 1)


def arc_text(prompt: ArcPrompt, role: str) -> str:
    return CATALOG.text(f"placements.arc.{prompt.stage}.{prompt.id}.{role}")


def test_each_prompt_is_a_student_question_an_instructor_question_and_an_explanation() -> None:
    assert list(PROMPTS) == list(ARC) and all(PROMPTS[stage] for stage in ARC)
    for stage, ids in PROMPTS.items():
        assert CATALOG.has(f"placements.stages.{stage}"), f"the instructor's card names {stage}"
        for id in ids:
            roles = {key.rsplit(".", 1)[1] for key in CATALOG.keys(f"placements.arc.{stage}.{id}.")}
            assert roles == {"student", "question", "explain"}, (stage, id, roles)
    assert len(EVERY_PROMPT) >= max(SHORT_TO_LONG), "a prompt for every week of 40"


@pytest.mark.parametrize("weeks", SHORT_TO_LONG)
def test_every_prompt_comes_once_before_any_comes_again(weeks: int) -> None:
    plan = arc_plan(weeks, PROMPTS)
    assert len(plan) == weeks and len(set(plan)) == weeks, "no prompt twice in 6 to 40 weeks"
    assert weeks < len(EVERY_PROMPT) or set(plan) == EVERY_PROMPT


@pytest.mark.parametrize("weeks", ANY_LENGTH)
def test_week_one_says_knowing_nothing_is_normal_and_no_prompt_comes_twice_running(
    weeks: int,
) -> None:
    plan = arc_plan(weeks, PROMPTS)
    assert len(plan) == weeks
    assert plan[0] == ArcPrompt("arrival", "know_nothing")
    assert "know nothing" in arc_text(plan[0], "student")
    explain = arc_text(plan[0], "explain")
    assert "know nothing" in explain and "normal" in explain
    assert all(a != b for a, b in itertools.pairwise(plan))


@pytest.mark.parametrize("weeks", range(4, MAX_WEEKS + 1))
def test_the_midpoint_week_reviews_the_learning_agreement(weeks: int) -> None:
    plan = arc_plan(weeks, PROMPTS)
    assert plan[weeks // 2] == ArcPrompt("midpoint", PROMPTS["midpoint"][0])
    assert [week for week, p in enumerate(plan) if p.id == "halfway"] == [weeks // 2]
    explain = arc_text(plan[weeks // 2], "explain").lower()
    assert "learning agreement" in explain and "going well" in explain and "ask for" in explain


@pytest.mark.parametrize("weeks", range(4, MAX_WEEKS + 1))
def test_endings_are_spread_over_the_last_quarter_in_their_order(weeks: int) -> None:
    plan = arc_plan(weeks, PROMPTS)
    quarter = weeks - math.ceil(weeks / 4)  # the last quarter's first week
    endings = [week for week, p in enumerate(plan) if p.stage == "endings"]
    assert endings and endings[0] >= quarter, "none before the last quarter"
    assert endings[-1] == weeks - 1 and plan[-1].id == PROMPTS["endings"][-1], "looking back last"
    order = [PROMPTS["endings"].index(plan[week].id) for week in endings]
    assert order == sorted(order), "planned early, looked back on last"
    if weeks - quarter >= 2:
        assert endings[0] == quarter and plan[quarter].id == "plan_ending", "told early"
        assert "early" in arc_text(plan[quarter], "explain")
    if weeks - quarter >= len(PROMPTS["endings"]):
        assert len(endings) == len(PROMPTS["endings"]), "every ending, spread out"
        gaps = [b - a for a, b in itertools.pairwise(endings)]
        assert max(gaps) - min(gaps) <= 1, f"evenly spread: {endings}"


@pytest.mark.parametrize("weeks", range(8, 41))
def test_the_pace_of_the_first_months_comes_in_the_first_months(weeks: int) -> None:
    plan = arc_plan(weeks, PROMPTS)
    first_pace = next(week for week, p in enumerate(plan) if p.stage == "pace")
    assert first_pace < min(weeks // 2, 13), "over-working is a first months' worry"


@pytest.mark.parametrize("weeks", SHORT_TO_LONG)
def test_what_success_means_is_asked_and_asked_again(weeks: int) -> None:
    plan = arc_plan(weeks, PROMPTS)
    asked = [p for p in plan if "success" in arc_text(p, "student").lower()]
    assert len(asked) >= (2 if weeks >= 12 else 1), "what success means, asked again"
    if weeks >= 30:
        assert any("kind of social worker" in arc_text(p, "student") for p in plan)


def test_student_prompts_and_instructor_questions_are_single_questions() -> None:
    for prompt in EVERY_PROMPT:
        for role in ("student", "question"):
            assert arc_text(prompt, role).count("?") == 1, (prompt, role)


@pytest.mark.parametrize("weeks", [6, 12, 25, 40])
def test_the_student_and_instructor_get_the_same_prompt_each_week_by_its_id(weeks: int) -> None:
    shaped = placement(ends_on=placement().starts_on + timedelta(weeks=weeks - 1))
    assert shaped.weeks == weeks
    for week, prompt in enumerate(arc_plan(weeks, PROMPTS)):
        student = CARDS.for_student(shaped, week)
        instructor = CARDS.for_instructor(shaped, week, "<@U0SAM>")
        assert student.text == arc_text(prompt, "student")
        assert instructor.text == arc_text(prompt, "question")
        shown = [getattr(part, "text", "") for part in instructor.parts]
        assert any(arc_text(prompt, "explain") in text for text in shown)
        assert CATALOG.text(f"placements.stages.{prompt.stage}") in shown[0], "the week's theme"


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
