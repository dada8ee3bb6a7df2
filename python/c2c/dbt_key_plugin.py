"""dbt-duckdb plugin that hands the pseudonym key to DuckDB without passing it through dbt.

The key comes from the environment variable C2C_PSEUDONYM_KEY: either the key itself, or the
path of a file holding it (its content, trimmed). The plugin reads it when dbt-duckdb opens
the database and on every cursor dbt takes from that connection (a DuckDB variable belongs to
one connection, and cursors do not inherit it), and sets the DuckDB variable
`c2c_pseudonym_key` with a parameterised statement. The macro `keyed_hash` reads it with
getvariable() at run time, so the key appears in no compiled SQL, manifest, partial-parse file,
run result or log: dbt's Jinja never sees it (dbt records the values of the environment
variables Jinja reads in partial_parse.msgpack).

A problem with the variable (a path-like value naming no readable file) is not raised here,
because builds without `pseudonymise: true` must not depend on the key: it is put in the
variable `c2c_pseudonym_key_error`, which the macro raises when a pseudonym is asked for.
Listed under `plugins:` of the outputs in profiles.yml.
"""

from __future__ import annotations

import os
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin

ENV_VAR = "C2C_PSEUDONYM_KEY"
KEY_VARIABLE = "c2c_pseudonym_key"
ERROR_VARIABLE = "c2c_pseudonym_key_error"


def resolve_key(value: str | None) -> tuple[str | None, str | None]:
    """(key, error) for the value of C2C_PSEUDONYM_KEY.

    Unset or blank: (None, None). A value naming an existing file: the file's content, trimmed.
    A value that looks like a path (starts with '/', '~', './' or '../') but names no readable
    file: an error naming the variable and the path, never used as a key. Anything else: the
    value itself, trimmed."""
    if value is None or not value.strip():
        return None, None
    value = value.strip()
    path = Path(value).expanduser()
    looks_like_path = value.startswith(("/", "~", "./", "../"))
    try:
        is_file = path.is_file()
    except OSError:  # e.g. a key too long to be a file name
        is_file = False
    if is_file:
        try:
            return path.read_text(encoding="utf-8").strip(), None
        except (OSError, UnicodeDecodeError) as exc:
            return None, f"the pseudonym key file named by {ENV_VAR} ({value}) cannot be read: {exc.__class__.__name__}"
    if looks_like_path:
        return None, f"{ENV_VAR} names the key file {value}, which does not exist"
    return value, None


class Plugin(BasePlugin):
    def initialize(self, plugin_config):
        self._key, self._error = resolve_key(os.environ.get(ENV_VAR))

    def _set(self, con) -> None:
        if self._key is not None:
            con.execute(f"SET VARIABLE {KEY_VARIABLE} = ?", [self._key]).fetchall()
        if self._error is not None:
            con.execute(f"SET VARIABLE {ERROR_VARIABLE} = ?", [self._error]).fetchall()

    def configure_connection(self, conn):
        self._set(conn)

    def configure_cursor(self, cursor):
        self._set(cursor)
