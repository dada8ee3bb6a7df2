"""Small helpers the section modules share: rows as dicts, numbers the page can carry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from c2c.db import table_exists


def rows(con, sql: str, params: list | None = None) -> list[dict]:
    """The rows of sql as dicts, values made JSON-ready (see plain)."""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [{name: plain(value) for name, value in zip(names, row)} for row in cursor.fetchall()]


def scalar(con, sql: str, params: list | None = None):
    return plain(con.execute(sql, params or []).fetchall()[0][0])


def plain(value):
    """A JSON-ready value: decimals and floats rounded to 6 places (the same build gives the same
    text), dates and timestamps as ISO text."""
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        rounded = round(value, 6)
        return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def missing(con, *tables: str) -> list[str]:
    """The tables of the list this database lacks (a build by c2c byo-log has no collections marts)."""
    return [table for table in tables if not table_exists(con, table)]


def absent_note(tables: list[str]) -> str:
    return ("this build has no " + ", ".join(tables) +
            " (a build of an own event log by c2c byo-log has only the process-mining marts): section left out")
