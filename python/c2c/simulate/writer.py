"""Writes raw tables in the contract's layout and types, driven by the contract itself.

D365 tables become ``<root>/d365/<table>/<table>_<YYYY-MM>.parquet`` (one file per month of
``sinkmodifiedon``); HighRadius objects become ``<root>/highradius/<object>/<object>_<YYYY-MM>.csv``
(one file per month of extraction). DuckDB does the type conversion and the file writing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from c2c.contract import load_contract
from c2c.contract.census import Census

from .model import DAY, NEVER, local_to_utc, utc_offset_minutes

NEVER_DAY = NEVER // DAY
LAKE_COLUMNS = ("sinkmodifiedon", "isdelete", "versionnumber")


def _d365_expr(col: str, logical: str) -> str:
    q = f'"{col}"'
    if logical == "timestamp":
        return (f"CASE WHEN {q} IS NULL THEN NULL WHEN {q} >= {NEVER} THEN TIMESTAMP '1900-01-01 00:00:00' "
                f"ELSE make_timestamp(CAST({q} AS BIGINT) * 1000000) END AS {q}")
    if logical == "date":
        return (f"CASE WHEN {q} IS NULL THEN NULL WHEN {q} >= {NEVER_DAY} THEN DATE '1900-01-01' "
                f"ELSE DATE '1970-01-01' + CAST({q} AS INTEGER) END AS {q}")
    if logical == "decimal":
        return f"CAST({q} AS DECIMAL(32, 6)) AS {q}"
    if logical == "integer":
        return f"CAST({q} AS INTEGER) AS {q}"
    if logical == "bigint":
        return f"CAST({q} AS BIGINT) AS {q}"
    return f"CAST({q} AS VARCHAR) AS {q}"


def _offset_sql(off: str) -> str:
    return (f"CASE WHEN {off} < 0 THEN '-' ELSE '+' END || lpad(CAST(abs({off}) // 60 AS VARCHAR), 2, '0') "
            f"|| ':' || lpad(CAST(abs({off}) % 60 AS VARCHAR), 2, '0')")


def _hr_expr(col: str, logical: str) -> str:
    q = f'"{col}"'
    if logical == "timestamp":
        off = f'"_off_{col}"'
        return (f"CASE WHEN {q} IS NULL OR {q} >= {NEVER} THEN NULL ELSE "
                f"strftime(make_timestamp((CAST({q} AS BIGINT) + {off} * 60) * 1000000), '%Y-%m-%dT%H:%M:%S') || "
                f"{_offset_sql(off)} END AS {q}")
    if logical == "date":
        return (f"CASE WHEN {q} IS NULL OR {q} >= {NEVER_DAY} THEN NULL ELSE "
                f"strftime(DATE '1970-01-01' + CAST({q} AS INTEGER), '%Y-%m-%d') END AS {q}")
    if logical == "decimal":
        return f"CASE WHEN isnan(CAST({q} AS DOUBLE)) THEN NULL ELSE printf('%.2f', CAST({q} AS DOUBLE)) END AS {q}"
    if logical in ("integer", "bigint"):
        return f"CAST(CAST({q} AS BIGINT) AS VARCHAR) AS {q}"
    return f"CAST({q} AS VARCHAR) AS {q}"


def _months(seconds: np.ndarray) -> np.ndarray:
    """Calendar month of each UTC second, as months since 1970-01."""
    return np.asarray(seconds, dtype=np.int64).astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)


def _sort_order(keys: list) -> np.ndarray:
    """Row positions that sort the rows by ``keys`` (arrays, first key first); the row position
    is the last key, so the order is total and the same on every run."""
    n = len(keys[0])
    t = pa.table({f"k{i}": k for i, k in enumerate([*keys, np.arange(n, dtype=np.int64)])})
    return pc.sort_indices(t, sort_keys=[(name, "ascending") for name in t.column_names]).to_numpy()


def _month_runs(months: np.ndarray) -> list[tuple[str, int, int]]:
    """(``YYYY-MM``, first row, end row) of each run of equal months in a sorted array."""
    cuts = [0, *(np.flatnonzero(np.diff(months)) + 1).tolist(), len(months)]
    return [(str(np.datetime64(int(months[a]), "M")), a, b) for a, b in zip(cuts[:-1], cuts[1:])]


class Writer:
    """Writes the raw tables, one file per month, and counts their enumerated values as it goes
    (``census``, see :class:`c2c.contract.census.Census`)."""

    def __init__(self, root: Path, threads: int = 2, census: Census | None = None):
        self.root = Path(root)
        self.contract = load_contract()
        self.census = census if census is not None else Census()
        self.con = duckdb.connect()
        self.con.execute(f"SET threads = {threads}")
        self.con.execute("SET preserve_insertion_order = true")

    def close(self) -> None:
        self.con.close()

    def write_d365(self, table: str, df: pd.DataFrame) -> list[Path]:
        """One parquet file per month of ``sinkmodifiedon``, rows in (recid, versionnumber) order."""
        spec = self.contract["d365"][table]
        cols = list(spec) + list(LAKE_COLUMNS)
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"simulated d365.{table} lacks contract columns {missing}")
        types = dict(spec, sinkmodifiedon="timestamp", isdelete="integer", versionnumber="bigint")
        months = _months(df["sinkmodifiedon"].to_numpy(np.int64))
        keys = [months] + [df[c].to_numpy(np.int64) for c in ("recid", "versionnumber") if c in cols]
        tbl = pa.Table.from_pandas(df, columns=cols, preserve_index=False)
        del df
        select = ", ".join(_d365_expr(c, types[c]) for c in cols)
        return self._write(tbl, months, keys, select, lambda rel: self.census.add_d365(self.con, table, rel),
                           self.root / "d365" / table, table, "parquet", "FORMAT parquet, COMPRESSION zstd")

    def write_highradius(self, obj: str, df: pd.DataFrame, timezones: list[str], key: list[str] | None) -> list[Path]:
        """One CSV file per month of extraction (tenant time), rows in (key, extracted_at) order;
        timestamps in the tenant's local time with its UTC offset (or the fault's offset)."""
        spec = self.contract["highradius"][obj]
        cols = list(spec) + ["extracted_at"]
        missing = [c for c in spec if c not in df.columns]
        if missing:
            raise ValueError(f"simulated highradius.{obj} lacks contract columns {missing}")
        types = dict(spec, extracted_at="timestamp")
        offsets = _local_offsets(df, [c for c in cols if types[c] == "timestamp"], timezones)
        months = _months(df["extracted_at"].to_numpy(np.int64) + offsets["extracted_at"] * 60)
        keys = [months] + [pa.array(df[k]) for k in (key or [])] + [df["extracted_at"].to_numpy(np.int64)]
        tbl = pa.Table.from_pandas(df, columns=cols, preserve_index=False)
        del df
        for c, off in offsets.items():
            tbl = tbl.append_column(f"_off_{c}", pa.array(off))
        select = ", ".join(_hr_expr(c, types[c]) for c in cols)
        return self._write(tbl, months, keys, select, lambda rel: self.census.add_highradius(self.con, obj, rel),
                           self.root / "highradius" / obj, obj, "csv", "FORMAT csv, HEADER true, DELIMITER ','")

    def _write(self, tbl: pa.Table, months: np.ndarray, keys: list, select: str, count, dest: Path, stem: str,
               ext: str, options: str) -> list[Path]:
        """Sort the rows once (month, then ``keys``), count them into the census, and write each
        month's rows with one COPY to ``dest/<stem>_<YYYY-MM>.<ext>``."""
        dest.mkdir(parents=True, exist_ok=True)
        for old in dest.glob(f"*.{ext}"):
            old.unlink()
        order = _sort_order(keys)
        tbl, months = tbl.take(order), months[order]
        del order, keys
        out = []
        try:
            self.con.register("frame", tbl)
            count(f"(select {select} from frame)")
            for month, lo, hi in _month_runs(months):
                self.con.register("frame", tbl.slice(lo, hi - lo))
                path = dest / f"{stem}_{month}.{ext}"
                self.con.execute(f"COPY (SELECT {select} FROM frame) TO '{path.as_posix()}' ({options})")
                out.append(path)
        finally:
            self.con.unregister("frame")
        return out


