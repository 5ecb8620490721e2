"""Wording for the field: the crisis line first, nothing untrue, no desk job, reminders that differ.

These are the invariants of issue 11 (part 1). The cards are built by the real services, with an
agency's own CRISIS_RESOURCES_TEXT and SUPPORT_RESOURCES_TEXT, as app.py builds them.
"""

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, time, timedelta
from difflib import SequenceMatcher
from typing import Any, cast

import pytest

from bot.domain.checkins import PulseLevel
from bot.domain.placements import Placement
from bot.domain.pulses import LEVELS, Tally
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import ButtonRow, Card, Paragraph
from bot.services.debrief_cards import DebriefCards
from bot.services.help import HelpService
from bot.services.placement_cards import PlacementCards
from bot.services.pulses import PulseService
from bot.services.report_cards import ReportCards
from bot.services.roles import RoleBook
from bot.services.safety import SafetyWords
from bot.services.volunteers import VolunteerService
from prompts import Catalog, load_catalog
from tests.support.clocks import FixedClock
from tests.unit.test_wording import every_text, normalised

AGENCY_CRISIS = "Northside crisis team: 0800 999 999, day and night."
AGENCY_SUPPORT = "Staff counselling: 0800 123 456, or ext. 22."
UNUSED = cast(Any, None)


# Phrases that assume a desk, a lunch hour, a nine-to-five or a free weekend, and promises
# that are untrue (the pair's chat is kept by Slack or Teams; who asked is kept for a while).
DESK_BOUND = (
    "away from your desk",
    "away from the desk",
    "away from the screen",
    "a cup of tea",
    "the weekend is yours",
    "leave on time",
    "leaving on time",
    "even if the list isn't done",
    "real lunch",
    "lunch away",
    "close the laptop",
    "log off",
    "until monday",
)
UNTRUE = (
    "nothing is recorded",
    "nothing here is recorded",
    "nothing is written down",
    # Issue 21, item 2: absolutes that forget a limit, a copy, or that no peer may be free.
    "no one sees who",
    "only they will see",
    "deleted once they have it",
    "peer will reach out",
    "peer gets in touch",
    "play no part in your assessment",
    "under your agency's rules",
)
UNEXPLAINED = ("eap", "coordinator", "critical incident")
OTHER_IMAGES = ("tank", "cup", "heavy", "reserves", "battery", "weight")

