"""Generated Teams activities: the ones Teams really posts to /api/messages, then damaged.

The skeletons come from tests/fakes/teams_activities.py (what the e2e tests send); the damage is
what a fuzzer adds (tests/fuzz/strategies.py): keys dropped, wrong types, huge or odd strings,
deep nesting, and a serviceUrl that is not the Bot Connector's. `SERVICE_URL` stands for the
fake Bot Connector's address, put in when the activity is sent; `STRANGER` for a server that is
no part of Teams.
"""

from typing import Any

from hypothesis import strategies as st

from bot.outgoing.actions import Action, FormId
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities
from tests.fuzz.strategies import MARK, STRANGER, junk, perturbed, text, words

SERVICE_URL = "@SERVICE_URL@"
ARI, BO = Person.named("Ari Worker"), Person.named("Bo Lead")
NORTH = Team.named("North")
PLACES = [Place.channel(NORTH), Place.personal(ARI), Place.group_chat()]
_build = TeamsActivities(SERVICE_URL)

# JSON may carry what UTF-8 can't: a lone surrogate, escaped.
surrogates = st.builds(lambda a: f"{a}\ud800{MARK}\udfff", words)
values = st.one_of(junk, text, surrogates)
service_urls = st.one_of(
    st.just(SERVICE_URL),
    st.just(SERVICE_URL),
    st.just(SERVICE_URL),
    st.sampled_from(
        [
            f"{STRANGER}/{MARK}/",
            f"https://smba.trafficmanager.net.{MARK}.example/amer/",
            f"https://{MARK}.example/smba.trafficmanager.net/",
            f"https://{MARK}@evil.example/teams/",
            "http://smba.trafficmanager.net/amer/",
            "https://smba.trafficmanager.net:8443/amer/",
            "http://169.254.169.254/metadata/",
            f"ftp://smba.trafficmanager.net/{MARK}",
            f"smba.trafficmanager.net/{MARK}",
            "https://",
            "https://[::1/teams/",
            "",
        ]
    ),
    values,
)


def _message(sender: Person, place: Place, typed: str) -> dict[str, Any]:
    return _build.message(sender, typed, place)


def _card_action(sender: Person, place: Place, data: dict[str, Any]) -> dict[str, Any]:
    return _build.card_action(sender, place, "act", data, reply_to_id="1764500000001")


def _task_fetch(sender: Person, place: Place, data: dict[str, Any]) -> dict[str, Any]:
    return _build.task_fetch(sender, place, data)


def _task_submit(sender: Person, place: Place, data: dict[str, Any]) -> dict[str, Any]:
    return _build.task_submit(sender, place, data)


def _install(sender: Person, place: Place, added: bool) -> dict[str, Any]:
    return _build.bot_added(sender, place) if added else _build.bot_removed(sender, place)


def _installation(sender: Person, place: Place, added: bool) -> dict[str, Any]:
    return _build.installation_update(sender, place, "add" if added else "remove")


_typed = st.one_of(
    st.sampled_from(["checkin now", "pulse", "debrief", "help", "home", "debrief volunteer"]),
    text,
)
_action_data = st.fixed_dictionaries(
    {"action": st.one_of(st.sampled_from([a.value for a in Action]), words)},
    optional={"value": st.one_of(words, text), "form_id": st.sampled_from(list(FormId))},
)
_form_data = st.fixed_dictionaries(
    {"form_id": st.one_of(st.sampled_from([f.value for f in FormId]), words)},
    optional={
        "context": st.one_of(words, text),
        "days": st.sampled_from(["mon,fri", "", f"mon,{MARK}"]),
        "time": st.sampled_from(["09:00", "24:00", MARK]),
        "note": text,
    },
)
_people, _places = st.sampled_from([ARI, BO]), st.sampled_from(PLACES)
skeletons = st.one_of(
    st.builds(_message, _people, _places, _typed),
    st.builds(_card_action, _people, _places, _action_data),
    st.builds(_task_fetch, _people, _places, _form_data),
    st.builds(_task_submit, _people, _places, st.one_of(_form_data, _action_data)),
    st.builds(_install, _people, _places, st.booleans()),
    st.builds(_installation, _people, _places, st.booleans()),
)


# The fields the adapter reads: damage lands on one of them more often than chance would.
READ = [
    "type",
    "name",
    "id",
    "text",
    "action",
    "from",
    "conversation",
    "channelData",
    "entities",
    "value",
    "membersAdded",
    "membersRemoved",
]


@st.composite
def activities(draw: st.DrawFn) -> dict[str, Any]:
    """A message, card click, dialog, install or uninstall, damaged, with any serviceUrl."""
    activity = draw(perturbed(draw(skeletons), values=values))
    for key in draw(st.lists(st.sampled_from(READ), max_size=2, unique=True)):
        if draw(st.booleans()):
            activity.pop(key, None)
        else:
            activity[key] = draw(values)
    if draw(st.booleans()):
        activity["serviceUrl"] = draw(service_urls)
    return activity
