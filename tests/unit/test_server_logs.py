"""The rule deciding whether PostgreSQL would log a click's parameters (bot/storage/server_logs)."""

import pytest

from bot.storage.server_logs import logging_parameters

DEFAULTS: dict[str, str | None] = {
    "log_parameter_max_length": "-1",
    "log_parameter_max_length_on_error": "0",
    "log_min_duration_statement": "-1",
    "log_statement": "none",
    "log_min_duration_sample": "-1",
    "log_statement_sample_rate": "1",
    "log_transaction_sample_rate": "0",
    "shared_preload_libraries": "",
    "session_preload_libraries": "",
    "auto_explain.log_min_duration": None,
    "auto_explain.log_parameter_max_length": None,
}


@pytest.mark.parametrize(
    ("changed", "flagged"),
    [
        ({}, []),
        ({"log_statement": "ddl"}, []),
        ({"log_min_duration_statement": "250"}, ["log_min_duration_statement"]),
        ({"log_min_duration_statement": "250", "log_parameter_max_length": "0"}, []),
        ({"log_statement": "all"}, ["log_statement"]),
        ({"log_min_duration_sample": "100"}, ["log_min_duration_sample"]),
        ({"log_min_duration_sample": "100", "log_statement_sample_rate": "0"}, []),
        ({"log_transaction_sample_rate": "0.01"}, ["log_transaction_sample_rate"]),
        ({"log_parameter_max_length_on_error": "-1"}, ["log_parameter_max_length_on_error"]),
        (
            {
                "shared_preload_libraries": "pg_stat_statements,auto_explain",
                "auto_explain.log_min_duration": "500",
                "auto_explain.log_parameter_max_length": "-1",
            },
            ["auto_explain.log_parameter_max_length"],
        ),
        (
            {
                "session_preload_libraries": "auto_explain",
                "auto_explain.log_min_duration": "500",
                "auto_explain.log_parameter_max_length": "0",
            },
            [],
        ),
    ],
)
def test_a_click_s_parameters_reach_the_log_only_where_a_setting_sends_them(
    changed: dict[str, str], flagged: list[str]
) -> None:
    found = logging_parameters(DEFAULTS | changed)
    assert [name for name in flagged if not any(f.startswith(name) for f in found)] == []
    assert bool(found) == bool(flagged)