REMINDER_COUNT = 40
MAX_RATIO = 0.6
MAX_IDEA_OVERLAP = 0.5
# The ideas a boundary reminder can carry (domain.md, "Boundaries" and the fatigue signs). One
# idea may have many wordings: what makes two reminders alike is the advice, not the words.
IDEAS = {
    "stop_work": r"(let (it|the day) end|end time|has an end|stop there|stopping there|log off"
    r"|leav(e|ing) on time|close the laptop|shift ends)",
    "only_what_must": r"(must be (in|written)|that must)",
    "commute": r"\b(driving|drive)\b",
    "can_wait": r"(\bwait\b|tomorrow|urgent|\blist\b|what can move|which ones can wait)",
    "pause": r"\b(break|breaks|pause|stretch|few( quiet)? minutes|ten-minute)\b",
    "food": r"\b(eat|eaten|lunch|snack|water)\b",
    "outside": r"\b(outside|fresh air|walk)\b",
    "body": r"\b(body|shoulders|jaw|breath)\b",
    "time_off": r"\b(weekend|days? off|monday|holiday|be off)\b",
    "booked_leave": r"book (your )?leave",
    "rest": r"(\brest\b|nothing left)",
    "sleep": r"\b(sleep|up in the night)\b",
    "not_failure": r"\b(fail|failed|failure|failing|letting the team down|prize|earn|job wrong)\b",
    "kind_to_self": r"((talk|speak) to yourself|fair to yourself|gentl[ey] with yourself"
    r"|hard on yourself|inner critic)",
    "check_self": r"(check in with (yourself|your body)|ask yourself)",
    "same_well": r"(same well|leave some)",
    "others_decide": r"(decides|verdict|against your advice)",
    "small_steps": r"(small steps|progress|\bwin\b|opened the door|first time|returned)",
    "effort_counts": r"(hard work counts|still mattered|outcome|on paper)",
    "peer": r"(peer|/debrief|talk it through|talk to a)",
    "stays": r"(stays? with you|on your mind|coming back|helpless)",
    "emotion_shown": r"(laugh|cry|hold it all in|feeling a lot)",
    "the_ride": r"(ups and downs|step off|get back on|time out)",
    "numbing": r"(\bnumb\b|cynic|distance|not caring)",
    "one_more_thing": r"one more thing",
    "preachy": r"(preachy|lectur)",
    "sharp_tone": r"(sharp|shrill)",
    "where_they_are": r"where the (family|person|client) is",
    "finding_place": r"(new here|your place|another setting)",
    "supervision": r"\bsupervision\b",
    "on_call": r"(on call|on-call|rota)",
    "handover": r"hand(ing)? over",
    "work_phone": r"(work phone|out-of-hours)",
    "own_number": r"(own phone number|personal number)",
    "say_no": r"(can't take another|say no|saying no)",
    "court": r"\b(court|courtroom|a hearing)\b",
    "drained": r"\bdrained\b",
    "nerves": r"\bnerves\b",
    "notes": r"\b(notes|deadline|written)\b",
    "workload": r"(caseload|workload|too much for)",
    "cover": r"(swap a shift|cover\b)",
    "secondary_trauma": r"(harm done|someone else's story)",
    "trauma_signs": r"(dread|bad dreams|jumpiness)",
    "unsafe": r"\bunsafe\b",
    "company_on_visits": r"(visit alone|come with you)",
    "running_late": r"(running late|ring ahead)",
}
# Near-duplicates among the reminders before issues 11 and 21; the measure must catch each pair.
FORMER_NEAR_DUPLICATES = (
    (
        "When your shift ends, let it end. The notes will still be there in the morning.",
        "Your day has an end time for a reason. It is fine to stop there.",
    ),
    (
        "Your day has an end time for a reason. It is fine to stop there.",
        "Leaving on time is part of doing this work for years, not just for weeks.",
    ),
    (
        "If you are off this weekend, let yourself be off. Rest is what you bring back on Monday.",
        "Weekend plans don't have to be big. A slow morning counts.",
    ),
    (
        "What can wait until tomorrow? Let that part wait.",
        "Not every task that feels urgent has to be done today. Moving one to tomorrow is okay.",
    ),
    (
        "A ten-minute break is not time lost. It is how you get through the afternoon.",
        "Stand up, stretch, get some water. Small breaks add up.",
    ),
    (
        "Take a moment to check in with yourself. How does your body feel right now?",
        "Notice your shoulders, your jaw and your breath. If something is tight, that is worth"
        " hearing.",
    ),
    (
        "Being tired after a hard week is normal. It means you gave a lot, not that you failed.",
        "Taking a day off is not letting the team down. It is how the team keeps going.",
    ),
    (
        "Talk to yourself the way you would talk to a colleague after a hard day.",
        "A slip on a long day is human. Be as fair to yourself as you are to your clients.",
    ),
    (
        "A client who showed up today is progress. So is a call that finally got returned.",
        "Success is not only a case closed or a problem fixed. Small steps count.",
    ),
    (
        "If a case is still on your mind, talk it through with a peer. Type `/debrief` and"
        " someone will reach out.",
        "You don't have to carry a hard case alone, or explain it to a manager first. `/debrief`"
        " finds a peer to talk to.",
    ),
    # Issue 21, item 5: numbness three times, self-talk, rest, notes, helplessness.
    *itertools.combinations(
        (
            "Feeling numb about things that used to move you is a warning sign, not a"
            " professional skill.",
            "If you catch yourself being cynical about the families you work with, your well may"
            " be low. That is not who you are.",
            "Distance that starts as coping can slide into not caring. If you notice that, it is"
            " time to refill, not to feel ashamed.",
        ),
        2,
    ),
    (
        "Speak to yourself the way you would speak to a colleague back from a hard visit.",
        "Being hard on yourself after a bad day empties the well faster. Let the inner critic go"
        " quiet for a while.",
    ),
    (
        "Rest is not a prize you have to earn. Being tired is reason enough.",
        "After a shift of giving, it is allowed to have nothing left for a while.",
    ),
    (
        "Once the last visit is over and the notes that must be in are in, let the day end there.",
        "Write what must be written today. Whatever can honestly wait until tomorrow, let it wait.",
    ),
    (
        "Notes due and too little time? Ask your supervisor what can move. The deadline is not"
        " yours alone to carry.",
        "Write what must be written today. Whatever can honestly wait until tomorrow, let it wait.",
    ),
    (
        "Some cases stay with you for years. That comes with caring, not with doing the job wrong.",
        "Feeling helpless after a case is part of this work. It is not a failure.",
    ),
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog("en")


def ideas(text: str) -> set[str]:
    lowered = text.lower()
    return {idea for idea, pattern in IDEAS.items() if re.search(pattern, lowered)}


def too_similar(a: str, b: str) -> str | None:
    """Why two reminders are too alike, or None.

    Two measures, each with its threshold: difflib's SequenceMatcher ratio of the normalised
    texts must stay under 0.6 (a copy with a few words changed), and the Jaccard overlap of the
    ideas each carries (IDEAS: end of shift, a pause, food, rest, the body, not a failure, ...)
    must stay under 0.5 (the same advice in other words).
    """
    ratio = SequenceMatcher(None, normalised(a), normalised(b)).ratio()
    if ratio >= MAX_RATIO:
        return f"ratio {ratio:.2f}"
    mine, theirs = ideas(a), ideas(b)
    overlap = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
    if overlap >= MAX_IDEA_OVERLAP:
        return f"same ideas {sorted(mine & theirs)} of {sorted(mine | theirs)}"
    return None


def texts(card: Card) -> list[str]:
    return [part.text for part in card.parts if isinstance(part, Paragraph)]


def debrief_cards(catalog: Catalog, crisis: str | None, support: str | None) -> DebriefCards:
    return DebriefCards(catalog, timedelta(minutes=15), support, crisis, timedelta(days=30))


def pulses(catalog: Catalog, crisis: str | None, support: str | None) -> PulseService:
    unused = (UNUSED,) * 3
    return PulseService(
        UNUSED, UNUSED, FixedClock(), catalog, *unused, (b"k" * 32,), support, timedelta(1), crisis
    )


class _Volunteers:
    async def get(self, workspace: object, person: str) -> None:
        return None  # signing up for the first time

    async def save(self, volunteer: object) -> None:
        pass


class _Uow:
    volunteers = _Volunteers()

    async def commit(self) -> None:
        pass


@asynccontextmanager
async def _uow() -> AsyncIterator[_Uow]:
    yield _Uow()


# --- 1. The crisis path ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crisis", "support"),
    [(None, None), (AGENCY_CRISIS, None), (None, AGENCY_SUPPORT), (AGENCY_CRISIS, AGENCY_SUPPORT)],
)
def test_the_fixed_crisis_line_comes_first_and_the_agency_text_follows_it(
    catalog: Catalog, crisis: str | None, support: str | None
) -> None:
    fixed = catalog.text("safety.fixed_line")
    cards = debrief_cards(catalog, crisis, support)

    notice = cards.crisis()
    assert notice.text == fixed and texts(notice)[0] == fixed, "the notice opens with it"
    shown = "\n".join(texts(notice))
    where_to_turn = crisis or catalog.text("debriefs.crisis.default")
    assert shown.index(fixed) < shown.index(where_to_turn), "the agency's text after, not instead"

    unmatched = texts(cards.unmatched())
    assert unmatched[0] == fixed and unmatched[1] == catalog.text("debriefs.status.unmatched")
    assert (support or catalog.text("pulse.resources_default")) in unmatched[-1]
    if crisis:
        assert crisis in unmatched and unmatched.index(crisis) > 1

    for level in (PulseLevel.LATE, PulseLevel.BEYOND):
        reply = pulses(catalog, crisis, support).acknowledge(level)
        first, words, button, *_ = reply.parts
        assert isinstance(first, Paragraph) and first.text == fixed, "the crisis line first"
        assert isinstance(words, Paragraph) and words.text in catalog.variants(
            f"pulse.ack.{level.value}"
        )
        assert isinstance(button, ButtonRow), "then a debrief"
        assert (support or catalog.text("pulse.resources_default")) in texts(reply)[-1]
        assert (crisis in texts(reply)) is bool(crisis), "the agency's crisis text, if set"


