"""Log lines for the agency's log system: a failure's type and where it happened, never its
message, because an exception's message can carry a person's id or the words they typed."""

import logging
import traceback
from types import TracebackType

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class PrivateFormatter(logging.Formatter):
    def formatException(self, ei: ExcInfo) -> str:
        kind, _error, trace = ei
        if kind is None:
            return ""
        frames = "".join(traceback.format_tb(trace))
        return f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__}"


def configure() -> None:
    """The root handler, writing lines through PrivateFormatter."""
    handler = logging.StreamHandler()
    handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.basicConfig(handlers=[handler])
