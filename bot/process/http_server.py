"""The HTTP server's own endpoints: health, metrics, request counting, and starting a listener."""

import asyncio
import logging
import time

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Handler, Middleware
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.process.metrics import Metrics
from bot.process.scheduling import Scheduler
from bot.storage.engine import ping
from bot.storage.open_work import count_open_work

logger = logging.getLogger(__name__)
access_logger = logging.getLogger(f"{__name__}.access")


class RouteAccessLogger(AbstractAccessLogger):
    """One line a request: method, route pattern, status and seconds. Never the path (the
    playground's holds a person, Slack's OAuth redirect a code), the query, the client's
    address or its user agent."""

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        status = response.status
        # Rounded in the record too: a formatter or handler that shows the arguments gets
        # the same three decimals, not a long float whose digits could pass for anything.
        seconds = round(time, 3)
        self.logger.info("%s %s %s %.3fs", request.method, route_of(request), status, seconds)


def route_of(request: web.BaseRequest) -> str:
    """The route's template, e.g. /as/{person}/click; "unmatched" when none answered."""
    match_info = getattr(request, "match_info", None)
    resource = match_info.route.resource if match_info is not None else None
    return resource.canonical if resource is not None else "unmatched"


async def start_listener(
    app: web.Application, host: str, port: int, grace: float
) -> tuple[web.AppRunner, str]:
    """Start one listener; its runner and the URL it answers on."""
    runner = web.AppRunner(
        app,
        shutdown_timeout=grace,
        access_log_class=RouteAccessLogger,
        access_log=access_logger,
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    bound, chosen = runner.addresses[0][:2]
    return runner, f"http://{'127.0.0.1' if bound in ('0.0.0.0', '::') else bound}:{chosen}"


def create_operator_app(
    metrics: Metrics, engine: AsyncEngine, scheduler: Scheduler
) -> web.Application:
    """The operator's listener: Prometheus counters and the health checks one by one.

    Counters show click and debrief activity as it happens, so they are kept off the
    public port; METRICS_HOST binds this listener to the host itself by default.
    """
    app = web.Application()
    app.add_routes(
        [
            web.get("/metrics", _metrics_handler(metrics, engine)),
            web.get("/healthz", healthz_handler(engine, scheduler, detailed=True)),
        ]
    )
    return app


def public_health_routes(engine: AsyncEngine, scheduler: Scheduler) -> list[web.RouteDef]:
    """Probes on the public port, each saying only ok or unhealthy.

    /livez: the process is up and serving (an orchestrator restarts it when this fails).
    /readyz: the database and the scheduler work (send it traffic only then); a database
    blip makes every replica unready, not restarted. /healthz is /readyz's older name.
    """
    ready = healthz_handler(engine, scheduler, detailed=False)
    return [web.get("/livez", _livez), web.get("/readyz", ready), web.get("/healthz", ready)]


async def _livez(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def healthz_handler(engine: AsyncEngine, scheduler: Scheduler, detailed: bool) -> Handler:
    """ok or unhealthy; with `detailed`, what each check found (not for the public port)."""

    async def healthz(_request: web.Request) -> web.Response:
        checks = {"scheduler": "ok" if scheduler.running else "stopped"}
        try:
            await asyncio.wait_for(ping(engine), timeout=3)
            checks["database"] = "ok"
        except Exception as error:
            checks["database"] = f"failed: {type(error).__name__}"
        healthy = all(value == "ok" for value in checks.values())
        body: dict[str, object] = {"status": "ok" if healthy else "unhealthy"}
        if detailed:
            body["checks"] = checks
        return web.json_response(body, status=200 if healthy else 503)

    return healthz


def _metrics_handler(metrics: Metrics, engine: AsyncEngine) -> Handler:
    async def serve_metrics(_request: web.Request) -> web.Response:
        # The gauges are counted now, so they are never stale and every replica agrees.
        try:
            work = await asyncio.wait_for(count_open_work(engine), timeout=3)
        except Exception as error:
            # Without the database the counters still help; the gauges keep their last value.
            metrics.errors.labels("metrics").inc()
            logger.warning("could not count open work: %s", type(error).__name__)
        else:
            metrics.open_checkins.set(work.open_checkins)
            metrics.pending_offers.set(work.pending_offers)
        return web.Response(body=metrics.render(), headers={"Content-Type": metrics.content_type})

    return serve_metrics


def count_requests(metrics: Metrics) -> Middleware:
    """Counts and times each request by its route's template (never a path with ids in it)."""

    @web.middleware
    async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
        name = route_of(request)
        started = time.perf_counter()
        try:
            response = await handler(request)
        except web.HTTPException as error:
            metrics.requests.labels(name, str(error.status)).inc()
            raise
        except Exception:
            metrics.requests.labels(name, "500").inc()
            metrics.errors.labels("http").inc()
            raise
        finally:
            metrics.request_seconds.labels(name).observe(time.perf_counter() - started)
        metrics.requests.labels(name, str(response.status)).inc()
        return response

    return count