def _local_offsets(df: pd.DataFrame, columns: list[str], timezones: list[str]) -> dict[str, np.ndarray]:
    """Per timestamp column: the UTC offset in minutes each value is written with (the tenant's
    offset at that instant, or the row's ``_tzshift`` where a fault set one)."""
    comp = df["_company"].to_numpy(np.int64)
    shift = df["_tzshift"].to_numpy() if "_tzshift" in df else np.full(len(df), np.nan)
    out = {}
    for c in columns:
        ts = df[c].to_numpy(np.int64)
        off = np.zeros(len(df), dtype=np.int64)
        for ci, tz in enumerate(timezones):
            m = (comp == ci) & (ts < NEVER)
            off[m] = utc_offset_minutes(ts[m], tz)
        out[c] = np.where(np.isnan(shift), off, np.nan_to_num(shift).astype(np.int64))
    return out


def extracted_at(change_ts: np.ndarray, comp: np.ndarray, timezones: list[str], rng: np.random.Generator) -> np.ndarray:
    """HighRadius extracts run nightly at about 02:00 tenant time: a change is delivered the next night."""
    out = np.empty(len(change_ts), dtype=np.int64)
    for ci, tz in enumerate(timezones):
        m = comp == ci
        if not m.any():
            continue
        local = change_ts[m] + utc_offset_minutes(change_ts[m], tz) * 60
        next_day = local // DAY + 1
        out[m] = local_to_utc(next_day * DAY + 2 * 3600 + (rng.random(m.sum()) * 1800).astype(np.int64), tz)
    return out
