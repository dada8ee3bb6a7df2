"""Read an event log file (CSV, Parquet, XES) into one table of events in file order.

The result has one row per event: ``event_index`` (1 = first event of the file, XES events in
document order), ``case_id``, ``activity``, ``event_timestamp`` (UTC, without time zone),
``resource`` and ``source_file``. Timestamps with a UTC offset are converted to UTC; timestamps
without one are taken as UTC. A missing column, an empty key or an unreadable timestamp is an
error naming the file, the column and the row: nothing is dropped silently.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

Progress = Callable[[str], None]


class ByoLogError(Exception):
    """A problem with the event log file, reported in one line naming the file (and column, row)."""


@dataclass(frozen=True)
class EventColumns:
    """Names of the event log columns in the file (defaults: the XES standard names)."""

    case: str = "case:concept:name"
    activity: str = "concept:name"
    timestamp: str = "time:timestamp"
    resource: str | None = "org:resource"


OUTPUT_COLUMNS = ["event_index", "case_id", "activity", "event_timestamp", "resource", "source_file"]


def file_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(".xes") or name.endswith(".xes.gz"):
        return "xes"
    if name.endswith(".csv") or name.endswith(".csv.gz"):
        return "csv"
    if name.endswith(".parquet") or name.endswith(".pq"):
        return "parquet"
    raise ByoLogError(f"{path}: unknown file type; expected .csv, .parquet, .xes or .xes.gz")


def read_event_log(path: Path, columns: EventColumns = EventColumns(), progress: Progress | None = None) -> pd.DataFrame:
    """The events of ``path`` in file order, with the columns OUTPUT_COLUMNS."""
    path = Path(path)
    if not path.is_file():
        raise ByoLogError(f"{path}: no such file")
    kind = file_format(path)
    wanted = [columns.case, columns.activity, columns.timestamp]
    optional = [columns.resource] if columns.resource else []
    try:
        if kind == "csv":
            raw, available = _read_csv(path, wanted + optional)
        elif kind == "parquet":
            raw, available = _read_parquet(path, wanted + optional)
        else:
            raw, available = _read_xes(path, set(wanted + optional), progress)
    except ByoLogError:
        raise
    except (OSError, ValueError, ET.ParseError, UnicodeDecodeError, EOFError) as exc:
        raise ByoLogError(f"{path}: cannot read the file as {kind.upper()}: {_one_line(exc)}") from None
    except Exception as exc:  # pyarrow and pandas raise their own error classes
        raise ByoLogError(f"{path}: cannot read the file as {kind.upper()}: {_one_line(exc)}") from None

    for role, name in (("case", columns.case), ("activity", columns.activity), ("timestamp", columns.timestamp)):
        if name not in available:
            shown = ", ".join(sorted(available)[:20]) or "none"
            raise ByoLogError(f"{path}: no {role} column '{name}' (columns found: {shown}); "
                              f"name it with --{role}-column")
    if len(raw) == 0:
        raise ByoLogError(f"{path}: the file holds no events")
    return _normalise(raw, path, kind, columns, columns.resource in available if columns.resource else False)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _read_csv(path: Path, names: list[str]) -> tuple[pd.DataFrame, set[str]]:
    header = pd.read_csv(path, nrows=0, encoding="utf-8-sig")
    available = set(header.columns)
    use = [n for n in names if n in available]
    frame = pd.read_csv(path, usecols=use, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    return frame, available


def _read_parquet(path: Path, names: list[str]) -> tuple[pd.DataFrame, set[str]]:
    import pyarrow.parquet as pq

    available = set(pq.read_schema(path).names)
    use = [n for n in names if n in available]
    return pq.read_table(path, columns=use).to_pandas(), available


def _read_xes(path: Path, names: set[str], progress: Progress | None) -> tuple[pd.DataFrame, set[str]]:
    """XES (IEEE 1849) by streaming: trace attributes become ``case:<key>`` columns of its events."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    rows: dict[str, list] = {name: [] for name in names}
    available: set[str] = set()
    stack: list[str] = []
    trace_attrs: dict[str, str] = {}
    trace_events: list[dict[str, str]] = []
    event: dict[str, str] | None = None
    count = 0
    with opener(path, "rb") as handle:
        for kind, element in ET.iterparse(handle, events=("start", "end")):
            tag = element.tag.rpartition("}")[2]
            if kind == "start":
                stack.append(tag)
                if tag == "trace":
                    trace_attrs, trace_events = {}, []
                elif tag == "event" and len(stack) >= 2 and stack[-2] == "trace":
                    event = {}
                continue
            stack.pop()
            parent = stack[-1] if stack else None
            if tag == "event" and event is not None and parent == "trace":
                trace_events.append(event)
                event = None
                element.clear()
            elif tag == "trace":
                case_values = {f"case:{k}": v for k, v in trace_attrs.items()}
                available.update(case_values)
                for ev in trace_events:
                    merged = {**case_values, **ev}
                    for name in names:
                        rows[name].append(merged.get(name))
                if progress is not None and (count + len(trace_events)) // 100_000 > count // 100_000:
                    progress(f"read {count + len(trace_events):,} events")
                count += len(trace_events)
                element.clear()
            elif "key" in element.attrib and parent is not None:
                if parent == "event" and event is not None and len(stack) >= 2 and stack[-2] == "trace":
                    key = element.attrib["key"]
                    available.add(key)
                    if key in names:
                        event[key] = element.attrib.get("value")
                elif parent == "trace" and tag != "event":
                    trace_attrs[element.attrib["key"]] = element.attrib.get("value")
    if not stack and count == 0 and not available:
        raise ByoLogError(f"{path}: no trace with events found (is it an XES log?)")
    return pd.DataFrame({name: values for name, values in rows.items() if name in available}), available


