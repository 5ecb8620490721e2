"""The playground's pages: being someone, commands, clicks, forms, time and starting over."""

import base64
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web
from markupsafe import Markup, escape

from bot.domain.commands import Command
from bot.outgoing.actions import Action, FormId
from bot.outgoing.messages import ButtonRow, FieldErrors, FieldKind, Form, FormValues, Note, Part
from bot.services import Outcome, Services, Where
from handlers.playground import agency
from handlers.playground.clock import MovableClock
from handlers.playground.guard import RequestGuard
from handlers.playground.world import World, direct
from prompts import Catalog

# Whom each step of the tour is about, in the order of playground.tour.
TOUR_PEOPLE = ("U-maya", "U-sam", "U-sam", "U-maya", "U-maya", "U-priya", "U-alex")
# Answers the simulated colleagues give, in turn: mostly the early stages, some late.
SPREAD = ("early", "middle", "early", "late", "middle", "beyond", "early", "middle")
# Colleagues answer ANSWERING of every ANSWER_CYCLE check-ins (60%), as real teams do.
ANSWERING, ANSWER_CYCLE = 3, 5
CHECKIN_DAYS = (0, 2, 4)  # the week the playground plays out: Monday, Wednesday, Friday
_BOLD = re.compile(r"\*([^*\n]+)\*")
_ITALIC = re.compile(r"(?<![\w])_([^_\n]+)_(?![\w])")
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"&lt;(https?://[^|&]+)\|([^&]+)&gt;")


