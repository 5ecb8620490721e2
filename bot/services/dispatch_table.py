"""The table the Dispatcher routes by: each feature registers its command words, buttons,
forms and App Home cards here (bot/services/routes), and the table refuses a second claim."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, Self, TypeVar

from bot.domain.commands import Command, CommandText
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import Card, Form, FormValues

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Where:
    """Who acted, where: `team` is the team conversation, None in a private chat."""

    workspace: WorkspaceRef
    person: str
    team: str | None


@dataclass(frozen=True)
class Notice:
    """A message shown on top of an open form (the crisis resources)."""

    title: str
    close: str
    card: Card


@dataclass(frozen=True)
class Outcome:
    """What the adapter shows; `then` is slow work to run once the person has an answer."""

    reply: tuple[Card, ...] = ()  # only the person who acted sees these
    replace: bool = False  # the reply takes the place of the message that was clicked
    public: Card | None = None  # everyone in the conversation sees this
    form: Form | None = None
    notice: Notice | None = None
    refresh_home: bool = False
    then: Callable[[], Awaitable[None]] | None = None

    @classmethod
    def private(cls, *cards: Card, replace: bool = False) -> Self:
        """Cards only the person who acted sees."""
        return cls(reply=cards, replace=replace)


CommandHandler = Callable[[Where, CommandText], Awaitable[Outcome]]
# A word used in a team conversation only: the handler is given that conversation.
TeamCommandHandler = Callable[[Where, str, CommandText], Awaitable[Outcome]]
ActionHandler = Callable[[Where, str], Awaitable[Outcome]]  # the button's value
FormShow = Callable[[Where, str], Awaitable[Form]]  # the form's context
FormSubmit = Callable[[Where, str, FormValues], Awaitable[Outcome]]
HomeSection = Callable[[Where], Awaitable[list[Card]]]


@dataclass(frozen=True)
class Anywhere:
    handler: CommandHandler


@dataclass(frozen=True)
class InTeam:
    handler: TeamCommandHandler


@dataclass(frozen=True)
class FormRoute:
    """How a form is shown (checks made again when it is shown anew) and what submitting does."""

    show: FormShow
    submit: FormSubmit


class RouteConflict(Exception):
    """Two features claim one word, button or form, or the table and the word list disagree."""


class DispatchTable:
    """Every command word, button and form, each with the one handler a feature registered."""

    def __init__(self) -> None:
        self.commands: dict[tuple[Command, str], Anywhere | InTeam] = {}
        self.actions: dict[Action, ActionHandler] = {}
        self.forms: dict[FormId, FormRoute] = {}
        self.home: list[HomeSection] = []  # shown in the order registered

    def command(self, command: Command, word: str, handler: CommandHandler) -> None:
        """`/command word ...`, wherever it is typed."""
        _claim(self.commands, (command, word), Anywhere(handler), f"/{command} {word}")

    def team_command(self, command: Command, word: str, handler: TeamCommandHandler) -> None:
        """`/command word ...` in a team conversation; anywhere else the person is told so."""
        _claim(self.commands, (command, word), InTeam(handler), f"/{command} {word}")

    def action(self, action: Action, handler: ActionHandler) -> None:
        _claim(self.actions, action, handler, f"button {action}")

    def form(self, form_id: FormId, show: FormShow, submit: FormSubmit) -> None:
        _claim(self.forms, form_id, FormRoute(show, submit), f"form {form_id}")

    def home_section(self, section: HomeSection) -> None:
        """Cards for a person's own page, after the introduction."""
        self.home.append(section)

    def check(self, words: Mapping[Command, frozenset[str]]) -> None:
        """Raise RouteConflict unless the registered words are exactly `words`, and every
        button and form has its handler."""
        listed = {(command, word) for command, known in words.items() for word in known}
        problems = [
            *(f"/{c} {w}: listed, no handler" for c, w in sorted(listed - self.commands.keys())),
            *(f"/{c} {w}: not listed" for c, w in sorted(self.commands.keys() - listed)),
            *(f"button {a}: no handler" for a in Action if a not in self.actions),
            *(f"form {f}: no handler" for f in FormId if f not in self.forms),
        ]
        if problems:
            raise RouteConflict("; ".join(problems))


class Feature(Protocol):
    """A feature's entry points: it registers each of them once."""

    def register(self, table: DispatchTable) -> None: ...


def _claim(routes: dict[K, V], key: K, route: V, name: str) -> None:
    if key in routes:
        raise RouteConflict(f"{name} is registered twice")
    routes[key] = route
