"""Wellspring's entry point: `python app.py` runs the bot until SIGTERM or SIGINT.

It reads the settings, refuses bad ones in one line, starts the bot wired by `bootstrap`
(services, platforms, jobs, listeners), waits for a signal, then drains and stops.
"""

import asyncio
import logging
import signal
import sys

from pydantic import ValidationError

from bootstrap import Wellspring, start_wellspring
from bot.audit.look_lines import send_audit_lines_to
from bot.config.settings import Settings, SettingsProblem
from bot.process import log_format
from handlers.playground.local import is_loopback
from prompts import load_catalog

EXIT_CONFIG = 2
logger = logging.getLogger("wellspring")


def main() -> int:
    """Read and check the settings, then serve; 2, with one line, when a setting is refused."""
    log_format.configure()
    try:
        settings = Settings()
        if settings.playground_active:
            settings.check_playground()
        else:
            settings.check_platforms()
            settings.check_pulse_secret()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        return _refuse(SettingsProblem(name, "invalid", detail=first["msg"]))
    except SettingsProblem as problem:
        return _refuse(problem)
    log_format.configure(settings.log_format)
    logging.getLogger().setLevel(settings.log_level)
    if settings.audit_log_lines:
        send_audit_lines_to(sys.stderr)
    try:
        asyncio.run(serve(settings))
    except SettingsProblem as problem:  # a token Slack refused, a port already taken
        return _refuse(problem)
    return 0


async def serve(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then drain and stop."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    ws = await start_wellspring(settings)
    if settings.playground_active:
        sys.stdout.write(_playground_banner(settings, ws) + "\n")
        sys.stdout.flush()
    try:
        await stopping.wait()
        logger.info("stopping: finishing in-flight work")
    finally:
        await ws.stop()
    logger.info("stopped")


def _refuse(problem: SettingsProblem) -> int:
    catalog = load_catalog()  # only now: a start that goes well reads the wording once
    reason = catalog.text(f"operator.reasons.{problem.reason}", **problem.details)
    line = catalog.text("operator.setting_problem", setting=problem.setting, reason=reason)
    sys.stderr.write(line + "\n")
    return EXIT_CONFIG


def _playground_banner(settings: Settings, ws: Wellspring) -> str:
    """Where the playground is, and plainly whether other computers can reach it."""
    catalog = load_catalog(settings.prompts_language)
    bound = str(ws.runner.addresses[0][0]) if ws.runner else ""
    if is_loopback(bound):
        return catalog.text("playground.started", url=ws.url + "/")
    host = settings.playground_host
    return catalog.text("playground.started_on_network", url=ws.url + "/", host=host)


if __name__ == "__main__":
    sys.exit(main())
