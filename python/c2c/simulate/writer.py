"""Writes raw tables in the contract's layout and types, driven by the contract itself.

D365 tables become ``<root>/d365/<table>/<table>_<YYYY-MM>.parquet`` (one file per month of
``sinkmodifiedon``); HighRadius objects become ``<root>/highradius/<object>/<object>_<YYYY-MM>.csv``
(one file per month of extraction). DuckDB does the type conversion and the file writing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from c2c.contract import load_contract

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


def _move_partitions(tmp: Path, dest: Path, stem: str, ext: str) -> list[Path]:
    """DuckDB writes ``tmp/_part=<month>/data_<n>.<ext>``; the contract wants files directly in the folder."""
    out = []
    for part in sorted(tmp.iterdir()):
        month = part.name.split("=", 1)[1]
        files = sorted(part.iterdir())
        for i, f in enumerate(files):
            target = dest / (f"{stem}_{month}.{ext}" if len(files) == 1 else f"{stem}_{month}_{i}.{ext}")
            os.replace(f, target)
            out.append(target)
    shutil.rmtree(tmp)
    return out


class Writer:
    def __init__(self, root: Path, threads: int = 2):
        self.root = Path(root)
        self.contract = load_contract()
        self.con = duckdb.connect()
        self.con.execute(f"SET threads = {threads}")
        self.con.execute("SET preserve_insertion_order = true")

    def close(self) -> None:
        self.con.close()

    def write_d365(self, table: str, df: pd.DataFrame) -> list[Path]:
        spec = self.contract["d365"][table]
        cols = list(spec) + list(LAKE_COLUMNS)
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"simulated d365.{table} lacks contract columns {missing}")
        types = dict(spec, sinkmodifiedon="timestamp", isdelete="integer", versionnumber="bigint")
        dest = self.root / "d365" / table
        dest.mkdir(parents=True, exist_ok=True)
        frame = df[cols].copy()
        frame["_part"] = pd.to_datetime(frame["sinkmodifiedon"].to_numpy(np.int64), unit="s").strftime("%Y-%m")
        sel = ", ".join(_d365_expr(c, types[c]) for c in cols)
        order = "recid, versionnumber" if "recid" in cols else "versionnumber"
        return self._copy(frame, f"SELECT {sel}, _part FROM frame ORDER BY _part, {order}", dest, table, "parquet",
                          "FORMAT parquet, COMPRESSION zstd")

    def write_highradius(self, obj: str, df: pd.DataFrame, timezones: list[str], key: list[str] | None) -> list[Path]:
        spec = self.contract["highradius"][obj]
        cols = list(spec) + ["extracted_at"]
        missing = [c for c in spec if c not in df.columns]
        if missing:
            raise ValueError(f"simulated highradius.{obj} lacks contract columns {missing}")
        types = dict(spec, extracted_at="timestamp")
        frame = df.copy()
        comp = frame["_company"].to_numpy(np.int64)
        shift = frame["_tzshift"].to_numpy() if "_tzshift" in frame else np.full(len(frame), np.nan)
        for c in cols:
            if types[c] != "timestamp":
                continue
            ts = frame[c].to_numpy(np.int64)
            off = np.zeros(len(frame), dtype=np.int64)
            for ci, tz in enumerate(timezones):
                m = (comp == ci) & (ts < NEVER)
                off[m] = utc_offset_minutes(ts[m], tz)
            off = np.where(np.isnan(shift), off, np.nan_to_num(shift).astype(np.int64))
            frame[f"_off_{c}"] = off
        frame["_part"] = pd.to_datetime(frame["extracted_at"].to_numpy(np.int64) + frame["_off_extracted_at"].to_numpy() * 60,
                                        unit="s").strftime("%Y-%m")
        dest = self.root / "highradius" / obj
        dest.mkdir(parents=True, exist_ok=True)
        sel = ", ".join(_hr_expr(c, types[c]) for c in cols)
        order = ", ".join(f'"{k}"' for k in (key or [])) + (", " if key else "") + "extracted_at"
        return self._copy(frame, f"SELECT {sel}, _part FROM frame ORDER BY _part, {order}", dest, obj, "csv",
                          "FORMAT csv, HEADER true, DELIMITER ','")

    def _copy(self, frame: pd.DataFrame, query: str, dest: Path, stem: str, ext: str, options: str) -> list[Path]:
        for old in dest.glob(f"*.{ext}"):
            old.unlink()
        tmp = dest / "_tmp_partitions"
        if tmp.exists():
            shutil.rmtree(tmp)
        self.con.register("frame", frame)
        try:
            self.con.execute(f"COPY ({query}) TO '{tmp.as_posix()}' ({options}, PARTITION_BY (_part), OVERWRITE_OR_IGNORE)")
        finally:
            self.con.unregister("frame")
        return _move_partitions(tmp, dest, stem, ext)


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
