"""Wording in prompts/en: every prompt renders, fits Slack, reads plainly and keeps the tone."""

import re
from collections import defaultdict
from statistics import mean

import pytest
import textstat

from bot.domain.debriefs import RequestStatus
from prompts import Catalog, load_catalog

MAX_MEAN_GRADE = 7.0
MAX_SENTENCE_WORDS = 25
SECTION_LIMIT = 3000
BUTTON_LIMIT = 75
MODAL_LIMIT = 24
LEVEL_LABEL_LIMIT = 40
ANONYMOUS_BUTTON_LIMIT = 30
MEANING_WORDS = 20
LEVELS = ["early", "middle", "late", "beyond"]

# Sample values for placeholders; any other placeholder gets a plain word.
SAMPLES = {
    "capacity": "2",
    "channel": "<#C0123|team-north>",
    "count": "3",
    "date": "2026-12-24",
    "days": "Mon, Thu",
    "end": "17:00",
    "kind": "after a hard case",
    "label": "End of my shift",
    "limit": "500",
    "matched": "10",
    "median": "18 minutes",
    "minimum": "5",
    "minutes": "15",
    "month": "2026-11",
    "next": "Thu 6 Nov at 09:00",
    "peer": "<@U0BOB>",
    "requester": "<@U0ALICE>",
    "requests": "12",
    "start": "09:00",
    "status": "Active",
    "team": "<#C0123|team-north>",
    "time": "09:00",
    "timezone": "America/Chicago",
    "unmatched": "2",
    "urgency": "today",
    "value": "2026-13-40",
    "when": "Mon, Thu at 09:00 (America/Chicago)",
    "word": "hello",
    "instructor": "<@U0CARA>",
    "student": "<@U0SAM>",
    "week": "3",
    "theme": "Strong feelings",
    "weeks": "12",
}

