"""Log lines for the agency's log system: a failure's type and where it happened, never its
message, because an exception's message can carry a person's id or the words they typed.

Plain text by default; with LOG_FORMAT=json, one JSON object per line. Libraries' lines
below WARNING are not written at all, and no line keeps a URL's path or query."""

import json
import logging
import re
import traceback
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]
LogFormat = Literal["text", "json"]
# What every LogRecord has; anything else on a record was passed as `extra=` and is kept.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# Wellspring's own loggers: every line of theirs is written with ids left out at the source.
OWN_LOGGERS = ("wellspring", "bot", "handlers")
# A URL's path and query hold conversation ids, user ids, OAuth codes: only its origin stays.
_URL = re.compile(
    r"\b([a-z][a-z0-9+.-]*://)(?:[^@/\s'\"<>?#]*@)?([^/\s'\"<>?#]+)[^\s'\"<>]*", re.IGNORECASE
)


class PrivateLines(logging.Filter):
    """Drops libraries' debug and info lines, whatever level a library sets its logger to
    (httpx logs each request's URL at INFO, the SDKs whole requests and activities at
    DEBUG), names a failure in a library's line by its type only (an SDK that logs
    `str(error)` of a validation error would write the request's fields), and cuts every
    URL left in a line down to its scheme and host."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _own(record.name):
            if record.levelno < logging.WARNING:
                return False
            _failures_by_type(record)
        message = record.getMessage()
        cut = _URL.sub(r"\1\2", message)
        if cut != message:
            record.msg, record.args = cut, ()
        return True


def _failures_by_type(record: logging.LogRecord) -> None:
    """An exception among the line's arguments, or the text of the one it carries, becomes
    the exception's type."""
    if isinstance(record.args, tuple) and any(isinstance(a, BaseException) for a in record.args):
        record.args = tuple(_kind(a) if isinstance(a, BaseException) else a for a in record.args)
    error = record.exc_info[1] if record.exc_info else None
    if error is not None and (said := str(error)) and said in (message := record.getMessage()):
        record.msg, record.args = message.replace(said, _kind(error)), ()


def _kind(error: BaseException) -> str:
    return f"{type(error).__module__}.{type(error).__qualname__}"


def _own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


class PrivateFormatter(logging.Formatter):
    def formatException(self, ei: ExcInfo) -> str:
        kind, _error, trace = ei
        if kind is None:
            return ""
        frames = "".join(traceback.format_tb(trace))
        return f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__}"


class JsonFormatter(logging.Formatter):
    """time, level, logger, message and any extras; a failure as its type and frames only."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {k: v for k, v in vars(record).items() if k not in _STANDARD}
        line.update(
            time=datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            level=record.levelname,
            logger=record.name,
            message=record.getMessage(),
        )
        if record.exc_info and record.exc_info[0] is not None:
            kind, _error, trace = record.exc_info
            line["error"] = {
                "type": f"{kind.__module__}.{kind.__qualname__}",
                "frames": [
                    {"file": frame.filename, "line": frame.lineno, "function": frame.name}
                    for frame in traceback.extract_tb(trace)
                ],
            }
        return json.dumps(line, default=str, ensure_ascii=False)


def configure(log_format: LogFormat = "text") -> None:
    """The root handler, writing lines through PrivateFormatter or, for "json", JsonFormatter,
    and only those PrivateLines lets through."""
    handler = logging.StreamHandler()
    handler.addFilter(PrivateLines())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(handlers=[handler], force=True)
