"""Generated Slack requests: the shapes Slack really sends, then perturbed.

Each skeleton is what the e2e tests send (tests/fakes/slack_signer.py); the perturbations are
what a fuzzer adds: any unicode, huge values, missing keys, wrong types, unknown ids, deep
nesting. `CHECKIN` in a value stands for the id of a real open check-in, put in when it is
sent; `EVENT_ID` for a new event id (a repeated one is ignored as a retry, so a replay would
differ); `RESPONSE_URL` for a response_url the fake Slack issued, `STRANGER` for the address
of a server that is not Slack's. Generated strings often carry `MARK`: no log line may.
"""

import copy
import time
from typing import Any

from hypothesis import strategies as st

from bot.domain.commands import Command
from bot.outgoing.actions import Action, FormId
from bot.services.dispatch import command_words

CHECKIN = "@CHECKIN@"
EVENT_ID = "@EVENT_ID@"  # a fresh event id each time it is sent
RESPONSE_URL = "@RESPONSE_URL@"  # a response_url the fake Slack issued
STRANGER = "@STRANGER@"  # the origin of a server that is neither Slack nor Teams
MARK = "Zq7Mark"  # letters only, so it passes the id checks and reaches deeper code
TEAM, USER, CHANNEL = "T0AGENCY", "U0ALICE", "C0TEAM"

# Any unicode Slack can carry (no lone surrogates: they are not UTF-8).
words = st.text(max_size=40)
huge = st.builds(
    lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.integers(500, 20_000)
)
# Strings a person could never type into a form: the marker inside control characters,
# right-to-left marks and emoji, or 100 KB of it.
odd = st.one_of(
    st.builds(lambda a, b: f"{a}{MARK}{b}", words, words),
    st.builds(lambda a: f"{a}\x00{MARK}\x00", words),
    st.just(f"\u202e{MARK}\u200d\U0001f9d1\u200d\U0001f4bb\ufeff"),
    st.just((MARK + "\u00e9") * (100_000 // (len(MARK) + 1))),
)
text = st.one_of(words, words, huge, odd)


def mostly(
    usual: st.SearchStrategy[Any], damaged: st.SearchStrategy[Any]
) -> st.SearchStrategy[Any]:
    """`usual` three times in four: a request with every field damaged is refused before any
    listener runs, so most fields must be what Slack would send for the listeners to be fuzzed."""
    return st.integers(0, 3).flatmap(lambda n: usual if n < 3 else damaged)


ids = mostly(
    st.sampled_from([USER, "U0BOB", CHANNEL, "D0ALICE", "G0GROUP", "", "C", f"U{MARK}"]), words
)
teams = mostly(st.just(TEAM), ids)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), text
)


def nest(depth: int, as_list: bool) -> Any:
    """The marker inside `depth` lists or objects."""
    value: Any = MARK
    for _ in range(depth):
        value = [value] if as_list else {"a": value}
    return value


