"""Landing-zone batches: one row per file of a table, then the rows of each file.

The files are read the way the build reads them: D365 Parquet with only the columns an
expectation needs; HighRadius CSV with DuckDB's strict reader (no sniffing, every column as
text, malformed lines left out and counted), values trimmed and empty as NULL. A file is held in
memory on its own, so memory follows the largest file, not the landing zone.

Cross-row facts a per-file batch cannot see are added as derived columns before validation:

- ``is_live``: the D365 row is not a deletion (``isdelete`` is not 1);
- ``company_key``: the company code upper-cased (it arrives in any letter case);
- ``key_version_not_in_earlier_file``: this (company, recid, versionnumber) was not delivered by
  an earlier file of the table (NULL when a key part is NULL);
- ``<column>__refers_to_<table>``: the referred record exists anywhere in the landing zone
  (same company where both carry one); NULL when the reference is empty.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from c2c.contract.spec import load_spec

from . import rules

_SENTINEL_DATE = pd.Timestamp("1900-01-01")
_LATEST_NS = pd.Timestamp.max.floor("D")
# Rows per validation batch (consecutive small files are validated together; a failure is then
# counted file by file). CSV files are sized by bytes before they are read.
BATCH_ROWS = 200_000
CSV_BYTES_PER_ROW = 100


@dataclass
class TableFiles:
    system: str
    table: str
    columns: dict[str, str]  # contract columns (D365: with the lake columns) -> logical type
    files: list[Path]
    root: Path

    @property
    def pattern(self) -> str:
        return f"{self.system}/{self.table}/*.{'parquet' if self.system == 'd365' else 'csv'}"

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def table_files(root: Path, system: str, table: str, contract: dict[str, Any]) -> TableFiles:
    columns = dict(contract[system][table])
    if system == "d365":
        columns.update({c: spec["type"] for c, spec in contract["lake_columns"].items()})
    else:
        columns["extracted_at"] = "timestamp"
    ext = "parquet" if system == "d365" else "csv"
    files = sorted((root / system / table).glob(f"*.{ext}"))
    return TableFiles(system, table, columns, files, root)


def _hash(values: pd.Series) -> np.ndarray:
    return pd.util.hash_pandas_object(values.astype("string"), index=False).to_numpy()


def _member(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """values in sorted_keys (a sorted array), by binary search: no re-sorting per file."""
    if not len(sorted_keys):
        return np.zeros(len(values), dtype=bool)
    pos = np.searchsorted(sorted_keys, values)
    pos[pos == len(sorted_keys)] = 0
    return sorted_keys[pos] == values


def _company(values: pd.Series) -> pd.Series:
    return values.astype("string").str.strip().str.upper()


@dataclass
class ReferenceSets:
    """Hashes of the keys each reference may point to, read from the referred tables' files."""

    keys: dict[tuple[str, str, bool], np.ndarray] = field(default_factory=dict)

    @classmethod
    def build(cls, root: Path, contract: dict[str, Any]) -> "ReferenceSets":
        out = cls()
        wanted = sorted({(r.ref_table, r.ref_column, r.company_column is not None) for r in rules.REFERENCES})
        for table, column, by_company in wanted:
            tf = table_files(root, "d365", table, contract)
            parts = []
            for path in tf.files:
                try:
                    cols = ["dataareaid", column] if by_company else [column]
                    df = pq.read_table(path, columns=cols).to_pandas()
                except Exception:  # an unreadable file is reported by its own table's suite
                    continue
                df = df[df[column].notna()]
                parts.append(_hash(_ref_key(df, column, "dataareaid" if by_company else None)))
            out.keys[(table, column, by_company)] = np.sort(np.concatenate(parts)) if parts else np.array([], "uint64")
        return out

    def flags(self, df: pd.DataFrame, ref: rules.Reference) -> pd.Series:
        values = df[ref.column]
        known = self.keys[(ref.ref_table, ref.ref_column, ref.company_column is not None)]
        found = _member(_hash(_ref_key(df, ref.column, ref.company_column)), known)
        return pd.Series(np.where(values.isna().to_numpy(), None, found), index=df.index, dtype="object")


def _ref_key(df: pd.DataFrame, column: str, company_column: str | None) -> pd.Series:
    value = df[column]
    if pd.api.types.is_float_dtype(value):  # integer ids read with NULLs
        value = value.astype("Int64")
    value = value.astype("string").str.strip()
    if company_column is None:
        return value
    return _company(df[company_column]) + "\x1f" + value


def needed_columns(suite: dict[str, Any], available: list[str]) -> list[str]:
    """Columns of the file that the suite's row expectations (and derived columns) read."""
    wanted = {"isdelete", "dataareaid", "recid", "versionnumber"}
    for exp in suite["expectations"]:
        kw = exp["kwargs"]
        wanted.update(c for c in (kw.get("column"), kw.get("column_A"), kw.get("column_B")) if c)
        wanted.update(kw.get("column_list", []))
    for ref in rules.REFERENCES:
        if ref.table == suite["meta"]["table"]:
            wanted.update(c for c in (ref.column, ref.company_column) if c)
    return [c for c in available if c in wanted]


