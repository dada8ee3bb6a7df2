"""Opening a database the dbt project built.

The project builds each layer into its own schema (staging, intermediate, core, marts; seeds in
seeds); the tables written by the package itself (quality results, a loaded event log) stay in
main. A connection from `connect_built` finds a table by its name in any of them, marts first.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

LAYER_SCHEMAS = ("marts", "core", "intermediate", "staging", "seeds", "main")


def use_layer_schemas(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Let unqualified table names resolve in the project's layer schemas that exist (a database
    not built yet may have none of them); returns con."""
    existing = {row[0] for row in con.execute(
        "select schema_name from information_schema.schemata where catalog_name = current_database()").fetchall()}
    schemas = [schema for schema in LAYER_SCHEMAS if schema in existing] or ["main"]
    con.execute(f"set search_path = '{','.join(schemas)}'").fetchall()
    return con


def connect_built(path: str | Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A connection to the built database at path, table names resolved in the layer schemas."""
    return use_layer_schemas(duckdb.connect(str(path), read_only=read_only))


def table_exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when a table or view of that name exists in one of the layer schemas."""
    placeholders = ", ".join("?" for _ in LAYER_SCHEMAS)
    return con.execute(
        f"select count(*) from information_schema.tables where table_schema in ({placeholders}) "
        "and table_name = ?", [*LAYER_SCHEMAS, table]).fetchall()[0][0] > 0


def schema_of(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """The layer schema that holds the table (the first in search order), or None."""
    for schema in LAYER_SCHEMAS:
        found = con.execute("select count(*) from information_schema.tables where table_schema = ? "
                            "and table_name = ?", [schema, table]).fetchall()[0][0]
        if found:
            return schema
    return None