# The keys other code relies on, with the placeholders each must take (exactly).
REQUIRED: dict[str, set[str]] = {
    **{
        f"checkin.{key}": set()
        for key in (
            "questions",
            "anonymous_line",
            "anonymous_button",
            "anonymous_explained",
            "posted_now",
            "closed_line",
        )
    },
    **{
        f"checkin.levels.{level}.{part}": set() for level in LEVELS for part in ("label", "meaning")
    },
    "reminders.reminders": set(),
    "reminders.header": set(),
    **{
        f"schedules.{key}": set()
        for key in (
            "not_yours",
            "not_member",
            "modal_title",
            "modal_submit",
            "modal_cancel",
            "field_kind",
            "kind_checkin",
            "kind_reminder",
            "error_kind",
            "field_days",
            "day_mon",
            "day_tue",
            "day_wed",
            "day_thu",
            "day_fri",
            "day_sat",
            "day_sun",
            "field_time",
            "field_timezone",
            "timezone_hint",
            "field_skip",
            "skip_hint",
            "error_no_days",
            "error_time",
            "list_empty",
            "status_active",
            "status_paused",
            "button_pause",
            "button_resume",
            "button_delete",
            "next_none",
            "deleted",
            "paused_one",
            "resumed_one",
            "use_in_channel",
            "weekdays",
            "every_day",
        )
    },
    "schedules.error_timezone": {"timezone"},
    "schedules.error_skip_date": {"value"},
    "schedules.error_limit": {"limit"},
    "schedules.created": {"kind", "when", "next"},
    "schedules.list_header": {"count"},
    "schedules.list_item": {"kind", "when", "next", "status"},
    "schedules.paused_all": {"count"},
    "schedules.resumed_all": {"count"},
    "schedules.not_in_channel": {"channel", "kind"},
    "schedules.when": {"days", "time", "timezone"},
    **{
        f"personal.{key}": set()
        for key in (
            "section_title",
            "intro",
            "add_button",
            "modal_title",
            "modal_submit",
            "field_label",
            "default_label",
            "list_empty",
            "remove_button",
            "added",
            "removed",
        )
    },
    "personal.label_hint": {"default"},
    "personal.list_item": {"label", "when"},
    "personal.dm_header": {"label"},
    "checkin.minimum_line": {"minimum"},
    "commands.pulse.title": set(),
    "commands.pulse.lines": set(),
    **{
        f"pulse.{key}": set()
        for key in (
            "ack.early",
            "ack.middle",
            "ack.late",
            "ack.beyond",
            "ack.debrief_button",
            "ack.resources_header",
            "resources_default",
            "already_answered",
            "closed",
            "unknown",
            "not_member",
            "try_again",
            "not_counted",
            "refuse.not_supervisor",
        )
    },
    "pulse.refuse.not_member": {"team"},
    "pulse.refuse.not_assigned": {"team"},
    "pulse.suggestion": {"team"},
    "pulse.suggestion_high": {"team"},
    "pulse.suggestion_hard_week": {"team"},
    **{
        f"summaries.{key}": set()
        for key in (
            "overview_title",
            "weeks_header",
            "months_header",
            "level_key_header",
            "together_none",
            "none_yet",
            "no_teams",
            "audit_title",
            "audit_empty",
            "export_title",
            "export_comment",
            "export_sent",
            "chart_axis",
            "chart_hidden",
            "chart_sent",
            "chart_button",
            "digest_title",
            "home_title",
            *(
                f"how.{kind}"
                for kind in (
                    "summary",
                    "overview",
                    "home",
                    "chart",
                    "export",
                    "digest",
                    "debrief_stats",
                    "debrief_peers",
                    "placements",
                )
            ),
        )
    },
    "summaries.team_title": {"team"},
    "summaries.threshold_note": {"minimum"},
    "summaries.week_line": {"period", "responses", "distribution", "late_share", "trend"},
    "summaries.hidden": {"period"},
    "summaries.hidden_why": {"people"},
    "summaries.pending": {"period"},
    "summaries.no_checkins": {"period"},
    "summaries.level_key_line": {"number", "label", "meaning"},
    "summaries.month_part": {"month", "shown", "active"},
    "summaries.month_names": set(),
    "summaries.intro_title": set(),
    "summaries.intro_post": {"people"},
    "summaries.openers_title": set(),
    "summaries.openers_intro": set(),
    "summaries.openers": set(),
    "summaries.digest_opener": {"opener"},
    "summaries.all_teams": {"period"},
    "summaries.trend_same": set(),
    "summaries.trend_same_fewer": {"answers", "earlier_answers"},
    "summaries.together_some": {"line", "shown", "active"},
    "summaries.trend_up": {"before"},
    "summaries.trend_down": {"before"},
    "summaries.trend_up_fewer": {"before", "answers", "earlier_answers"},
    "summaries.trend_down_fewer": {"before", "answers", "earlier_answers"},
    "summaries.chart_alt": {"team", "weeks"},
    "summaries.chart_alt_week": {"week", "share"},
    "summaries.chart_alt_week_about": {"week", "share"},
    "summaries.chart_alt_hidden": {"week"},
    "summaries.audit_line": {"when", "viewer", "team", "how"},
    "summaries.audit_line_workspace": {"when", "viewer", "how"},
    "summaries.chart_title": {"team"},
    "summaries.chart_comment": {"team"},
    "summaries.digest_intro": {"period"},
    **{
        f"debriefs.{key}": set()
        for key in (
            "teams.open_chat",
            "teams.someone",
            "form.title",
            "form.submit",
            "form.cancel",
            "form.not_safe_button",
            "form.field_kind",
            "form.kind.hard_case",
            "form.kind.critical_incident",
            "form.kind.stress",
            "form.kind.other",
            "form.field_urgency",
            "form.urgency.now",
            "form.urgency.today",
            "form.urgency.week",
            "form.field_preference",
            "form.preference.my_team",
            "form.preference.other_team",
            "form.preference.anyone",
            "form.field_note",
            "form.note_hint",
            "form.field_consent",
            "form.consent_option",
            "crisis.title",
            "crisis.lead",
            "crisis.default",
            "volunteer.not_on_roster",
            "approval.waiting",
            "approval.approve_button",
            "approval.decline_button",
            "approval.approved_peer",
            "approval.declined_peer",
            "approval.removed_peer",
            "approval.gone",
            "approval.refuse",
            "approval.remove_how",
            "volunteer.title",
            "volunteer.submit",
            "volunteer.cancel",
            "volunteer.intro",
            "volunteer.field_capacity",
            "volunteer.capacity_hint",
            "volunteer.field_days",
            "volunteer.field_from",
            "volunteer.field_until",
            "volunteer.hours_hint",
            "volunteer.field_timezone",
            "volunteer.timezone_hint",
            "volunteer.error_no_days",
            "volunteer.error_hours",
            "volunteer.any_time",
            "volunteer.away_saved",
            "volunteer.available_saved",
            "volunteer.stopped",
            "volunteer.not_volunteer",
            "peers.none",
            "peers.few",
            "peers.many",
            "peers.refuse",
            "offer.accept",
            "offer.pass",
            "offer.note_lead",
            "offer.passed",
            "offer.expired",
            "offer.taken",
            "offer.cancelled",
            "offer.gone",
            "offer.already_yours",
            "intro.structure",
            "intro.privacy",
            "intro.done_button",
            "intro.done_thanks",
            "status.still_searching",
            "status.cancel_button",
            "status.cancelled",
            "status.unmatched",
            "status.already_closed",
            "followup.text",
            "followup.again_button",
            "stats.title",
            "stats.counting",
            "stats.refuse",
            *(
                f"stats.wait.{band}"
                for band in (
                    "quarter_hour",
                    "half_hour",
                    "hour",
                    "two_hours",
                    "four_hours",
                    "eight_hours",
                    "day",
                    "longer",
                )
            ),
            "resources_lead",
        )
    },
    "holidays.listed": {"days"},
    "holidays.none": set(),
    "holidays.saved": {"count"},
    "holidays.refuse": set(),
    "holidays.bad_date": {"value"},
    "admin.title": set(),
    "admin.team": {"team", "count", "supervisors"},
    "admin.no_supervisor": set(),
    "admin.copy_button": set(),
    "admin.copy_some_button": set(),
    "admin.copy_title": set(),
    "admin.copy_intro": set(),
    "admin.copy_field": set(),
    "admin.copy_submit": set(),
    "admin.copy_none": set(),
    "admin.assign_how": set(),
    "admin.assign_done": {"person", "team"},
    "admin.assign_already": {"person", "team"},
    "admin.unassign_done": {"person", "team"},
    "admin.unassign_none": {"person", "team"},
    "admin.assign_not_supervisor": {"person"},
    "admin.assignments_off": set(),
    "admin.copied": {"count", "full"},
    "admin.peers_title": set(),
    "admin.peer_ready": {"peer"},
    "admin.peer_waiting": {"peer"},
    "admin.remove_button": {"peer"},
    "admin.no_peers": set(),
    "admin.holidays": {"days"},
    "admin.no_holidays": set(),
    "admin.refuse": set(),
    "debriefs.approval.ask": {"peer"},
    "debriefs.approval.approved": {"peer"},
    "debriefs.approval.declined": {"peer"},
    "debriefs.approval.removed": {"peer"},
    "debriefs.form.intro": {"minutes", "days"},
    "debriefs.form.error_note_long": {"limit"},
    "debriefs.volunteer.error_timezone": {"value"},
    "debriefs.volunteer.saved": {"capacity", "when"},
    "debriefs.volunteer.hours": {"days", "start", "end", "timezone"},
    "debriefs.volunteer.away_until_saved": {"date"},
    "debriefs.volunteer.bad_date": {"value"},
    "debriefs.offer.text": {"kind", "urgency"},
    "debriefs.offer.expires": {"minutes"},
    "debriefs.offer.accepted": {"requester"},
    "debriefs.intro.text": {"requester", "peer"},
    "debriefs.status.searching": {"count"},
    "debriefs.status.accepted": {"peer"},
    "debriefs.coordinator.unmatched": {"kind", "urgency", "requester"},
    "debriefs.stats.month_line": {"month", "requests", "matched", "unmatched", "median"},
    "debriefs.stats.hidden": {"month"},
    "debriefs.crisis.close": set(),
    "debriefs.stats.no_wait": set(),
    "commands.placement.title": set(),
    "commands.placement.lines": set(),
    # The field-placement track (prompts/en/placements.yaml).
    "placements.form.title": set(),
    "placements.form.submit": set(),
    "placements.form.cancel": set(),
    "placements.form.intro": set(),
    "placements.form.field_instructor": set(),
    "placements.form.instructor_hint": set(),
    "placements.form.field_starts": set(),
    "placements.form.field_ends": set(),
    "placements.form.field_day": set(),
    "placements.form.field_time": set(),
    "placements.form.field_timezone": set(),
    "placements.form.timezone_hint": set(),
    "placements.form.error_instructor": set(),
    "placements.form.error_self": set(),
    "placements.form.error_date": set(),
    "placements.form.error_order": set(),
    "placements.form.error_past": set(),
    "placements.form.error_long": set(),
    "placements.form.error_day": set(),
    "placements.form.error_time": set(),
    "placements.promise": set(),
    "placements.support_lead": set(),
    "placements.support_default": set(),
    "placements.ask.confirm_button": set(),
    "placements.ask.decline_button": set(),
    "placements.declined": set(),
    "placements.not_yours": set(),
    "placements.gone": set(),
    "placements.stopped": set(),
    "placements.stopped_by_instructor": set(),
    "placements.none": set(),
    "placements.weekly.journal": set(),
    "placements.weekly.share_button": set(),
    "placements.weekly.question_lead": set(),
    "placements.weekly.explain_lead": set(),
    "placements.share.title": set(),
    "placements.share.submit": set(),
    "placements.share.cancel": set(),
    "placements.share.intro": set(),
    "placements.share.field_words": set(),
    "placements.share.error_empty": set(),
    "placements.share.error_no_placement": set(),
    "placements.share.note": set(),
    # The arc's prompts and stage names: tests/unit/test_placements.py checks each stage's.
    "placements.form.error_timezone": {"value"},
    "placements.when": {"day", "time", "timezone"},
    "placements.saved": {"instructor", "when"},
    "placements.unreached": {"instructor"},
    "placements.ask.text": {"end", "start", "student"},
    "placements.ask.what": {"student"},
    "placements.confirmed": {"date"},
    "placements.confirmed_student": {"date", "instructor"},
    "placements.declined_student": {"instructor"},
    "placements.weekly.student_title": {"week", "weeks"},
    "placements.weekly.instructor_title": {"student", "week", "weeks", "theme"},
    "placements.share.error_long": {"limit"},
    "placements.share.header": {"student"},
    "placements.share.sent": {"instructor"},
    "placements.share.unreached": {"instructor"},
    "placements.stop.ask": {"student", "start", "end"},
    "placements.stop.stop_button": set(),
    "placements.stop.keep_button": set(),
    "placements.stop.done": {"student"},
    "placements.stop.kept": {"student"},
    "placements.count.few": {"minimum"},
    "placements.count.band": {"low", "high"},
    "placements.count.many": {"low"},
    **{f"safety.{key}": set() for key in ("fixed_line", "peer_guide.title", "peer_guide.lines")},
    "safety.peer_guide.harm": set(),
    **{f"home.message.{key}": set() for key in ("lead", "debrief", "lines")},
    # The audit log as a file (issue 13, item 7).
    **{f"summaries.audit_csv_{key}": set() for key in ("title", "comment", "workspace")},
    # A person's own data: /wellspring my data and erase (issue 13, item 4).
    "commands.wellspring.title": set(),
    "commands.wellspring.lines": set(),
    **{
        f"mydata.{key}": set()
        for key in (
            "title",
            "nothing",
            "volunteer_away",
            "reminders",
            "requests",
            "counts_stay",
            "looks_stay",
            "delete_button",
            "deleted",
            "deleted_nothing",
            "erase_how",
            "refuse_not_admin",
            *(f"request_status.{s}" for s in RequestStatus),
        )
    },
    "mydata.volunteer": {"capacity", "when"},
    "mydata.placement_student": {"instructor", "start", "end"},
    "mydata.placement_instructor": {"student", "start", "end"},
    "mydata.request_line": {"date", "status"},
    "mydata.request_note": {"date", "status"},
    "mydata.offers": {"count"},
    "mydata.looks": {"count", "date"},
    "mydata.assigned": {"teams"},
    "mydata.erase_done": {"person"},
}
STRICT_FILES = (
    "checkin",
    "reminders",
    "schedules",
    "personal",
    "pulse",
    "summaries",
    "debriefs",
    "safety",
    "mydata",
)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog("en")


