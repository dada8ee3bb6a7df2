"""How many records of a landing zone carry each enumerated value of the contract.

A record counts in its current state, the way the contract says a reader must resolve it:
- D365: the row with the highest ``versionnumber`` per ``recid`` (ties: latest
  ``sinkmodifiedon``), records whose current row is a deletion (``isdelete = 1``) left out; the
  lake column ``isdelete`` itself is counted over every row of every table (0 and 1 as written,
  NULL not counted);
- HighRadius: the row with the latest ``extracted_at`` per record (the object's ``key`` in the
  contract); lines that do not parse are left out.
A letter created and then posted therefore counts once, as posted (status 2), and a letter that
was never posted counts as created (status 0).

:class:`Census` does the counting one table at a time, from any relation that has the table's
columns as written: the simulator's writer feeds it each table as it writes it, and
:func:`enum_counts` feeds it the files of a landing zone on disk.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd

from .enums import EnumValue, contract_enums
from .spec import load_spec

__all__ = ["Census", "enum_counts"]


def _d365_rel(root: Path, table: str) -> str:
    return f"read_parquet('{(root / 'd365' / table).as_posix()}/*.parquet', union_by_name = true)"


def _hr_rel(root: Path, obj: str) -> str:
    return (f"read_csv('{(root / 'highradius' / obj).as_posix()}/*.csv', header = true, all_varchar = true, "
            f"ignore_errors = true)")  # every file carries the contract header


class Census:
    """Records per enumerated value, counted table by table.

    ``add_d365`` and ``add_highradius`` take a SQL relation (a table function, a registered view
    or a parenthesised query) whose columns are the table's columns as written: D365 columns in
    their contract types, HighRadius columns as the text of the CSV files. A table counted in
    parts whose records differ (the blocks of a simulated zone) adds the parts' counts up."""

    def __init__(self, enums: list[EnumValue] | None = None):
        self.enums = contract_enums() if enums is None else enums
        self.contract = load_spec()
        self.columns: dict[tuple[str, str], set[str]] = defaultdict(set)
        for e in self.enums:
            self.columns[(e.system, e.table)].add(e.column)
        self.counts: dict[tuple[str, str, str, str], int] = {}

    def columns_of(self, system: str, table: str) -> set[str]:
        """The enumerated columns of one table (``d365``, ``*``: the lake columns)."""
        return set(self.columns.get((system, table), ()))

    def add_d365(self, con: duckdb.DuckDBPyConnection, table: str, rel: str, current: str | None = None) -> None:
        """Count one D365 table: its lake columns over every row of ``rel``, its own enumerated
        columns over the records' current state: ``current`` (a relation of those rows) when
        given, else resolved from ``rel``."""
        for col in sorted(self.columns.get(("d365", "*"), ())):
            for value, n in con.execute(f"select cast({col} as varchar), count(*) from {rel} "
                                        f"where {col} is not null group by 1").fetchall():
                k = ("d365", "*", col, value)
                self.counts[k] = self.counts.get(k, 0) + n
        cols = sorted(self.columns.get(("d365", table), ()))
        if not cols:
            return
        if current is None:
            latest = (f"select {', '.join(f'arg_max({c}, (versionnumber, sinkmodifiedon)) as {c}' for c in cols)}, "
                      f"arg_max(coalesce(isdelete, 0), (versionnumber, sinkmodifiedon)) as _deleted "
                      f"from {rel} group by recid")
            current = f"(select * from ({latest}) where _deleted <> 1)"
        self._count_current(con, "d365", table, cols, f"select * from {current}")

    def add_highradius(self, con: duckdb.DuckDBPyConnection, obj: str, rel: str) -> None:
        """Count one HighRadius object (current state: the latest extract of each record)."""
        cols = sorted(self.columns.get(("highradius", obj), ()))
        if not cols:
            return
        key = list(self.contract.table("highradius", obj).key)
        stamp = "try_cast(extracted_at as timestamptz)"
        latest = (f"select {', '.join(f'arg_max({c}, ({stamp}, {c})) as {c}' for c in cols)} "
                  f"from {rel} group by {', '.join(key)}")
        self._count_current(con, "highradius", obj, cols, latest)

    def _count_current(self, con: duckdb.DuckDBPyConnection, system: str, table: str, cols: list[str],
                       current: str) -> None:
        con.execute(f"create or replace temp table _census_current as {current}")
        try:
            for col in cols:
                for value, n in con.execute(f"select cast({col} as varchar), count(*) from _census_current "
                                            f"where {col} is not null group by 1").fetchall():
                    k = (system, table, col, value)
                    self.counts[k] = self.counts.get(k, 0) + n
        finally:
            con.execute("drop table _census_current")

    def frame(self) -> pd.DataFrame:
        """One row per enumerated value: system, table, column, value, label, key, rows (0 when
        no counted table carries it)."""
        rows = [{"system": e.system, "table": e.table, "column": e.column, "value": str(e.value), "label": e.label,
                 "key": e.key, "rows": int(self.counts.get((e.system, e.table, e.column, str(e.value)), 0))}
                for e in self.enums]
        return pd.DataFrame(rows, columns=["system", "table", "column", "value", "label", "key", "rows"])


def enum_counts(root: Path | str, enums: list[EnumValue] | None = None,
                con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """The census of the files of a landing zone: one row per enumerated value (see
    :meth:`Census.frame`). Tables or objects missing from the landing zone count 0 for each of
    their values."""
    root = Path(root)
    census = Census(enums)
    own = con is None
    con = duckdb.connect() if own else con
    try:
        for table in census.contract.systems["d365"].tables:
            if any((root / "d365" / table).glob("*.parquet")):
                census.add_d365(con, table, _d365_rel(root, table))
        for obj in census.contract.systems["highradius"].tables:
            if any((root / "highradius" / obj).glob("*.csv")):
                census.add_highradius(con, obj, _hr_rel(root, obj))
    finally:
        if own:
            con.close()
    return census.frame()
