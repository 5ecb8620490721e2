"""A failure in the logs, as text or JSON: its type and frames, never its message."""

import io
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from pydantic import ValidationError

from bot.config.settings import Settings
from bot.process.log_format import JsonFormatter, PrivateFormatter


def test_a_logged_exception_shows_where_it_failed_but_not_its_message() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PrivateFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("test_log_format")
    logger.addHandler(handler)
    person, note = "".join(("U0SECRET", "PERSON")), " ".join(("my", "client's", "name"))
    try:
        try:
            raise KeyError(f"{person} wrote: {note}")  # made at run time, as in life
        except KeyError:
            logger.exception("a step failed")
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue()
    assert "ERROR a step failed" in written
    assert "test_a_logged_exception_shows_where_it_failed_but_not_its_message" in written
    assert "builtins.KeyError" in written
    assert person not in written and note not in written


def _json_lines(emit: Callable[[logging.Logger], None]) -> list[dict[str, Any]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("test_log_format.json")
    logger.addHandler(handler)
    try:
        emit(logger)
    finally:
        logger.removeHandler(handler)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_line_parses_and_names_the_failure_without_its_message() -> None:
    person, note = "".join(("U0SECRET", "PERSON")), " ".join(("my", "client's", "name"))

    def fail(logger: logging.Logger) -> None:
        try:
            raise ValueError(f"{person} wrote: {note}")  # made at run time, as in life
        except ValueError:
            logger.exception("a %s failed", "step")

    [line] = _json_lines(fail)
    assert line["level"] == "ERROR" and line["logger"] == "test_log_format.json"
    assert line["message"] == "a step failed"
    assert datetime.fromisoformat(line["time"]).tzinfo is not None
    assert line["error"]["type"] == "builtins.ValueError"
    assert "fail" in [frame["function"] for frame in line["error"]["frames"]]
    written = json.dumps(line)
    assert person not in written and note not in written


def test_a_json_line_keeps_structured_extras() -> None:
    [line] = _json_lines(lambda logger: logger.warning("posted", extra={"channels": 3}))
    assert line["channels"] == 3 and line["message"] == "posted" and "error" not in line


def test_log_format_is_text_unless_json_is_asked_for() -> None:
    assert Settings(_env_file=None).log_format == "text"
    assert Settings(_env_file=None, log_format=" JSON ").log_format == "json"
    with pytest.raises(ValidationError):
        Settings(_env_file=None, log_format="xml")