SOME_PLACEMENT = Placement(
    "p1", WorkspaceRef("slack", "T1"), "U0SAM", "U0CARA", date(2026, 9, 7), date(2026, 12, 4),
    4, time(15), "Europe/London",
)  # fmt: skip


@pytest.mark.parametrize("crisis", [None, AGENCY_CRISIS])
def test_every_card_that_shows_where_to_turn_opens_with_the_fixed_line(
    catalog: Catalog, crisis: str | None
) -> None:
    """Issue 21, item 1: wherever support or crisis resources appear, on every platform (they
    all render these cards in order), `safety.fixed_line` is the first thing."""
    fixed = catalog.text("safety.fixed_line")
    cards = debrief_cards(catalog, crisis, AGENCY_SUPPORT)
    help = HelpService(catalog, crisis)
    shown = {
        "late reply": pulses(catalog, crisis, AGENCY_SUPPORT).acknowledge(PulseLevel.LATE),
        "beyond reply": pulses(catalog, crisis, AGENCY_SUPPORT).acknowledge(PulseLevel.BEYOND),
        "not safe notice": cards.crisis(),
        "no peer free": cards.unmatched(),
        "answer to a message": help.answer_message(),
        "home": help.describe_home(),
        "placement saved": PlacementCards(catalog, "Tutor: 0100").saved(SOME_PLACEMENT, "Cara"),
    }
    not_first = {name: texts(card)[:1] for name, card in shown.items() if texts(card)[0] != fixed}
    assert not not_first, not_first
    intro = cards.request_form().intro or ""
    assert intro.startswith(fixed), "the debrief form opens with it"
    assert "below" not in intro, "true where the button is not below (a Teams opener card)"
    assert catalog.text("debriefs.form.not_safe_button") in intro, "and names the button"
    assert not list(catalog.keys("home.crisis")), "one crisis line, not a shorter second one"


