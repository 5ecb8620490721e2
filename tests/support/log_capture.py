"""The log as production writes it (bot.process.log_format), with every logger at DEBUG."""

import io
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from bot.process import log_format
from tests.support.canary import disguises


def every_logger_at_debug() -> None:
    """Root and every logger created so far at DEBUG, as a library may set its own."""
    logging.getLogger().setLevel(logging.DEBUG)
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            logger.setLevel(logging.DEBUG)


@contextmanager
def production_log(log_format_name: log_format.LogFormat = "text") -> Iterator[io.StringIO]:
    """What `main` installs, written to a buffer instead of stderr; levels restored after.

    Handlers already on the root (pytest's capture) stay, so `caplog` still sees records.
    """
    root = logging.getLogger()
    before = root.handlers[:]
    levels = {
        name: logger.level
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    root_level = root.level
    log_format.configure(log_format_name)
    ours = [handler for handler in root.handlers if handler not in before]
    buffer = io.StringIO()
    for handler in ours:
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)
    for handler in before:
        root.addHandler(handler)
    every_logger_at_debug()
    try:
        yield buffer
    finally:
        for handler in ours:
            root.removeHandler(handler)
        root.setLevel(root_level)
        for name, logger in logging.Logger.manager.loggerDict.items():
            if isinstance(logger, logging.Logger):
                logger.setLevel(levels.get(name, logging.NOTSET))


def leaks(log: str, secrets: Iterable[str]) -> list[str]:
    """The secrets (ids, names, tokens, notes) found in `log` in any disguise, sorted."""
    return sorted(s for s in set(secrets) if s and any(d in log for d in disguises(s)))