# Wrong-typed values: anything JSON can hold where Slack puts a string or an object, nested
# up to a little past what the apps read at all (bot.process.json_body.MAX_DEPTH).
junk = st.one_of(
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
        max_leaves=8,
    ),
    st.builds(nest, st.integers(1, 40), st.booleans()),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key or index inside `node`, as a path from the top."""
    found: list[tuple[Any, ...]] = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, value in items:
        found.append((*prefix, key))
        found.extend(_paths(value, (*prefix, key)))
    return found


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


@st.composite
def perturbed(draw: st.DrawFn, skeleton: Any, values: st.SearchStrategy[Any] | None = None) -> Any:
    """`skeleton` with up to four keys dropped or replaced by `values` (junk or text)."""
    payload = copy.deepcopy(skeleton)
    for _ in range(draw(st.integers(0, 4))):
        paths = _paths(payload)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _at(payload, path[:-1])
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(st.one_of(junk, text) if values is None else values)
    return payload


def _action_ids() -> st.SearchStrategy[str]:
    known = st.builds(
        lambda a, n: f"{a.value}#{n}", st.sampled_from(list(Action)), st.integers(0, 30)
    )
    return st.one_of(known, known, words)


def _levels() -> st.SearchStrategy[str]:
    level = st.sampled_from(["early", "middle", "late", "beyond", "", "BEYOND"])
    answer = st.builds(lambda lv: f"{CHECKIN}|{lv}", level)
    return st.one_of(answer, st.builds(lambda a, b: f"{a}|{b}", words, words), text)


# Where Slack says to answer: mostly one the fake issued, else anything a forger might put.
foreign_response_urls = st.one_of(
    st.sampled_from(
        [
            f"{STRANGER}/response/{MARK}",
            f"http://hooks.slack.com/commands/T0AGENCY/1/{MARK}",
            f"https://hooks.slack.com.{MARK}.example/commands/1",
            f"https://{MARK}.example/hooks.slack.com/commands/1",
            f"https://{MARK}@hooks.slack.com.example/commands/1",
            "https://hooks.slack.com:8443/commands/1",
            f"https://hooks.slack.com\x00.{MARK}.example/",
            "//hooks.slack.com/commands/1",
            f"javascript:{MARK}",
            "https://[::1/commands",
            "http://169.254.169.254/latest/meta-data/",
            "",
        ]
    ),
    text,
)
response_urls = mostly(st.just(RESPONSE_URL), foreign_response_urls)
trigger_ids = mostly(st.just(f"1.{int(time.time())}.abc"), text)


@st.composite
def slash_commands(draw: st.DrawFn) -> dict[str, str]:
    """A slash command's form fields (always strings: it is a form), some missing."""
    command = draw(st.one_of(st.sampled_from([f"/{c.value}" for c in Command]), words))
    known = sorted({w for c in Command for w in command_words(c)} | {"help", "data", "<@U0BOB>"})
    typed = draw(
        st.one_of(
            st.sampled_from(known), text, st.builds("{} {}".format, st.sampled_from(known), text)
        )
    )
    form = {
        "token": "fakeVerificationToken0000",
        "team_id": draw(teams),
        "team_domain": "agency",
        "channel_id": draw(ids),
        "channel_name": draw(words),
        "user_id": draw(ids),
        "user_name": draw(words),
        "command": command,
        "text": typed,
        "api_app_id": "A0WELL",
        "is_enterprise_install": "false",
        "response_url": draw(response_urls),
        "trigger_id": draw(trigger_ids),
    }
    for key in draw(mostly(st.just(set()), st.sets(st.sampled_from(sorted(form)), max_size=3))):
        del form[key]
    return form


def _common(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    team = draw(teams)
    return {
        "type": kind,
        "team": {"id": team, "domain": "agency"},
        "user": {"id": draw(ids), "username": "alice", "name": "alice", "team_id": team},
        "api_app_id": "A0WELL",
        "token": "fakeVerificationToken0000",
        "trigger_id": draw(trigger_ids),
        "enterprise": None,
        "is_enterprise_install": False,
    }


@st.composite
def block_actions(draw: st.DrawFn) -> dict[str, Any]:
    """A button click on one of the bot's messages, any button, any value."""
    channel = draw(ids)
    action = {
        "action_id": draw(_action_ids()),
        "block_id": "b1",
        "value": draw(_levels()),
        "type": "button",
        "text": {"type": "plain_text", "text": "x", "emoji": True},
        "action_ts": f"{int(time.time())}.000001",
    }
    skeleton = {
        **_common(draw, "block_actions"),
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel},
        "channel": {"id": channel, "name": "team-north"},
        "message": {"type": "message", "ts": "1700000000.000100", "text": "", "blocks": []},
        "state": {"values": {}},
        "response_url": draw(response_urls),
        "actions": [action],
    }
    return draw(perturbed(skeleton))