@pytest.mark.parametrize("support", [None, AGENCY_SUPPORT])
def test_the_default_support_is_a_line_to_call_not_hr_and_the_agencys_text_follows_it(
    catalog: Catalog, support: str | None
) -> None:
    default = catalog.text("pulse.resources_default")
    assert "phone" in default and not re.search(r"\bhr\b|intranet", default.lower()), default
    last = texts(debrief_cards(catalog, None, support).unmatched())[-1]
    # The default alone when the agency set nothing; the agency's own text right after it.
    assert last.endswith(f"\n{default}\n{support}" if support else f"\n{default}")


def test_the_fixed_line_says_plainly_what_wellspring_is_not_and_what_to_do(
    catalog: Catalog,
) -> None:
    fixed = catalog.text("safety.fixed_line").lower()
    assert "not an emergency service" in fixed and "can't send help" in fixed
    assert "hurting yourself" in fixed, "for someone who may hurt themselves, not only in danger"
    assert "emergency number" in fixed and "crisis line" in fixed


def test_the_default_crisis_text_is_the_list_its_lead_promises(catalog: Catalog) -> None:
    assert "one of these" in catalog.text("debriefs.crisis.lead")
    items = [line for line in catalog.text("debriefs.crisis.default").splitlines() if line]
    assert len(items) >= 3 and all(line.startswith("• ") for line in items), items
    assert any("hurting yourself" in line for line in items)


