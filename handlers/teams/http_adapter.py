"""The Teams SDK's HttpServerAdapter on our own aiohttp server (no FastAPI, no uvicorn)."""

import json
from typing import Any

from aiohttp import web
from microsoft_teams.apps.http.adapter import HttpMethod, HttpRequest, HttpRouteHandler


class AiohttpTeamsAdapter:
    """Collects the SDK's routes; `routes()` hands them to the app's aiohttp application."""

    def __init__(self) -> None:
        self._routes: list[web.RouteDef] = []

    def register_route(self, method: HttpMethod, path: str, handler: HttpRouteHandler) -> None:
        async def serve(request: web.Request) -> web.Response:
            try:
                body: Any = json.loads(await request.read() or b"{}")
            except ValueError:
                return web.json_response({"error": "the body is not JSON"}, status=400)
            if not isinstance(body, dict):
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