def _form_values() -> st.SearchStrategy[dict[str, Any]]:
    """view.state.values of the app's forms, filled with anything."""
    select = st.builds(lambda v: {"type": "static_select", "selected_option": {"value": v}}, text)
    boxes = st.builds(
        lambda vs: {"type": "checkboxes", "selected_options": [{"value": v} for v in vs]},
        st.lists(st.one_of(st.sampled_from(["mon", "fri", "yes", "sun"]), words), max_size=8),
    )
    typed = st.builds(
        lambda v: {"type": "plain_text_input", "value": v}, st.one_of(st.none(), text)
    )
    clock = st.builds(
        lambda v: {"type": "timepicker", "selected_time": v},
        st.one_of(st.sampled_from(["09:00", "23:59", "24:00"]), words),
    )
    day = st.builds(
        lambda v: {"type": "datepicker", "selected_date": v},
        st.one_of(st.sampled_from(["2026-12-01", "2026-02-30"]), words),
    )
    person = st.builds(lambda v: {"type": "users_select", "selected_user": v}, ids)
    element = st.one_of(select, boxes, typed, clock, day, person)
    names = st.one_of(
        st.sampled_from(
            [
                "kind",
                "days",
                "time",
                "timezone",
                "skip",
                "urgency",
                "preference",
                "note",
                "consent",
                "hours",
                "capacity",
                "start",
                "end",
                "instructor",
                "school",
                "who",
                "message",
            ]
        ),
        words,
    )
    return st.dictionaries(names, st.builds(lambda n, e: {n: e}, names, element), max_size=8)


@st.composite
def view_submissions(draw: st.DrawFn) -> dict[str, Any]:
    """A modal submitted: any of the app's forms or an unknown one, with any values."""
    callback = draw(st.one_of(st.sampled_from([f.value for f in FormId]), words))
    view = {
        "id": "V0FUZZ",
        "team_id": TEAM,
        "type": "modal",
        "callback_id": callback,
        "private_metadata": draw(st.one_of(st.just(""), ids, text)),
        "external_id": "",
        "title": {"type": "plain_text", "text": "Wellspring"},
        "blocks": [],
        "hash": "1700000000.abcd",
        "bot_id": "B0BOT",
        "root_view_id": "V0FUZZ",
        "previous_view_id": None,
        "app_id": "A0WELL",
        "state": {"values": draw(_form_values())},
    }
    answer_to = st.builds(
        lambda url, channel: {"response_url": url, "channel_id": channel, "block_id": "b1"},
        response_urls,
        ids,
    )
    skeleton = {
        **_common(draw, "view_submission"),
        "view": view,
        "response_urls": draw(
            mostly(st.lists(answer_to, max_size=1), st.lists(answer_to, min_size=2, max_size=2))
        ),
    }
    return draw(perturbed(skeleton))


@st.composite
def events(draw: st.DrawFn, bot_user: str) -> dict[str, Any]:
    """An Events API envelope around any of the events the app listens to, or another."""
    kind = draw(
        st.one_of(
            st.sampled_from(
                [
                    "app_home_opened",
                    "message",
                    "user_change",
                    "subteam_members_changed",
                    "subteam_updated",
                    "app_uninstalled",
                    "tokens_revoked",
                    "app_mention",
                ]
            ),
            words,
        )
    )
    event: dict[str, Any] = {
        "type": kind,
        "user": draw(st.one_of(ids, st.builds(lambda i, d: {"id": i, "deleted": d}, ids, junk))),
        "channel": draw(ids),
        "channel_type": draw(st.sampled_from(["im", "channel", "group", "mpim"])),
        "tab": draw(st.sampled_from(["home", "messages", "about"])),
        "text": draw(text),
        "ts": "1700000000.000200",
        "event_ts": "1700000000.000200",
    }
    envelope = {
        "token": "fakeVerificationToken0000",
        "team_id": draw(teams),
        "api_app_id": "A0WELL",
        "event": event,
        "type": "event_callback",
        "event_id": draw(st.one_of(st.just(EVENT_ID), st.just(EVENT_ID), words)),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": TEAM,
                "user_id": bot_user,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return draw(perturbed(envelope))
