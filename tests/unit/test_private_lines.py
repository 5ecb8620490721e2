"""The log handler `main` installs: libraries' chatter is not written, URLs lose their paths."""

import json
import logging

import pytest

from bot.process.log_format import LogFormat
from tests.support.log_capture import production_log

CONVERSATION = "a:1" + "f3c9" * 6  # made of parts, so only a log line can hold it whole
REQUEST_LINE = f"HTTP Request: POST https://smba.example/v3/conversations/{CONVERSATION}/activities"


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_librarys_request_line_is_not_written_whatever_level_it_sets(
    log_format: LogFormat,
) -> None:
    with production_log(log_format) as written:
        logging.getLogger("httpx").setLevel(logging.DEBUG)  # as the Teams SDK's Client does
        logging.getLogger("httpx").info("%s?isTargetedActivity=true", REQUEST_LINE)
        logging.getLogger("aiohttp.access").info('127.0.0.1 "GET /as/U-sam/click" 200 "Mozilla"')
        logging.getLogger("bot.posting").debug("a scheduled run started")
    assert CONVERSATION not in written.getvalue() and "U-sam" not in written.getvalue()
    assert "a scheduled run started" in written.getvalue(), "Wellspring's own lines stay"


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_line_that_is_written_keeps_a_urls_scheme_and_host_only(log_format: LogFormat) -> None:
    code, password = "4242." + "oauthcode", "pass" + "word7"
    with production_log(log_format) as written:
        logging.getLogger("microsoft_teams.common").error("Handler failed: %s", REQUEST_LINE)
        logging.getLogger("slack_bolt").warning("redirect: https://x.test/r?code=%s&state=s", code)
        logging.getLogger("bot.storage").warning("no database at postgresql://me:%s@db/w", password)
    lines = written.getvalue().splitlines()
    if log_format == "json":
        lines = [json.loads(line)["message"] for line in lines]
    assert lines[0].endswith("Handler failed: HTTP Request: POST https://smba.example")
    assert lines[1].endswith("redirect: https://x.test")
    assert lines[2].endswith("no database at postgresql://db")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_librarys_failure_is_named_by_its_type_not_its_text(log_format: LogFormat) -> None:
    typed = "what someone typed " + "to the bot"  # made of parts, as above
    failure = ValueError(f"1 validation error: input_value={{'text': '{typed}'}}")
    with production_log(log_format) as written:
        sdk = logging.getLogger("microsoft_teams.apps.http.http_server")
        try:
            raise failure
        except ValueError as error:
            sdk.exception(str(error))  # what the Teams SDK does with any failure
        sdk.warning("JWT token validation failed: %s", failure)
        logging.getLogger("bot.posting").warning("our own line: %s", "kept as it is")
    assert typed not in written.getvalue()
    assert written.getvalue().count("builtins.ValueError") >= 2
    assert "JWT token validation failed: builtins.ValueError" in written.getvalue()
    assert "our own line: kept as it is" in written.getvalue()