def test_the_debrief_form_promises_no_rapid_response(catalog: Catalog) -> None:
    intro = debrief_cards(catalog, None, None).request_form().intro or ""
    assert "within" not in intro.lower(), "a deadline for peers is not a response time"
    assert "not an emergency service" in intro and "30 days" in intro, intro


def test_the_latest_stage_replies_point_to_the_crisis_path_and_a_debrief(catalog: Catalog) -> None:
    for level in ("late", "beyond"):
        for reply in catalog.variants(f"pulse.ack.{level}"):
            lowered = reply.lower()
            assert "peer" in lowered, reply
            assert "unsafe" in lowered or "crisis" in lowered, reply


def test_the_tired_replies_name_the_load_and_never_blame_the_person(catalog: Catalog) -> None:
    """Issue 21, item 3: no scolding the coffee the middle level names, and the late stages
    are about the work's load, not a person told to slow down."""
    for reply in catalog.variants("pulse.ack.middle"):
        assert not re.search(r"instead of|cut (down|back)|too much coffee", reply.lower()), reply
    for level in ("late", "beyond"):
        for reply in catalog.variants(f"pulse.ack.{level}"):
            lowered = reply.lower()
            assert re.search(r"\b(work|load|caseload)\b", lowered), reply
            assert not re.search(r"slow down|push(ing)? harder|you need", lowered), reply
            assert "below" not in lowered, "the crisis line is the first line, not below"


# --- 2, 3, 4 and 7. Nothing untrue, names left out, the field, plain words ---------------


def test_no_prompt_is_desk_bound_untrue_or_unexplained(catalog: Catalog) -> None:
    banned = DESK_BOUND + UNTRUE
    offenders = [
        f"{key}: {phrase!r}"
        for key, text in every_text(catalog)
        for phrase in banned
        if phrase in normalised(text)
    ]
    offenders += [
        f"{key}: {word!r}"
        for key, text in every_text(catalog)
        for word in UNEXPLAINED
        if re.search(rf"\b{word}\b", text.lower())
    ]
    assert not offenders, "\n".join(offenders)


def test_the_anonymity_explanation_says_when_totals_show_everyones_answer(
    catalog: Catalog,
) -> None:
    explained = " ".join(catalog.variants("checkin.anonymous_explained")).lower()
    assert "if everyone in a group picks the same answer, the totals show that" in explained


def test_what_is_kept_elsewhere_and_the_limits_of_anonymity_are_said(catalog: Catalog) -> None:
    explained = " ".join(catalog.variants("checkin.anonymous_explained")).lower()
    assert "three limits" in explained and "straight after a late-stage answer" in explained
    assert "server's secret" in explained and "while a check-in was open" in explained
    share = catalog.text("placements.share.intro").lower()
    assert "slack or teams keeps" in share and "leave out the names" in share
    assert "stays in their chat" in catalog.text("debriefs.form.note_hint")
    assert "administrators may be able to read" in catalog.text("debriefs.intro.privacy")
    assert "can't be used in your assessment" in catalog.variants("placements.promise")[0]
    for key in ("home.lines", "home.message.debrief", "commands.debrief.lines"):
        debrief = next(line for line in catalog.variants(key) if "/debrief" in line)
        assert "none is free" in debrief or "no peer is free" in debrief.lower(), (key, debrief)


def test_a_students_support_starts_outside_the_assessment_in_the_forms_words(
    catalog: Catalog,
) -> None:
    """Issue 21, item 8: the form says "field instructor"; the instructor assesses the student."""
    support = catalog.text("placements.support_default")
    assert support.index("outside your assessment") < support.index("field instructor"), support
    offenders = [key for key, text in every_text(catalog) if "practice educator" in text.lower()]
    assert not offenders, offenders
    for key in ("placements.none", "placements.stop.done"):
        assert "your placement is stopped" not in catalog.text(key, student="Sam").lower()