def markup(text: str) -> Markup:
    """The core's light markup (`*bold*`, `_italic_`, `code`, <url|label>) as safe HTML."""
    html = str(escape(text))
    html = _LINK.sub(r'<a href="\1">\2</a>', html)
    html = _CODE.sub(r"<code>\1</code>", html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    html = _ITALIC.sub(r"<em>\1</em>", html)
    return Markup(html.replace("\n", "<br>"))


class Playground:
    """Every route of the playground; what happens is decided by the core's Dispatcher."""

    def __init__(
        self,
        services: Services,
        catalog: Catalog,
        world: World,
        clock: MovableClock,
        steps: dict[str, timedelta],
        run_due: Callable[[], Awaitable[None]],
        wipe: Callable[[], Awaitable[None]],
        local_only: bool,
    ) -> None:
        self._services, self._catalog, self._world = services, catalog, world
        self._clock, self._steps, self._run_due, self._wipe = clock, steps, run_due, wipe
        self._turns: dict[str, int] = {}  # check-ins the colleagues answered, per team
        self._guard = RequestGuard(local_only, self._refused)
        templates = Path(__file__).with_name("templates")
        self._pages = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True)
        self._pages.filters["markup"] = markup
        self._pages.filters["b64"] = lambda content: base64.b64encode(content).decode("ascii")
        self._pages.filters["part_kind"] = _part_kind

    def routes(self) -> list[web.RouteDef]:
        """Every page behind the guard; every post must come from one of them."""
        pages, changes = self._guard.pages, self._guard.changes
        return [
            web.get("/", pages(self.index)),
            web.get("/as/{person}", pages(self.person_page)),
            web.post("/as/{person}/say", changes(self.say)),
            web.post("/as/{person}/click", changes(self.click)),
            web.get("/as/{person}/form", pages(self.form_page)),
            web.post("/as/{person}/form", changes(self.submit)),
            web.post("/time", changes(self.move_time)),
            web.post("/others/{team}", changes(self.others_answer)),
            web.post("/reset", changes(self.reset)),
        ]

    async def index(self, request: web.Request) -> web.Response:
        return self._render("index.html", page="index")

    async def person_page(self, request: web.Request) -> web.Response:
        me = self._person(request)
        where = Where(agency.WORKSPACE, me.id, None)
        conversations = [
            (team.name, team.id, self._world.seen_by(me.id, team.id), True)
            for team in agency.TEAMS
            if team.id in me.teams
        ]
        conversations.append(
            (
                self._text("direct_title"),
                direct(me.id),
                self._world.seen_by(me.id, direct(me.id)),
                False,
            )
        )
        for group in self._world.groups_of(me.id):
            conversations.append(
                (self._text("group_title"), group, self._world.seen_by(me.id, group), False)
            )
        home = await self._services.dispatch.home(where)
        return self._render(
            "person.html", page="person", me=me, conversations=conversations, home=home
        )

    async def say(self, request: web.Request) -> web.StreamResponse:
        me, data = self._person(request), await request.post()
        conversation, text = str(data.get("conversation", "")), str(data.get("text", "")).strip()
        word, _, rest = text.lstrip("/").partition(" ")
        where = self._where(me.id, conversation)
        try:
            command = Command(word.lower())
        except ValueError:
            # Not a command: answered as Slack and Teams answer a message, the crisis line first.
            outcome = Outcome(reply=(self._services.help.answer_message(),))
        else:
            outcome = await self._services.dispatch.command(where, command, rest)
        return await self._show(me.id, conversation, outcome, None)

    async def click(self, request: web.Request) -> web.StreamResponse:
        me, data = self._person(request), await request.post()
        conversation, message = str(data.get("conversation", "")), str(data.get("message", ""))
        action = Action(str(data.get("action", "")))
        outcome = await self._services.dispatch.action(
            self._where(me.id, conversation), action, str(data.get("value", ""))
        )
        return await self._show(me.id, conversation, outcome, message)

    async def form_page(self, request: web.Request) -> web.StreamResponse:
        me, query = self._person(request), request.query
        conversation = query.get("conversation", direct(me.id))
        form_id, sealed = FormId(query.get("form_id", "")), query.get("context", "")
        outcome = await self._services.dispatch.reopen(
            self._where(me.id, conversation), form_id, sealed
        )
        if outcome.form is None:
            return await self._show(me.id, conversation, outcome, None)
        return self._form(me, outcome.form, conversation)

    async def submit(self, request: web.Request) -> web.StreamResponse:
        me, data = self._person(request), await request.post()
        conversation = str(data.get("conversation", direct(me.id)))
        where = self._where(me.id, conversation)
        if data.get("action"):  # a button inside the form, such as "I'm not safe right now"
            outcome = await self._services.dispatch.action(
                where, Action(str(data["action"])), str(data.get("value", ""))
            )
            return await self._show(me.id, conversation, outcome, None)
        # The context came back through the browser: the core checks it before anything else.
        form_id, sealed = FormId(str(data.get("form_id", ""))), str(data.get("context", ""))
        shown = await self._services.dispatch.reopen(where, form_id, sealed)
        if shown.form is None:
            return await self._show(me.id, conversation, shown, None)
        values = _values(shown.form, data)
        try:
            outcome = await self._services.dispatch.submit(where, form_id, sealed, values)
        except FieldErrors as problems:
            return self._form(me, shown.form, conversation, problems.errors, values)
        return await self._show(me.id, conversation, outcome, None)

    async def move_time(self, request: web.Request) -> web.StreamResponse:
        data = await request.post()
        step = str(data.get("step", "hour"))
        if step == "post":
            now = self._clock.now()
            upcoming = [
                when
                for schedule in await self._services.schedules.active()
                if (when := schedule.recurrence.next_fire_time(now)) is not None
            ]
            if upcoming:
                self._clock.advance(min(upcoming) - now + timedelta(minutes=1))
        elif step == "monday":
            self._clock.advance(_next_monday(self._clock.now()) - self._clock.now())
        elif step == "week":
            await self._play_a_week()
            self._clock.advance(_next_monday(self._clock.now()) - self._clock.now())
        else:
            self._clock.advance(self._steps.get(step, timedelta(hours=1)))
        await self._run_due()
        return _back(data)

    async def others_answer(self, request: web.Request) -> web.StreamResponse:
        data, team = await request.post(), request.match_info["team"]
        await self._colleagues_answer(team, str(data.get("back", "")))
        return _back(data)

    async def _colleagues_answer(self, team: str, me: str) -> None:
        """The team's newest check-in, answered by about 6 in 10 of everyone but `me`, as
        colleagues would: three of each five, a different three each time, so over a week
        of three check-ins each of them answers at least once."""
        checkins = [
            button.value.partition("|")[0]
            for shown in self._world.seen_by("", team)
            for part in shown.card.parts
            for button in getattr(part, "buttons", ())[:1]
            if button.action == Action.PULSE
        ]
        if not checkins:
            return
        turn = self._turns.get(team, 0)
        self._turns[team] = turn + 1
        for index, person in enumerate(sorted(agency.members(team) - {me})):
            if (index + turn) % ANSWER_CYCLE < ANSWERING:
                level = SPREAD[(index + turn) % len(SPREAD)]
                where = Where(agency.WORKSPACE, person, team)
                await self._services.dispatch.action(where, Action.PULSE, f"{checkins[-1]}|{level}")

    async def _play_a_week(self) -> None:
        """Next week as a team lives it: check-ins on Monday, Wednesday and Friday in every
        team, each answered by about 6 in 10 colleagues and closed."""
        monday = _next_monday(self._clock.now()).replace(hour=10, minute=0)
        for day in CHECKIN_DAYS:
            self._clock.advance(monday + timedelta(days=day) - self._clock.now())
            for team in agency.TEAMS:
                await self._services.posting.post_checkin_now(agency.WORKSPACE, team.id)
                await self._colleagues_answer(team.id, "")
            self._clock.advance(self._steps.get("close", timedelta(hours=8)))
            await self._run_due()

    async def reset(self, request: web.Request) -> web.StreamResponse:
        self._world.reset()
        self._clock.reset()
        self._turns.clear()
        await self._wipe()
        raise web.HTTPSeeOther("/")

    async def _show(
        self, person: str, conversation: str, outcome: Outcome, message: str | None
    ) -> web.StreamResponse:
        """Put the outcome where chat would: private replies, public posts, forms, notices."""
        replies = list(outcome.reply)
        clicked = self._world.find(message) if message else None
        if outcome.replace and replies and clicked is not None and clicked.to == person:
            self._world.update(clicked.id, replies.pop(0))
        for card in replies:
            self._world.show(conversation, card, to=person)
        if outcome.public is not None:
            self._world.show(conversation, outcome.public)
        if outcome.then is not None:
            await outcome.then()
        if outcome.notice is not None:
            notice = outcome.notice
            return self._render(
                "notice.html",
                page="notice",
                me=agency.person(person),
                notice=notice,
                back=f"/as/{person}",
            )
        if outcome.form is not None:
            form = outcome.form
            query = urlencode(
                {"form_id": form.form_id, "context": form.context, "conversation": conversation}
            )
            raise web.HTTPSeeOther(f"/as/{person}/form?{query}")
        raise web.HTTPSeeOther(f"/as/{person}#{conversation}")

    def _form(
        self,
        me: agency.Person,
        form: Form,
        conversation: str,
        errors: dict[str, str] | None = None,
        values: FormValues | None = None,
    ) -> web.Response:
        return self._render(
            "form.html",
            page="form",
            me=me,
            form=form,
            conversation=conversation,
            errors=errors or {},
            values=values or {},
        )

    def _where(self, person: str, conversation: str) -> Where:
        team = conversation if agency.team(conversation) is not None else None
        return Where(agency.WORKSPACE, person, team)

    def _person(self, request: web.Request) -> agency.Person:
        found = agency.person(request.match_info["person"])
        if found is None:
            raise web.HTTPNotFound(text=self._text("no_such_person"))
        return found

    def _text(self, key: str, **params: str) -> str:
        return self._catalog.text(f"playground.{key}", **params)

    def _refused(self) -> web.Response:
        """A short page, and nothing done, for a request from somewhere else."""
        page = self._pages.get_template("refused.html").render(text=self._text)
        return web.Response(status=403, text=page, content_type="text/html")

    def _render(self, template: str, **context: Any) -> web.Response:
        page = self._pages.get_template(template).render(
            text=self._text,
            token=self._guard.token,
            roles=lambda role: self._catalog.text(f"playground.roles.{role}"),
            tour=self._catalog.variants("playground.tour"),
            steps=["post", *self._steps, "week", "monday"],
            guides=[agency.person(person) for person in TOUR_PEOPLE],
            now=self._clock.now().strftime("%a %d %b %Y, %H:%M"),
            teams=agency.TEAMS,
            people=agency.PEOPLE,
            kinds=FieldKind,
            **context,
        )
        return web.Response(text=page, content_type="text/html")


def _values(form: Form, data: Any) -> FormValues:
    """Form fields as the core reads them: several values for a multiple choice."""
    values: FormValues = {}
    for field in form.fields:
        if field.kind is FieldKind.SOME_OF:
            values[field.name] = tuple(str(v) for v in data.getall(field.name, []))
        elif data.get(field.name):
            values[field.name] = str(data[field.name])
    return values


def _back(data: Any) -> web.StreamResponse:
    person = str(data.get("back", ""))
    raise web.HTTPSeeOther(f"/as/{person}" if agency.person(person) else "/")


def _part_kind(part: Part) -> str:
    if isinstance(part, ButtonRow):
        return "buttons"
    return "note" if isinstance(part, Note) else "paragraph"


def _next_monday(now: datetime) -> datetime:
    """09:30 on the coming Monday (a week ahead on a Monday)."""
    days = (7 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=9, minute=30, second=0)
