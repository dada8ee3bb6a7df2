"""Bring your own event log: load a CSV, Parquet or XES file and build the process-mining marts on it."""

from .reader import ByoLogError, EventColumns, read_event_log

__all__ = ["ByoLogError", "EventColumns", "read_event_log"]
