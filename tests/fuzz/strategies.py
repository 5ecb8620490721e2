"""Generated Slack requests: the shapes Slack really sends, then perturbed.

Each skeleton is what the e2e tests send (tests/fakes/slack_signer.py); the perturbations are
what a fuzzer adds: any unicode, huge values, missing keys, wrong types, unknown ids.
`CHECKIN` in a value stands for the id of a real open check-in, put in when it is sent;
`EVENT_ID` for a new event id (a repeated one is ignored as a retry, so a replay would differ).
"""

import copy
import time
from typing import Any

from hypothesis import strategies as st

from bot.actions import Action, FormId
from bot.domain.commands import Command
from bot.services.dispatch import command_words

CHECKIN = "@CHECKIN@"
EVENT_ID = "@EVENT_ID@"  # a fresh event id each time it is sent
TEAM, USER, CHANNEL = "T0AGENCY", "U0ALICE", "C0TEAM"

# Any unicode Slack can carry (no lone surrogates: they are not UTF-8).
words = st.text(max_size=40)
huge = st.builds(
    lambda piece, times: piece * times, st.text(min_size=1, max_size=4), st.integers(500, 20_000)
)
text = st.one_of(words, words, huge)
ids = st.one_of(st.sampled_from([USER, "U0BOB", CHANNEL, "D0ALICE", "G0GROUP", "", "C"]), words)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), text
)
# Wrong-typed values: anything JSON can hold where Slack puts a string or an object.
junk = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(words, inner, max_size=3),
    max_leaves=8,
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
def perturbed(draw: st.DrawFn, skeleton: Any, keep: frozenset[str] = frozenset()) -> Any:
    """`skeleton` with up to four keys dropped or replaced (never the keys in `keep`)."""
    payload = copy.deepcopy(skeleton)
    for _ in range(draw(st.integers(0, 4))):
        paths = [p for p in _paths(payload) if not keep & {str(k) for k in p}]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _at(payload, path[:-1])
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(st.one_of(junk, text))
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


# The secret-free parts Slack adds itself and which the app must trust: where to answer.
SLACK_OWN = frozenset({"response_url"})


@st.composite
def slash_commands(draw: st.DrawFn, response_url: str) -> dict[str, str]:
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
        "team_id": TEAM,
        "team_domain": "agency",
        "channel_id": draw(ids),
        "channel_name": draw(words),
        "user_id": draw(ids),
        "user_name": draw(words),
        "command": command,
        "text": typed,
        "api_app_id": "A0WELL",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"1.{int(time.time())}.abc",
    }
    for key in draw(st.sets(st.sampled_from(sorted(set(form) - SLACK_OWN)), max_size=3)):
        del form[key]
    return form


def _common(kind: str, user: str) -> dict[str, Any]:
    return {
        "type": kind,
        "team": {"id": TEAM, "domain": "agency"},
        "user": {"id": user, "username": "alice", "name": "alice", "team_id": TEAM},
        "api_app_id": "A0WELL",
        "token": "fakeVerificationToken0000",
        "trigger_id": f"1.{int(time.time())}.abc",
        "enterprise": None,
        "is_enterprise_install": False,
    }


@st.composite
def block_actions(draw: st.DrawFn, response_url: str) -> dict[str, Any]:
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
        **_common("block_actions", draw(ids)),
        "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel},
        "channel": {"id": channel, "name": "team-north"},
        "message": {"type": "message", "ts": "1700000000.000100", "text": "", "blocks": []},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [action],
    }
    return draw(perturbed(skeleton, SLACK_OWN))


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
    skeleton = {**_common("view_submission", draw(ids)), "view": view, "response_urls": []}
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
        "team_id": TEAM,
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