def _row_label(kind: str, index: int) -> str:
    # CSV: the line of the file (header is line 1); other formats: the event's position
    return f"line {index + 2}" if kind == "csv" else f"event {index + 1}"


def _normalise(raw: pd.DataFrame, path: Path, kind: str, columns: EventColumns, has_resource: bool) -> pd.DataFrame:
    raw = raw.reset_index(drop=True)
    for role, name in (("case", columns.case), ("activity", columns.activity), ("timestamp", columns.timestamp)):
        missing = raw[name].isna()
        if missing.any():
            first = int(missing.to_numpy().nonzero()[0][0])
            raise ByoLogError(f"{path}: column '{name}' ({role}) is empty at {_row_label(kind, first)} "
                              f"({int(missing.sum()):,} events without a {role})")
    stamps = _to_utc(raw[columns.timestamp], path, kind, columns.timestamp)
    out = pd.DataFrame({
        "event_index": pd.Series(range(1, len(raw) + 1), dtype="int64"),
        "case_id": raw[columns.case].astype(str),
        "activity": raw[columns.activity].astype(str),
        "event_timestamp": stamps,
        "resource": raw[columns.resource].astype("string") if has_resource else pd.Series([None] * len(raw), dtype="string"),
        "source_file": path.name,
    })
    return out[OUTPUT_COLUMNS]


def _to_utc(values: pd.Series, path: Path, kind: str, name: str) -> pd.Series:
    """UTC timestamps without time zone; offsets converted, naive values taken as UTC."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = pd.to_datetime(values, utc=True)
    else:
        text = values.astype(str).str.strip()
        parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
        bad = parsed.isna()
        if bad.any():
            first = int(bad.to_numpy().nonzero()[0][0])
            raise ByoLogError(f"{path}: column '{name}' at {_row_label(kind, first)}: {text.iloc[first]!r} is not an "
                              f"ISO 8601 timestamp ({int(bad.sum()):,} such values)")
    return parsed.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")