def test_the_follow_up_invites_no_reply_that_would_get_a_canned_answer(catalog: Catalog) -> None:
    followup = catalog.text("debriefs.followup.text")
    assert "?" not in followup and "reply" not in followup.lower(), followup


def test_the_note_and_the_pairs_opening_ask_to_leave_out_names(catalog: Catalog) -> None:
    cards = debrief_cards(catalog, None, None)
    note = next(f for f in cards.request_form().fields if f.name == "note")
    opening = texts(cards.introduction(cast(Any, type("R", (), {"id": "r1"})), "Ana", "Ben"))
    for shown in (note.hint or "", opening[0]):
        assert "leave out the names of children, families and clients" in shown.lower(), shown


def test_the_questions_keep_to_the_well_and_energy(catalog: Catalog) -> None:
    for question in catalog.variants("checkin.questions"):
        lowered = question.lower()
        assert "well" in lowered or "energy" in lowered, question
        assert not any(re.search(rf"\b{image}\b", lowered) for image in OTHER_IMAGES), question


# --- 4 and 5. Reminders -------------------------------------------------------------------


def test_there_are_exactly_forty_distinct_reminders_and_no_two_too_alike(
    catalog: Catalog,
) -> None:
    reminders = catalog.variants("reminders.reminders")
    assert len({normalised(text) for text in reminders}) == len(reminders) == REMINDER_COUNT
    alike = [
        f"{why}:\n  {a}\n  {b}"
        for a, b in itertools.combinations(reminders, 2)
        if (why := too_similar(a, b))
    ]
    assert not alike, "\n".join(alike)


def test_the_similarity_measure_catches_the_former_near_duplicates() -> None:
    missed = [pair for pair in FORMER_NEAR_DUPLICATES if too_similar(*pair) is None]
    assert not missed, missed


def test_reminders_name_what_the_source_names(catalog: Catalog) -> None:
    reminders = [text.lower() for text in catalog.variants("reminders.reminders")]
    themes = {
        "numb, a warning sign": ("warning sign",),
        "not wanting to do one more thing": ("one more thing",),
        "getting preachy": ("preachy",),
        "a sharp, shrill tone": ("sharp", "shrill"),
        "not starting where the family is": ("where the family is",),
        "the work phone at night": ("work phone",),
        "a personal number": ("own phone number", "personal number"),
        "saying no to one more case": ("can't take another case",),
        "not every job is the one for you": ("another setting",),
        "success when others decide": ("court decides", "your part"),
        "cases that stay with you": ("stay with you",),
        "a peer is normal practice": ("normal practice",),
        "on call": ("on call", "on-call"),
        "home visits": ("visit",),
        "court days": ("court",),
        "case-note deadlines": ("notes",),
        "secondary trauma": ("harm done", "someone else's story"),
    }
    missing = [
        name for name, words in themes.items() if not any(w in r for r in reminders for w in words)
    ]
    assert not missing, missing
    assert any("numb" in r and "warning sign" in r for r in reminders)


def test_reminders_neither_presume_nor_preach_nor_assume_shifts(catalog: Catalog) -> None:
    """Issue 21, items 3 and 5: no shifts where caseworkers rarely work them, no shame, no
    lesson in the basics, no wellness cliché, nothing said only to the newest of eight."""
    banned = (
        r"\bshift\b|ashamed|shame|new here|inner critic|your jaw|honestly wait|you catch yourself"
    )
    texts_ = [*catalog.variants("reminders.reminders"), *catalog.variants("home.lines")]
    offenders = [text for text in texts_ if re.search(banned, text.lower())]
    assert not offenders, offenders


# --- 6. Labels that match what people clicked ---------------------------------------------


