"""Writes raw tables in the contract's layout and types, driven by the contract itself.

D365 tables become ``<root>/d365/<table>/<table>_<YYYY-MM>.parquet`` (one file per month of
``sinkmodifiedon``); HighRadius objects become ``<root>/highradius/<object>/<object>_<YYYY-MM>.csv``
(one file per month of extraction). DuckDB does the type conversion and the file writing.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
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


def _by_month(order: np.ndarray, months: np.ndarray) -> np.ndarray:
    """``order`` regrouped by month (stable: within a month the rows keep their order)."""
    return order[np.argsort(months[order].astype(np.int16), kind="stable")]


def _month_runs(months: np.ndarray) -> list[tuple[str, int, int]]:
    """(``YYYY-MM``, first row, end row) of each run of equal months in a sorted array."""
    if not len(months):
        return []
    cuts = [0, *(np.flatnonzero(np.diff(months)) + 1).tolist(), len(months)]
    return [(str(np.datetime64(int(months[a]), "M")), a, b) for a, b in zip(cuts[:-1], cuts[1:])]


def _current_rows(by_record: np.ndarray, recid: np.ndarray, deleted: np.ndarray) -> np.ndarray:
    """Rows of the records' current state: the last row of each recid in ``by_record`` order
    (recid, versionnumber, sinkmodifiedon), unless it is a deletion."""
    r = recid[by_record]
    last = by_record[np.append(r[1:] != r[:-1], True)] if len(r) else by_record
    return last[~deleted[last]]


class Writer:
    """Writes the raw tables, one file per month, and counts their enumerated values as it goes
    (``census``, see :class:`c2c.contract.census.Census`).

    The monthly files are written in the background, ``threads`` COPY statements at a time, while
    the caller prepares the next table: ``write_d365`` / ``write_highradius`` return the paths
    at once, and a table's files are on disk after the next table is handed over, or after
    :meth:`wait`.

    ``suffix`` ends the stem of every file written (``<stem>_<YYYY-MM><suffix>.<ext>``): a zone
    written in blocks gives each block's files its own suffix, and a writer with a suffix adds
    files next to those already in the folder instead of replacing them."""

    def __init__(self, root: Path, threads: int = 2, census: Census | None = None):
        self.root = Path(root)
        self.contract = load_contract()
        self.census = census if census is not None else Census()
        self.con = duckdb.connect()
        self.con.execute(f"SET threads = {threads}")
        self.con.execute("SET preserve_insertion_order = true")
        self._pool = ThreadPoolExecutor(max_workers=threads)
        self._pending: list[Future] = []
        self.suffix = ""

    def copy_later(self, query: str, views: dict[str, pa.Table], path: Path, options: str) -> None:
        """Hand over ``COPY (query) TO path (options)``, run in the background on a connection of
        its own with the Arrow tables ``views`` registered under their names."""
        def run() -> None:
            con = self.con.cursor()
            try:
                for name, view in views.items():
                    con.register(name, view)
                con.execute(f"COPY ({query}) TO '{path.as_posix()}' ({options})")
            finally:
                con.close()

        self._pending.append(self._pool.submit(run))

    def wait(self) -> None:
        """Block until every file handed over so far is written (a failed COPY raises here)."""
        pending, self._pending = self._pending, []
        for f in pending:
            f.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
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
        version, sink = df["versionnumber"].to_numpy(np.int64), df["sinkmodifiedon"].to_numpy(np.int64)
        current = None
        if "recid" in cols:
            recid = df["recid"].to_numpy(np.int64)
            by_record = _sort_order([recid, version, sink])
            current = _current_rows(by_record, recid, df["isdelete"].to_numpy(np.float64, na_value=0) == 1)
        else:
            by_record = _sort_order([version])
        tbl = pa.Table.from_pandas(df, columns=cols, preserve_index=False)
        del df
        self._count_d365(table, tbl, types, current)
        return self._write(tbl, _by_month(by_record, months), months, ", ".join(_d365_expr(c, types[c]) for c in cols),
                           self.root / "d365" / table, table, "parquet", "FORMAT parquet, COMPRESSION zstd")

    def _count_d365(self, table: str, tbl: pa.Table, types: dict, current: np.ndarray | None) -> None:
        """Census of a D365 table: its lake columns over every row, its enumerated columns over
        the ``current`` rows (the records' current state; None: resolved by the census)."""
        lake = sorted(self.census.columns_of("d365", "*"))
        own = sorted(self.census.columns_of("d365", table))

        def rel(columns, view: str) -> str:
            return f"(select {', '.join(_d365_expr(c, types[c]) for c in columns)} from {view})" if columns else ""

        views = {"census_all": tbl}
        if current is None:  # the census resolves the current state from every column
            args = (rel(types, "census_all"), None)
        else:
            if own:
                views["census_current"] = tbl.select(own).take(current)
            args = (rel(lake, "census_all"), rel(own, "census_current") or None)
        for name, view in views.items():
            self.con.register(name, view)
        try:
            self.census.add_d365(self.con, table, *args)
        finally:
            for name in views:
                self.con.unregister(name)

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
        order = _sort_order([months] + [pa.array(df[k]) for k in (key or [])] + [df["extracted_at"].to_numpy(np.int64)])
        tbl = pa.Table.from_pandas(df, columns=cols, preserve_index=False)
        del df
        for c, off in offsets.items():
            tbl = tbl.append_column(f"_off_{c}", pa.array(off))
        select = ", ".join(_hr_expr(c, types[c]) for c in cols)
        # the census orders the extracts by their instant: taken from the UTC seconds, not
        # re-parsed from the text the files get
        census_select = ", ".join([*(_hr_expr(c, types[c]) for c in cols if c != "extracted_at"),
                                   "to_timestamp(extracted_at) AS extracted_at"])
        self.con.register("census_all", tbl)
        try:
            self.census.add_highradius(self.con, obj, f"(select {census_select} from census_all)")
        finally:
            self.con.unregister("census_all")
        return self._write(tbl, order, months, select, self.root / "highradius" / obj, obj, "csv",
                           "FORMAT csv, HEADER true, DELIMITER ','")

    def _write(self, tbl: pa.Table, order: np.ndarray, months: np.ndarray, select: str, dest: Path, stem: str,
               ext: str, options: str) -> list[Path]:
        """Hand over the rows in ``order`` (grouped by month) to be written with one COPY per
        month to ``dest/<stem>_<YYYY-MM><suffix>.<ext>``; returns the paths."""
        dest.mkdir(parents=True, exist_ok=True)
        if not self.suffix:
            for old in dest.glob(f"*.{ext}"):
                old.unlink()
        runs = _month_runs(months[order])
        paths = [dest / f"{stem}_{month}{self.suffix}.{ext}" for month, _, _ in runs]

        def copy(i: int) -> None:
            _, lo, hi = runs[i]
            con = self.con.cursor()
            try:
                con.register("frame", tbl.take(order[lo:hi]))
                con.execute(f"COPY (SELECT {select} FROM frame) TO '{paths[i].as_posix()}' ({options})")
            finally:
                con.close()

        self.wait()  # the previous table's files: at most one table waits in memory
        self._pending = [self._pool.submit(copy, i) for i in range(len(runs))]
        return paths


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
