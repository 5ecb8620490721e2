"""The Teams SDK's HttpServerAdapter on our own aiohttp server (no FastAPI, no uvicorn)."""

import logging

from aiohttp import web
from microsoft_teams.api import ActivityTypeAdapter
from microsoft_teams.apps.events import CoreActivity
from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler
from pydantic import ValidationError

from bot.process.json_body import UnreadableBody, parse_json
from handlers.teams.activity_shape import has_teams_shape

logger = logging.getLogger(__name__)

# An activity is a few kilobytes; Teams caps a message at about 100 KB.
MAX_BODY_BYTES = 1024 * 1024


class AiohttpTeamsAdapter:
    """Collects the SDK's routes; `routes()` hands them to the app's aiohttp application.

    Every activity is checked before the SDK sees it: an activity it can't use gets a 4xx,
    never a 500 (the SDK answers 500 and logs the failure's text for what its models
    refuse). Its serviceUrl is checked once the SDK has checked the caller (register.py).
    """

    def __init__(self) -> None:
        self._routes: list[web.RouteDef] = []

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        async def serve(request: web.Request) -> web.Response:
            # A body that can't be read is refused here, before the SDK checks the token.
            if (request.content_length or 0) > MAX_BODY_BYTES:
                return web.json_response({"error": "the body is too large"}, status=413)
            if request.content_type != "application/json":
                return web.json_response({"error": "the body is not JSON"}, status=415)
            try:
                body = parse_json(await request.read())
            except UnreadableBody as problem:
                logger.info("refused a Teams request: %s", problem)
                return web.json_response({"error": "the body is not JSON"}, status=400)
            if not is_activity(body):
                logger.info("refused a Teams request: not an activity")
                return web.json_response({"error": "the body is not an activity"}, status=400)
            answer = await handler(HttpRequest(body=body, headers=dict(request.headers)))
            if answer["body"] is None:
                return web.Response(status=answer["status"])
            return web.json_response(answer["body"], status=answer["status"])

        self._routes.append(web.route(method, path, serve))

    def serve_static(self, path: str, directory: str) -> None:
        """Wellspring serves no static files for Teams."""

    async def start(self, port: int) -> None:
        raise NotImplementedError("Wellspring's own server runs the Teams route")

    async def stop(self) -> None:
        """Our server stops with the app."""

    def routes(self) -> list[web.RouteDef]:
        return list(self._routes)


def is_activity(body: object) -> bool:
    """Whether the adapter can read `body` and the SDK's own activity models accept it, as the
    SDK reads it: the typed models get the core model's copy, without its nulls."""
    if not isinstance(body, dict) or not has_teams_shape(body):
        return False
    try:
        core = CoreActivity.model_validate(body)
        ActivityTypeAdapter.validate_python(core.model_dump(by_alias=True, exclude_none=True))
    except ValidationError:
        return False
    return True
