"""Exports of the event log: IEEE XES 1849-2016 and OCEL 2.0 (SQLite, JSON).

Both read the built `event_log` from the DuckDB file read-only and write in a streaming way,
so memory does not grow with the log.
"""

from .ocel import write_ocel
from .source import ExportError, open_event_log
from .xes import write_xes

__all__ = ["ExportError", "open_event_log", "write_ocel", "write_xes"]
