"""Whether the PostgreSQL server writes statements' parameters to its own log.

A pulse click is one statement whose parameters are the person's keyed markers and the level
chosen (click_ledger.py). The server's log is a file the eraser cannot reach: if it keeps a
click's parameters, then with the pulse secret it says who answered what. Slow-statement
logging and statement logging are common and harmless once `log_parameter_max_length` is 0,
so that is what is asked for; failing statements log parameters only with
`log_parameter_max_length_on_error` (0 by default).
"""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# Every server setting that decides whether a statement's parameters reach the log.
_SETTINGS = (
    "log_parameter_max_length",
    "log_parameter_max_length_on_error",
    "log_min_duration_statement",
    "log_statement",
    "log_min_duration_sample",
    "log_statement_sample_rate",
    "log_transaction_sample_rate",
    "shared_preload_libraries",
    "session_preload_libraries",
    "auto_explain.log_min_duration",
    "auto_explain.log_parameter_max_length",
)


async def settings_logging_parameters(engine: AsyncEngine) -> list[str]:
    """The server settings (as `name=value`) under which a click's parameters would be
    logged, as this app's sessions see them; empty when none would, and on SQLite."""
    if engine.dialect.name != "postgresql":
        return []
    columns = ", ".join(f"current_setting('{name}', true)" for name in _SETTINGS)
    async with engine.connect() as connection:
        row = (await connection.execute(text(f"SELECT {columns}"))).one()
    return logging_parameters(dict(zip(_SETTINGS, row, strict=True)))


def logging_parameters(server: dict[str, str | None]) -> list[str]:
    """The rule, on the settings' values (None: a setting this server does not have)."""

    def named(*names: str) -> list[str]:
        return [f"{name}={server[name]}" for name in names]

    found = []
    if server["log_parameter_max_length_on_error"] not in (None, "0"):
        found += named("log_parameter_max_length_on_error")
    statements = []  # settings that log statements, with their parameters unless cut to 0
    if server["log_min_duration_statement"] != "-1":
        statements += named("log_min_duration_statement")
    if server["log_statement"] in ("mod", "all"):
        statements += named("log_statement")
    sampled = server["log_min_duration_sample"] not in (None, "-1")
    if sampled and float(server["log_statement_sample_rate"] or 0) > 0:
        statements += named("log_min_duration_sample")
    if float(server["log_transaction_sample_rate"] or 0) > 0:
        statements += named("log_transaction_sample_rate")
    if statements and server["log_parameter_max_length"] not in (None, "0"):
        found += named("log_parameter_max_length") + statements
    libraries = f"{server['shared_preload_libraries']},{server['session_preload_libraries']}"
    explained = server["auto_explain.log_min_duration"] not in (None, "-1")
    explains = server["auto_explain.log_parameter_max_length"] not in (None, "0")
    if "auto_explain" in libraries and explained and explains:
        found += named("auto_explain.log_min_duration", "auto_explain.log_parameter_max_length")
    return found
