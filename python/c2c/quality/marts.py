"""Mart batches read from the DuckDB file, read-only, a bounded number of rows at a time.

``event_log`` is read in buckets of whole cases (a hash of ``case_id`` modulo the number of
buckets), so that a case's path can be checked within one batch; ``cases`` is streamed in
record batches. Only the columns the suites read are fetched.
"""

from __future__ import annotations

from typing import Iterator

import duckdb
import numpy as np
import pandas as pd

from . import rules

EVENT_BATCH_ROWS = 500_000
CASE_BATCH_ROWS = 250_000


def event_log_batches(con: duckdb.DuckDBPyConnection, batch_rows: int = EVENT_BATCH_ROWS
                      ) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """Yield (batch name, events, one row per case with its path facts)."""
    total = con.execute("select count(*) from event_log").fetchall()[0][0]
    buckets = max(1, -(-total // batch_rows))
    for bucket in range(buckets):
        events = con.execute(
            "select case_id, event_id, activity_code, activity_order, event_timestamp from event_log "
            "where hash(case_id) % ? = ? order by case_id, event_timestamp, activity_order, event_id",
            [buckets, bucket]).df()
        yield f"event_log bucket {bucket + 1}/{buckets}", events, case_paths(events)


def case_paths(events: pd.DataFrame) -> pd.DataFrame:
    """Per case: its first activity once credit-limit events are left aside, the number of closing
    events, and whether it ends with its closing event or has none. ``events`` must be in the
    ordering rule's order."""
    if events.empty:
        return pd.DataFrame({"case_id": pd.Series(dtype=object), "first_invoice_activity": pd.Series(dtype=object),
                             "closing_event_count": pd.Series(dtype="int64"),
                             "ends_closed_or_open": pd.Series(dtype=bool)})
    by_case = events.groupby("case_id", sort=True)
    invoice_events = events[~events["activity_code"].isin(rules.CREDIT_LIMIT_ACTIVITIES)]
    first = invoice_events.groupby("case_id", sort=True)["activity_code"].first()
    closing = events["activity_code"].isin(rules.CLOSING_ACTIVITIES).groupby(events["case_id"], sort=True).sum()
    last = by_case["activity_code"].last()
    out = pd.DataFrame({"closing_event_count": closing.astype("int64"), "last": last})
    out["first_invoice_activity"] = first.reindex(out.index).fillna("(only credit-limit events)")
    out["ends_closed_or_open"] = (out["closing_event_count"] == 0) | out["last"].isin(rules.CLOSING_ACTIVITIES)
    return out.drop(columns="last").reset_index()


def cases_batches(con: duckdb.DuckDBPyConnection, batch_rows: int = CASE_BATCH_ROWS
                  ) -> Iterator[tuple[str, pd.DataFrame]]:
    reader = con.sql("select case_id, status, due_date, settled_at from cases order by case_id").to_arrow_reader(
        batch_rows)
    for number, batch in enumerate(reader, start=1):
        df = batch.to_pandas()
        settled = pd.to_datetime(df["settled_at"]).dt.normalize()
        due = pd.to_datetime(df["due_date"])
        df["settled_by_due_date"] = pd.Series(np.where(settled.isna(), None, settled <= due), index=df.index,
                                              dtype="object")
        yield f"cases batch {number}", df
