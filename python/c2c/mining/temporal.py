"""pm4py's temporal profile over activity pairs.

The temporal profile is, for every pair of activities (a, b) where b follows a somewhere later
in a case, the mean and the (sample) standard deviation of the time from a to b over every
such pair of events. pm4py discovers it from events, at a cost that grows with the square of
the case length times the cases; to keep it bounded whatever the size of the log, it runs on a
deterministic sample of at most `max_cases` cases (chosen by a stable hash of the case id, so
the same log gives the same sample); with fewer cases than that, on every case.

Which cases deviate from the profile (a time more than zeta standard deviations from the mean)
is checked on every case of the log in SQL (the mart pm_temporal_deviations), by the rule of
pm4py's temporal-profile conformance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .discovery import empty_frame

EVENT_COLUMNS = ("case_id", "activity_code", "event_timestamp", "activity_order", "event_id")

TEMPORAL_PROFILE_COLUMNS: dict[str, str] = {
    "source_activity": "string",
    "target_activity": "string",
    "mean_seconds": "float64",
    "stdev_seconds": "float64",
    "mean_days": "float64",
    "stdev_days": "float64",
    "cases_observed": "int64",
    "cases_in_sample": "int64",
    "cases_in_log": "int64",
    "zeta": "float64",
}


def sample_case_ids(case_ids: pd.Series, max_cases: int) -> pd.Series:
    """At most max_cases ids, the same ones for the same input: ordered by a stable hash."""
    if max_cases <= 0:
        raise ValueError(f"temporal_profile_max_cases must be greater than 0, got {max_cases}")
    ids = pd.Series(pd.unique(case_ids.astype("string").dropna()), dtype="string")
    if len(ids) <= max_cases:
        return ids.sort_values(kind="mergesort").reset_index(drop=True)
    keys = pd.util.hash_pandas_object(ids, index=False, hash_key="c2c-temporal-pro").to_numpy()
    # only the ids whose key is at most the max_cases-th smallest can be chosen: sort those alone
    # (ties at that key are all kept, and the sort below decides between them as before)
    kth = np.partition(keys, max_cases - 1)[max_cases - 1]
    candidates = keys <= kth
    frame = pd.DataFrame({"case_id": ids[candidates], "key": keys[candidates]})
    chosen = frame.sort_values(["key", "case_id"], kind="mergesort").head(max_cases)
    return chosen["case_id"].sort_values(kind="mergesort").reset_index(drop=True)


def _pm4py_frame(events: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise ValueError(f"event_log has no column {', '.join(repr(c) for c in missing)}")
    ordered = events.sort_values(list(EVENT_COLUMNS[:1]) + ["event_timestamp", "activity_order", "event_id"],
                                 kind="mergesort")
    return pd.DataFrame({
        "case:concept:name": ordered["case_id"].astype(str).to_numpy(),
        "concept:name": ordered["activity_code"].astype(str).to_numpy(),
        "time:timestamp": pd.to_datetime(ordered["event_timestamp"], utc=True).to_numpy(),
    })


def _discover(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float]]:
    import pm4py

    return pm4py.discover_temporal_profile(frame, activity_key="concept:name", timestamp_key="time:timestamp",
                                           case_id_key="case:concept:name")


def _pairs_per_case(frame: pd.DataFrame) -> pd.DataFrame:
    """Distinct (case, a, b) with b after a in the case: how many cases observed each pair.

    The same eventually-follows pairs pm4py builds for the profile (its partial-order frame).
    """
    from pm4py.algo.discovery.dfg.adapters.pandas.df_statistics import get_partial_order_dataframe

    efg = get_partial_order_dataframe(frame, activity_key="concept:name", timestamp_key="time:timestamp",
                                      case_id_glue="case:concept:name", keep_first_following=False)
    pairs = efg[["case:concept:name", "concept:name", "concept:name_2"]].drop_duplicates()
    pairs.columns = ["case_id", "source_activity", "target_activity"]
    return pairs


def temporal_profile(events: pd.DataFrame, zeta: float = 3.0, cases_in_log: int | None = None) -> pd.DataFrame:
    """The temporal profile of the sampled cases' events: one row per activity pair.

    events: the events of the sampled cases (EVENT_COLUMNS); they are put in the ordering rule
    before pm4py sees them. zeta is carried on every row for the SQL check of every case.
    """
    if zeta <= 0:
        raise ValueError(f"temporal_profile_zeta must be greater than 0, got {zeta}")
    if events.empty:
        return empty_frame(TEMPORAL_PROFILE_COLUMNS)
    frame = _pm4py_frame(events)
    sample_size = int(frame["case:concept:name"].nunique())
    profile = _discover(frame)
    if not profile:
        return empty_frame(TEMPORAL_PROFILE_COLUMNS)
    prof = pd.DataFrame(
        [(a, b, float(m), float(s)) for (a, b), (m, s) in profile.items()],
        columns=["source_activity", "target_activity", "mean_seconds", "stdev_seconds"],
    )
    observed = _pairs_per_case(frame).groupby(["source_activity", "target_activity"]).size().rename("cases_observed")
    prof = prof.merge(observed.reset_index(), on=["source_activity", "target_activity"], how="left")
    prof["cases_observed"] = prof["cases_observed"].fillna(0).astype("int64")
    prof["mean_days"] = prof["mean_seconds"] / 86400.0
    prof["stdev_days"] = prof["stdev_seconds"] / 86400.0
    prof["zeta"] = float(zeta)
    prof["cases_in_sample"] = sample_size
    prof["cases_in_log"] = int(cases_in_log) if cases_in_log is not None else sample_size
    prof = prof[list(TEMPORAL_PROFILE_COLUMNS)].astype(TEMPORAL_PROFILE_COLUMNS)
    return prof.sort_values(["source_activity", "target_activity"], kind="mergesort").reset_index(drop=True)
