"""A failure in the logs: its type and frames, never its message."""

import io
import logging

from bot.log_format import PrivateFormatter


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
