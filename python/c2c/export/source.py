"""The DuckDB database the exports read, opened read-only and checked."""

from __future__ import annotations

from pathlib import Path

from c2c.db import connect_built, schema_of

EVENT_LOG_COLUMNS = (
    "event_id", "case_id", "company_code", "invoice_id", "customer_id", "activity", "activity_code",
    "activity_order", "event_timestamp", "resource", "resource_type", "source_system", "source_table",
    "source_record_id", "dunning_level", "amount", "currency", "reason_code",
)


class ExportError(Exception):
    """A problem with the input of an export: reported in one line."""


def open_event_log(db_path: str | Path):
    """A read-only DuckDB connection on db_path whose `event_log` has every expected column."""
    import duckdb

    path = Path(db_path)
    if not path.is_file():
        raise ExportError(f"database {path} does not exist (set C2C_DUCKDB_PATH, and build the project with dbt build)")
    try:
        con = connect_built(path)
    except duckdb.Error as exc:
        raise ExportError(f"database {path} cannot be opened: {str(exc).splitlines()[0]}") from None
    schema = schema_of(con, "event_log")
    found = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = 'event_log'",
        [schema],
    ).fetchall() if schema else []
    if not found:
        con.close()
        raise ExportError(f"database {path} has no table event_log (build it with dbt build)")
    columns = {row[0] for row in found}
    missing = [c for c in EVENT_LOG_COLUMNS if c not in columns]
    if missing:
        con.close()
        raise ExportError(f"database {path}: table event_log has no column {', '.join(repr(c) for c in missing)}")
    return con
