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
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb
import pandas as pd

from .enums import EnumValue, contract_enums
from .spec import load_spec

__all__ = ["enum_counts"]


def _d365_rel(root: Path, table: str) -> str:
    return f"read_parquet('{(root / 'd365' / table).as_posix()}/*.parquet', union_by_name = true)"


def _hr_rel(root: Path, obj: str) -> str:
    return (f"read_csv('{(root / 'highradius' / obj).as_posix()}/*.csv', header = true, all_varchar = true, "
            f"ignore_errors = true)")  # every file carries the contract header


def enum_counts(root: Path | str, enums: list[EnumValue] | None = None,
                con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """One row per enumerated value: system, table, column, value, label, key, rows (0 when absent).

    Tables or objects missing from the landing zone count 0 for each of their values."""
    root = Path(root)
    enums = contract_enums() if enums is None else enums
    contract = load_spec()
    own = con is None
    con = duckdb.connect() if own else con
    counts: dict[tuple, int] = {}
    by_table: dict[tuple[str, str], set[str]] = defaultdict(set)
    for e in enums:
        by_table[(e.system, e.table)].add(e.column)
    try:
        for (system, table), columns in sorted(by_table.items()):
            if system == "d365" and table == "*":
                for t in contract.systems["d365"].tables:
                    if not any((root / "d365" / t).glob("*.parquet")):
                        continue
                    for col in sorted(columns):
                        for value, n in con.execute(
                                f"select cast({col} as varchar), count(*) from {_d365_rel(root, t)} "
                                f"where {col} is not null group by 1").fetchall():
                            k = (system, table, col, value)
                            counts[k] = counts.get(k, 0) + n
                continue
            folder = root / system / table
            if not any(folder.glob("*.parquet" if system == "d365" else "*.csv")):
                continue
            cols = sorted(columns)
            if system == "d365":
                latest = (f"select {', '.join(f'arg_max({c}, (versionnumber, sinkmodifiedon)) as {c}' for c in cols)}, "
                          f"arg_max(coalesce(isdelete, 0), (versionnumber, sinkmodifiedon)) as _deleted "
                          f"from {_d365_rel(root, table)} group by recid")
                current = f"select * from ({latest}) where _deleted <> 1"
            else:
                key = list(contract.table("highradius", table).key)
                stamp = "try_cast(extracted_at as timestamptz)"
                latest = (f"select {', '.join(f'arg_max({c}, ({stamp}, {c})) as {c}' for c in cols)} "
                          f"from {_hr_rel(root, table)} group by {', '.join(key)}")
                current = latest
            con.execute(f"create or replace temp table _census_current as {current}")
            for col in cols:
                for value, n in con.execute(f"select cast({col} as varchar), count(*) from _census_current "
                                            f"where {col} is not null group by 1").fetchall():
                    counts[(system, table, col, value)] = n
            con.execute("drop table _census_current")
    finally:
        if own:
            con.close()
    rows = [{"system": e.system, "table": e.table, "column": e.column, "value": str(e.value), "label": e.label,
             "key": e.key, "rows": int(counts.get((e.system, e.table, e.column, str(e.value)), 0))} for e in enums]
    return pd.DataFrame(rows, columns=["system", "table", "column", "value", "label", "key", "rows"])