def _header(path: Path) -> list[str]:
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8-sig", errors="replace")
    return [c.strip().strip('"').strip().lower() for c in next(csv.reader(io.StringIO(first)), [])]


def inventory(tf: TableFiles) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per file: is it readable, which contract columns it misses. Returns the frame and,
    per file, what the row reader needs (Parquet: the file's columns; CSV: nothing)."""
    rows, schema = [], {}
    declared = list(tf.columns)
    if not tf.files:
        if load_spec().table(tf.system, tf.table).optional:
            return pd.DataFrame(columns=["file", "is_readable", "missing_columns", "row_count", "malformed_lines"]), {}
        rows.append({"file": f"{tf.pattern} (no file)", "is_readable": False, "missing_columns": "no file matches",
                     "row_count": 0, "malformed_lines": 0})
    present_somewhere: set[str] = set()
    for path in tf.files:
        rel = tf.rel(path)
        row = {"file": rel, "is_readable": True, "missing_columns": None, "row_count": 0, "malformed_lines": 0}
        try:
            if tf.system == "d365":
                meta = pq.ParquetFile(path)
                names = [n.lower() for n in meta.schema_arrow.names]
                schema[rel] = names
                row["row_count"] = meta.metadata.num_rows
                present_somewhere.update(names)
            else:
                header = _header(path)
                if header != declared:
                    missing = [c for c in declared if c not in header]
                    row["missing_columns"] = ("header is not the contract columns in order: missing "
                                              + (", ".join(missing) if missing else "none")
                                              + "; found " + ", ".join(header))
        except Exception as exc:  # truncated / not a Parquet file / unreadable
            row["is_readable"] = False
            row["missing_columns"] = None
            row["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        rows.append(row)
    if tf.system == "highradius":
        good = [tf.root / r["file"] for r in rows if r["is_readable"] and not r["missing_columns"]
                and r["file"] in {tf.rel(p) for p in tf.files}]
        try:
            bad = malformed_lines(good, declared)
        except Exception:  # one file does not read at all: find it, file by file
            bad = {}
            for path in good:
                try:
                    bad.update(malformed_lines([path], declared))
                except Exception as exc:
                    row = next(r for r in rows if r["file"] == tf.rel(path))
                    row["is_readable"] = False
                    row["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        for row in rows:
            if row["file"] in {tf.rel(p) for p in bad}:
                row["malformed_lines"] = next(n for p, n in bad.items() if tf.rel(p) == row["file"])
    if tf.system == "d365":  # the build reads a table's files together (union by name)
        absent = [c for c in declared if c not in present_somewhere]
        if absent and tf.files:
            for row in rows:
                if row["is_readable"]:
                    row["missing_columns"] = "in no file of the table: " + ", ".join(absent)
    frame = pd.DataFrame(rows)
    for col in ("error",):
        if col not in frame:
            frame[col] = None
    return frame, schema


def _read_parquet(path: Path, columns: list[str]) -> pd.DataFrame:
    table = pq.read_table(path, columns=columns)
    for i, fld in enumerate(table.schema):  # decimals as floats: GX compares those vectorised
        if pa.types.is_decimal(fld.type):
            table = table.set_column(i, fld.name, table.column(i).cast(pa.float64()))
    return table.to_pandas(date_as_object=False, timestamp_as_object=False)


_CSV_OPTIONS = ("header=true, auto_detect=false, strict_mode=true, delim=',', quote='\"', escape='\"', "
                "encoding='utf-8'")


def _csv_columns(declared: list[str]) -> str:
    return "{" + ", ".join(f"'{c}': 'varchar'" for c in declared) + "}"


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, declared: list[str], needed: list[str]) -> pd.DataFrame:
    """The rows of one CSV file as the build reads them; malformed lines are left out (and
    counted by ``malformed_lines``)."""
    select = ", ".join(f'nullif(trim("{c}"), \'\') as "{c}"' for c in needed)
    return con.execute(f"select {select} from read_csv(?, columns={_csv_columns(declared)}, {_CSV_OPTIONS}, "
                       "ignore_errors=true)", [str(path)]).df()


def malformed_lines(paths: list[Path], declared: list[str]) -> dict[Path, int]:
    """Malformed lines per CSV file, read the way the build reads them (DuckDB's rejects), all
    the files of an object in one scan."""
    if not paths:
        return {}
    with duckdb.connect() as con:
        # count a column, not rows: every line must be parsed for its rejects to be recorded
        con.execute(f"select count(\"{declared[-1]}\") from read_csv(?, columns={_csv_columns(declared)}, "
                    f"{_CSV_OPTIONS}, store_rejects=true)", [[str(p) for p in paths]]).fetchall()
        try:
            rows = con.execute("select scans.file_path, count(distinct errors.line) from reject_errors as errors "
                               "inner join reject_scans as scans on errors.scan_id = scans.scan_id "
                               "and errors.file_id = scans.file_id group by scans.file_path").fetchall()
        except duckdb.CatalogException:  # no line was rejected
            rows = []
    return {Path(path): int(n) for path, n in rows}


def row_batches(tf: TableFiles, suite: dict[str, Any], files: pd.DataFrame, schema: dict[str, Any],
                refs: ReferenceSets, batch_rows: int = BATCH_ROWS) -> Iterator[tuple[str, pd.DataFrame]]:
    """Yield (batch name, rows) for the readable files of the table, with the derived columns and
    ``source_file``. A batch is one file, or consecutive small files up to ``batch_rows`` rows
    (a large file is a batch of its own). Marks a file unreadable in ``files`` when reading its
    rows fails, and sets its malformed-line count."""
    seen: list[np.ndarray] = []
    con = duckdb.connect()  # one connection for the CSV files of the table
    pending: list[pd.DataFrame] = []
    pending_rows = 0

    def flush():
        names = [p["source_file"].iat[0] for p in pending if len(p)] or ["(empty files)"]
        frame = pd.concat(pending, ignore_index=True) if len(pending) > 1 else pending[0]
        name = names[0] if len(names) == 1 else f"{names[0]} .. {names[-1]} ({len(pending)} files)"
        return name, frame

    for i, row in files.iterrows():
        if not row["is_readable"] or (tf.system == "highradius" and row["missing_columns"]):
            continue
        path = tf.root / row["file"]
        estimate = row["row_count"] if tf.system == "d365" else path.stat().st_size // CSV_BYTES_PER_ROW
        if pending and pending_rows + estimate > batch_rows:
            yield flush()
            pending, pending_rows = [], 0
        try:
            df = _read_rows(tf, suite, path, row["file"], schema, con)
        except Exception as exc:
            files.at[i, "is_readable"] = False
            files.at[i, "error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            continue
        if tf.system == "highradius":
            files.at[i, "row_count"] = len(df)
        if tf.system == "d365":
            df = _d365_derived(df, tf, seen)
        for ref in rules.REFERENCES:
            if (ref.system, ref.table) == (tf.system, tf.table):
                df[ref.flag_column] = refs.flags(df, ref)
        df["source_file"] = row["file"]
        pending.append(df)
        pending_rows += len(df)
    con.close()
    if pending:
        yield flush()


def _read_rows(tf: TableFiles, suite: dict[str, Any], path: Path, rel: str, schema: dict[str, Any],
               con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    needed = needed_columns(suite, list(tf.columns))
    if tf.system == "d365":
        df = _read_parquet(path, needed_columns(suite, schema[rel]))
    else:
        df = _read_csv(con, path, list(tf.columns), needed)
        for col in needed:  # numbers as numbers; a value that does not parse is left to staging
            if tf.columns.get(col) in ("decimal", "integer", "bigint"):
                df[col] = pd.to_numeric(df[col], errors="coerce")
    for col in (c for c in needed if c not in df):
        df[col] = None  # absent from this file: read as NULL, like the build's union by name
    return df


def _d365_derived(df: pd.DataFrame, tf: TableFiles, seen: list[np.ndarray]) -> pd.DataFrame:
    for col, type_ in tf.columns.items():
        if col not in df:
            continue
        if type_ in ("date", "timestamp") and pd.api.types.is_datetime64_any_dtype(df[col]):
            # nanosecond precision, which GX compares vectorised; dates past its range (2262)
            # are out of range anyway and kept as the latest representable instant
            values = df[col].mask(df[col] == _SENTINEL_DATE)
            values = values.mask(values > _LATEST_NS, _LATEST_NS)
            df[col] = values.astype("datetime64[ns]")
        elif type_ == "decimal" and df[col].dtype == object:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    if "isdelete" in df:
        df["is_live"] = (df["isdelete"].fillna(0) != 1).astype(bool)
    if "dataareaid" in df:
        df["company_key"] = _company(df["dataareaid"]).astype(object)
    if "recid" in df and "versionnumber" in df:
        parts = [df["recid"].astype("Int64").astype("string"), df["versionnumber"].astype("Int64").astype("string")]
        if "company_key" in df:
            parts.insert(0, df["company_key"].astype("string"))
        key = parts[0]
        for p in parts[1:]:
            key = key + "\x1f" + p
        h = _hash(key)
        earlier = seen[0] if seen else np.array([], dtype="uint64")
        fresh = ~_member(h, earlier)
        df["key_version_not_in_earlier_file"] = pd.Series(np.where(key.isna().to_numpy(), None, fresh),
                                                          index=df.index, dtype="object")
        merged = np.concatenate([earlier, np.sort(h)])
        merged.sort(kind="stable")  # two sorted runs: a merge
        seen[:] = [merged]
    return df
