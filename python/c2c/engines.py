"""Do the DuckDB and the Spark builds of one landing zone hold the same rows?

`c2c compare-engines` reads the tables a Spark build wrote (Parquet files under the Spark
warehouse folder: ``<warehouse>/<schema>.db/<table>/``, partition folders included) with DuckDB
and compares them, table by table, with the tables of the DuckDB build of the same landing zone:

- columns are matched by name (Spark moves partition columns to the end of a table);
- rows are matched on the table's key (a key held by two rows on either side is a difference);
  a row on one side only is a difference;
- text, dates, timestamps (as UTC), booleans and whole numbers must be identical, NULL included;
  other numbers (decimals, floating point) equal within TOLERANCE (below);
- an ordered hash of each side (MD5 of its rows' identical columns, sorted) is printed, so that
  two runs can be compared by their figures.

Exit code 1 when a table differs or lacks a column on one side; a missing table or database is
an error naming it.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

# The tables the engines must agree on, with their keys (one row per key on both sides).
DEFAULT_TABLES = {
    "event_log": ("event_id",),
    "cases": ("case_id",),
    "fct_dunning_conformance": ("case_id", "rule_id"),
    "fct_write_off_precursors": ("case_id",),
    "pm_variants": ("variant_id",),
}
# Numbers that are not whole (decimals and floating point) are equal when they differ by at
# most TOLERANCE times the larger of 1 and their size: the engines compute divisions and
# percentile interpolations in floating point in a different order, and the marts round such
# figures to 6 decimals, so the last bits can turn the 6th decimal (0.5372685 days: 0.537268 on
# one engine, 0.537269 on the other). One unit of the 6th decimal, with room for the binary
# representation: 1.5e-6. Every other value must be identical.
TOLERANCE = 1.5e-6
APPROXIMATE = ("DECIMAL", "DOUBLE", "FLOAT", "REAL")
NULL_MARK = "\u2205"  # the canonical form of NULL; no value of these tables is this character


class EngineComparisonError(Exception):
    """A build or a table cannot be read (missing file, missing table, no key column)."""


@dataclass
class TableComparison:
    table: str
    key: tuple[str, ...] = ()
    duckdb_rows: int = 0
    spark_rows: int = 0
    only_duckdb: int = 0
    only_spark: int = 0
    different_rows: int = 0
    duplicate_keys: int = 0
    duckdb_hash: str = ""
    spark_hash: str = ""
    approximate_columns: list[str] = field(default_factory=list)
    missing_columns: dict[str, list[str]] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.missing_columns and not (self.only_duckdb or self.only_spark or self.different_rows
                                                 or self.duplicate_keys)

    def line(self) -> str:
        verdict = "equal" if self.equal else "DIFFERENT"
        text = (f"{self.table:<26} {verdict:<9} rows duckdb {self.duckdb_rows:>8,} spark {self.spark_rows:>8,};"
                f" only duckdb {self.only_duckdb:,}, only spark {self.only_spark:,}, values differ {self.different_rows:,};"
                f" hash duckdb {self.duckdb_hash[:12]} spark {self.spark_hash[:12]}"
                f" (within tolerance: {', '.join(self.approximate_columns) or 'none'})")
        if self.duplicate_keys:
            text += f"\n  {self.duplicate_keys:,} keys ({', '.join(self.key)}) held by more than one row"
        for side, columns in self.missing_columns.items():
            text += f"\n  columns missing on {side}: {', '.join(columns)}"
        for example in self.examples:
            text += f"\n  {example}"
        return text


def spark_table_path(warehouse: Path, table: str) -> Path:
    """The folder of a Spark table in a local warehouse (``<schema>.db/<table>``)."""
    found = sorted(p for p in warehouse.glob(f"*.db/{table}") if p.is_dir())
    if not found:
        raise EngineComparisonError(f"{warehouse}: no Spark table {table} (looked for */{table} in the *.db folders)")
    if len(found) > 1:
        raise EngineComparisonError(f"{warehouse}: table {table} in more than one schema: {', '.join(map(str, found))}")
    return found[0]


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _canonical(column: str, type_name: str) -> str:
    """The value as text (exact columns) or as a double (approximate ones), NULL kept apart."""
    quoted, kind = _quoted(column), type_name.upper()
    if kind.startswith(APPROXIMATE):
        return f"cast({quoted} as double) as {quoted}"
    if kind.startswith("TIMESTAMP"):
        value = f"strftime(cast({quoted} as timestamp), '%Y-%m-%d %H:%M:%S.%f')"
    elif kind == "DATE":
        value = f"strftime({quoted}, '%Y-%m-%d')"
    elif kind == "BOOLEAN":
        value = f"case when {quoted} then 'true' when not {quoted} then 'false' end"
    else:  # text, integers (whatever their width)
        value = quoted
    return f"coalesce(cast({value} as varchar), '{NULL_MARK}') as {quoted}"


def _compare_table(con, duckdb_path: Path, warehouse: Path, table: str, key: tuple[str, ...],
                   examples: int) -> TableComparison:
    found = con.execute("select table_schema from information_schema.tables "
                        "where table_catalog = 'built' and table_name = ?", [table]).fetchall()
    if not found:
        raise EngineComparisonError(f"{duckdb_path}: no table {table} in the DuckDB database")
    if len(found) > 1:
        raise EngineComparisonError(f"{duckdb_path}: table {table} in more than one schema: "
                                    f"{', '.join(r[0] for r in found)}")
    duck_rel = f'built.{_quoted(found[0][0])}.{_quoted(table)}'
    folder = spark_table_path(warehouse, table)
    spark_rel = f"read_parquet('{folder.as_posix()}/**/*.parquet', hive_partitioning = true, union_by_name = true)"
    duck_cols = {r[0]: r[1] for r in con.execute(f"describe select * from {duck_rel}").fetchall()}
    spark_cols = {r[0]: r[1] for r in con.execute(f"describe select * from {spark_rel}").fetchall()}
    result = TableComparison(table, key)
    missing = {side: sorted(set(a) - set(b)) for side, a, b in
               (("spark", duck_cols, spark_cols), ("duckdb", spark_cols, duck_cols))}
    result.missing_columns = {side: cols for side, cols in missing.items() if cols}
    if not set(key) <= set(duck_cols) & set(spark_cols):
        raise EngineComparisonError(f"{table}: key {', '.join(key)} not on both sides")
    columns = [c for c in duck_cols if c in spark_cols]
    # a column is approximate when either side stores it as a decimal or a floating-point number
    approx = [c for c in columns if c not in key and (duck_cols[c].upper().startswith(APPROXIMATE)
                                                       or spark_cols[c].upper().startswith(APPROXIMATE))]
    result.approximate_columns = approx
    for side, rel, types in (("d", duck_rel, duck_cols), ("s", spark_rel, spark_cols)):
        select = ", ".join(_canonical(c, "DOUBLE" if c in approx else types[c]) for c in columns)
        con.execute(f"create or replace temp table {side} as select {select} from {rel}")
    exact = [c for c in columns if c not in approx]
    row_text = " || '\x1f' || ".join(_quoted(c) for c in exact) or "''"
    hashes = []
    for side in ("d", "s"):
        hashes.append(con.execute(
            f"select count(*), md5(coalesce(string_agg(row_text, '\x1e' order by row_text), '')) "
            f"from (select {row_text} as row_text from {side})").fetchone())
    (result.duckdb_rows, result.duckdb_hash), (result.spark_rows, result.spark_hash) = hashes
    keys = ", ".join(_quoted(c) for c in key)
    result.duplicate_keys = con.execute(
        f"select count(*) from (select {keys} from d group by all having count(*) > 1 "
        f"union all select {keys} from s group by all having count(*) > 1)").fetchone()[0]
    on = " and ".join(f"d.{_quoted(c)} = s.{_quoted(c)}" for c in key)
    differs = " or ".join(
        [f"d.{_quoted(c)} <> s.{_quoted(c)}" for c in exact if c not in key]
        + [f"(d.{_quoted(c)} is null) <> (s.{_quoted(c)} is null) or abs(d.{_quoted(c)} - s.{_quoted(c)}) > "
           f"{TOLERANCE} * greatest(1, abs(d.{_quoted(c)}), abs(s.{_quoted(c)}))" for c in approx]) or "false"
    first = _quoted(key[0])
    counts = con.execute(
        f"select count(*) filter (where s.{first} is null), count(*) filter (where d.{first} is null), "
        f"count(*) filter (where d.{first} is not null and s.{first} is not null and ({differs})) "
        f"from d full outer join s on {on}").fetchone()
    result.only_duckdb, result.only_spark, result.different_rows = counts
    shown = ", ".join([f"d.{_quoted(c)} as {_quoted('duckdb ' + c)}, s.{_quoted(c)} as {_quoted('spark ' + c)}"
                       for c in columns if c not in key])
    rows = con.execute(
        f"select {', '.join('coalesce(d.' + _quoted(c) + ', s.' + _quoted(c) + ')' for c in key)}, {shown} "
        f"from d full outer join s on {on} where s.{first} is null or d.{first} is null or ({differs}) "
        f"order by 1 limit {examples}")
    names = [d[0] for d in rows.description]
    for row in rows.fetchall():
        values = dict(zip(names, row))
        keyed = ", ".join(f"{c}={v}" for c, v in zip(key, row))
        detail = "; ".join(f"{c}: duckdb {values['duckdb ' + c]!r} spark {values['spark ' + c]!r}"
                           for c in columns if c not in key and values['duckdb ' + c] != values['spark ' + c])
        result.examples.append(f"{keyed}: {detail}")
    return result


def compare_tables(duckdb_path: Path, warehouse: Path, tables: dict[str, tuple[str, ...]] | None = None,
                   examples: int = 3) -> list[TableComparison]:
    import duckdb

    if not duckdb_path.exists():
        raise EngineComparisonError(f"{duckdb_path}: no such DuckDB database")
    if not warehouse.is_dir():
        raise EngineComparisonError(f"{warehouse}: no such Spark warehouse folder")
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")  # a timestamp with time zone is shown in UTC
        con.execute(f"attach '{duckdb_path.as_posix()}' as built (read_only)")
        return [_compare_table(con, duckdb_path, warehouse, table, key, examples)
                for table, key in (tables or DEFAULT_TABLES).items()]


def register(subparsers) -> None:
    help_text = "compare the tables of a Spark build with the DuckDB build of the same landing zone, row for row"
    cmd = subparsers.add_parser("compare-engines", help=help_text, description=help_text + ". See docs/spark.md.")
    cmd.add_argument("--duckdb", type=Path, required=True, help="the DuckDB database of the DuckDB build")
    cmd.add_argument("--spark-warehouse", type=Path, required=True,
                     help="the Spark warehouse folder of the Spark build ($C2C_SPARK_DIR/warehouse)")
    cmd.add_argument("--tables", default=None,
                     help="comma-separated TABLE:KEY[+KEY...] (default "
                          + ",".join(f"{t}:{'+'.join(k)}" for t, k in DEFAULT_TABLES.items()) + ")")
    cmd.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    tables = None
    if args.tables:
        tables = {}
        for item in (t.strip() for t in args.tables.split(",") if t.strip()):
            name, _, keys = item.partition(":")
            if not keys:
                print(f"c2c compare-engines: --tables: {item!r} names no key (TABLE:KEY[+KEY...])", file=sys.stderr)
                return 2
            tables[name] = tuple(keys.split("+"))
    try:
        results = compare_tables(args.duckdb, args.spark_warehouse, tables)
    except EngineComparisonError as exc:
        print(f"c2c compare-engines: {exc}", file=sys.stderr)
        return 1
    print(f"DuckDB {args.duckdb} against Spark {args.spark_warehouse}: rows matched on their key; text, dates, "
          f"timestamps (UTC) and whole numbers identical; other numbers within {TOLERANCE:g} x max(1, |value|); "
          "hash: MD5 of the sorted rows' identical columns")
    for result in results:
        print(result.line())
    different = [r.table for r in results if not r.equal]
    print(f"{len(results) - len(different)} of {len(results)} tables equal"
          + (f"; different: {', '.join(different)}" if different else ""))
    return 1 if different else 0