def rendered(catalog: Catalog, key: str, plain_word: bool = False) -> tuple[str, ...]:
    """Every variant of a key, placeholders filled with samples (or one plain word)."""
    names = catalog.placeholders(key)
    params = {name: "this" if plain_word else SAMPLES.get(name, "sample") for name in names}
    return catalog.variants(key, **params)


def every_text(catalog: Catalog, plain_word: bool = False) -> list[tuple[str, str]]:
    """(key, text) for every variant of every prompt in the catalogue."""
    return [(key, text) for key in catalog.keys("") for text in rendered(catalog, key, plain_word)]


def plain(text: str) -> str:
    """The words a reader reads: Slack markup, code, links and bullets taken out."""
    text = re.sub(r"<[^>|]*\|([^>]*)>", r"\1", text)
    text = re.sub(r"<[^>]*>", "link", text)
    text = re.sub(r"https?://\S+", "link", text)
    text = re.sub(r"`[^`]*`", "it", text)
    text = re.sub(r"(?<!\w)\*([^*\n]+)\*(?!\w)", r"\1", text)
    text = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", text)
    text = re.sub(r"(?m)^\s*(?:[•◦▪·*\-–]|\d+\.)\s+", "", text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip()


def sentences(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[.!?\n]+", plain(text)) if part.strip()]


def grade_report(catalog: Catalog) -> tuple[float, list[tuple[float, str, str]]]:
    """Mean Flesch-Kincaid grade over all prompts, and every prompt's grade, hardest first."""
    graded = [
        (textstat.flesch_kincaid_grade(plain(text)), key, text)
        for key, text in every_text(catalog, plain_word=True)
    ]
    graded.sort(key=lambda item: item[0], reverse=True)
    return mean(grade for grade, _, _ in graded), graded


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def test_required_keys_exist_with_their_placeholders(catalog: Catalog) -> None:
    keys = set(catalog.keys())
    missing = sorted(set(REQUIRED) - keys)
    assert not missing, f"missing wording: {missing}"
    wrong = {
        key: (sorted(catalog.placeholders(key)), sorted(names))
        for key, names in REQUIRED.items()
        if catalog.placeholders(key) != names
    }
    assert not wrong, f"placeholders (found, expected): {wrong}"
    unexpected = sorted(
        key
        for key in keys - set(REQUIRED)
        if key.split(".")[0] in STRICT_FILES and ".extra." not in key
    )
    assert not unexpected, f"keys outside the agreed list (put extras under `extra`): {unexpected}"


def test_every_prompt_renders_without_leftover_braces(catalog: Catalog) -> None:
    texts = every_text(catalog)
    assert len(texts) > 100
    leftovers = [(key, text) for key, text in texts if "{" in text or "}" in text]
    assert not leftovers, f"braces left after filling placeholders: {leftovers}"
    empty = [key for key, text in texts if not text.strip()]
    assert not empty, f"empty wording: {empty}"


def test_texts_fit_block_kit_limits(catalog: Catalog) -> None:
    problems = []
    for key, text in every_text(catalog):
        last = key.rsplit(".", 1)[-1]
        limits = [SECTION_LIMIT]
        if "button" in last or (key.startswith("checkin.levels.") and last.endswith("label")):
            limits.append(BUTTON_LIMIT)
        if last in ("modal_title", "modal_submit", "modal_cancel"):
            limits.append(MODAL_LIMIT)
        if key.startswith("checkin.levels.") and last == "label":
            limits.append(LEVEL_LABEL_LIMIT)
        if key == "checkin.anonymous_button":
            limits.append(ANONYMOUS_BUTTON_LIMIT)
        if len(text) > min(limits):
            problems.append(f"{key}: {len(text)} > {min(limits)} chars: {text!r}")
    assert not problems, "\n".join(problems)


def test_level_meanings_are_one_short_sentence(catalog: Catalog) -> None:
    for level in LEVELS:
        meaning = catalog.text(f"checkin.levels.{level}.meaning")
        assert len(sentences(meaning)) == 1, meaning
        assert len(meaning.split()) <= MEANING_WORDS, meaning


def test_no_two_prompts_share_the_same_text(catalog: Catalog) -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for key, text in every_text(catalog):
        seen[normalised(text)].append(key)
    duplicates = {text: keys for text, keys in seen.items() if len(keys) > 1}
    assert not duplicates, f"the same wording appears more than once: {duplicates}"


def test_prompts_read_plainly(catalog: Catalog) -> None:
    average, graded = grade_report(catalog)
    worst = "\n".join(f"  {grade:5.1f}  {key}: {text!r}" for grade, key, text in graded[:5])
    assert average <= MAX_MEAN_GRADE, (
        f"mean Flesch-Kincaid grade {average:.2f} > {MAX_MEAN_GRADE}; hardest prompts:\n{worst}"
    )


def test_no_sentence_is_too_long(catalog: Catalog) -> None:
    long_ones = [
        f"{key}: {len(sentence.split())} words: {sentence!r}"
        for key, text in every_text(catalog, plain_word=True)
        for sentence in sentences(text)
        if len(sentence.split()) > MAX_SENTENCE_WORDS
    ]
    assert not long_ones, "\n".join(long_ones)


def test_checkins_and_reminders_have_enough_variety(catalog: Catalog) -> None:
    reminders = catalog.variants("reminders.reminders")
    assert len({normalised(text) for text in reminders}) >= 30, f"{len(reminders)} reminders"
    questions = catalog.variants("checkin.questions")
    assert len({normalised(text) for text in questions}) >= 8, f"{len(questions)} questions"
    levels = list(dict.fromkeys(key.split(".")[2] for key in catalog.keys("checkin.levels.")))
    assert levels == LEVELS, f"levels in order: {levels}"
    paragraphs = catalog.variants("checkin.anonymous_explained")
    assert 4 <= len(paragraphs) <= 7, f"{len(paragraphs)} paragraphs about anonymity"
    for level in LEVELS:
        assert len(catalog.variants(f"pulse.ack.{level}")) >= 3, f"replies to {level}"


def test_tone_has_no_exclamations_and_no_shoulds(catalog: Catalog) -> None:
    offenders = [
        f"{key}: {text!r}"
        for key, text in every_text(catalog)
        if "!" in text or "you should" in text.lower()
    ]
    assert not offenders, "\n".join(offenders)