def test_summaries_name_each_level_with_the_words_people_clicked(catalog: Catalog) -> None:
    """Once per summary, in button order, each with what it means; the lines stay short."""
    cards = ReportCards(catalog, 5, str)
    key = cards.level_key().text
    for level in LEVELS:
        assert catalog.text(f"checkin.levels.{level.value}.label") in key, key
        assert catalog.text(f"checkin.levels.{level.value}.meaning") in key, key
    line = cards._line("2026-W45", Tally((2, 1, 2, 1)), "")
    assert "2 · 1 · 2 · 1" in line and len(line) < 80, line
    assert not list(catalog.keys("summaries.levels.")), "no second set of names to drift"
    assert "fine" in catalog.text("checkin.levels.early.label").lower(), "someone fine can click"
    assert "it shows" not in catalog.text("checkin.levels.beyond.label")


def test_the_trend_says_what_went_up_and_that_up_is_worse(catalog: Catalog) -> None:
    numbers = {"before": "20%", "answers": "6", "earlier_answers": "11"}
    up = catalog.text("summaries.trend_up", **numbers).lower()
    assert "share" in up and "running low" in up and "20%" in up
    for direction in ("up", "down", "same"):
        fewer = catalog.text(f"summaries.trend_{direction}_fewer", **numbers)
        assert "fewer answers" in fewer and "6" in fewer and "11" in fewer, fewer
    intro = catalog.text("summaries.digest_intro", period="2026-W45").lower()
    assert "not how well" in intro, "a wellbeing summary, not a performance review"
    assert "did last week" not in intro


def test_team_suggestions_say_talk_as_a_team_not_who_and_name_both_late_levels(
    catalog: Catalog,
) -> None:
    ideas = [
        idea
        for key in ("pulse.suggestion", "pulse.suggestion_high", "pulse.suggestion_hard_week")
        for idea in catalog.variants(key, team="North")
    ]
    for idea in ideas:
        lowered = idea.lower()
        assert "team" in lowered and "don't try to work out who" in lowered, idea
        assert "autopilot" in lowered and "past empty" in lowered, idea


# --- 8. For peer volunteers ---------------------------------------------------------------


async def test_peers_get_the_guide_when_they_volunteer_and_with_every_accepted_debrief(
    catalog: Catalog,
) -> None:
    safety = SafetyWords(catalog, crisis=AGENCY_CRISIS)
    nobody = RoleBook({}, {}, cast(Any, None), FixedClock())  # no roles named, no roster
    service = VolunteerService(cast(Any, _uow), FixedClock(), catalog, nobody, safety)
    values = {"capacity": "2", "days": ("mon",), "timezone": "Europe/London"}
    signed_up = texts(await service.sign_up(WorkspaceRef("slack", "T1"), "U1", values))
    accepted = texts(debrief_cards(catalog, AGENCY_CRISIS, None).accepted("Ana", "A note"))
    guide_title = catalog.text("safety.peer_guide.title")
    harm = catalog.text("safety.peer_guide.harm")
    for shown in (signed_up, accepted):
        joined = "\n".join(shown)
        assert guide_title in joined and harm in joined, joined
        assert "fix" in joined and "stay with them" in joined and "procedure" in joined
        bullets = [f"• {line}" for line in catalog.variants("safety.peer_guide.lines")]
        assert all(bullet in joined.split("\n") for bullet in bullets), "one line each"
        crisis = next(text for text in shown if AGENCY_CRISIS in text)
        assert crisis.startswith(catalog.text("safety.fixed_line")), "the fixed line first"


def test_the_intro_post_says_what_is_kept_and_that_answers_are_anonymous_and_optional(
    catalog: Catalog,
) -> None:
    post = catalog.text("summaries.intro_post", people="6").lower()
    for words in ("anonymous", "optional", "counts, never who clicked", "6 different people"):
        assert words in post, words
    openers = " ".join(catalog.variants("summaries.openers")).lower()
    assert "still with you" in openers and "success" in openers, "a hard case; what success is"
