"""pm4py's temporal profile over activity pairs, and the cases that deviate from it.

The temporal profile is, for every pair of activities (a, b) where b follows a somewhere later
in a case, the mean and the standard deviation of the time from a to b. A case deviates when
such a time lies more than zeta standard deviations from the mean.

Cost: pm4py computes both from events, and its cost grows with the square of the case length
times the cases. To keep it bounded whatever the size of the log, it runs on a deterministic
sample of at most `max_cases` cases (chosen by a stable hash of the case id, so the same log
gives the same sample); with fewer cases than that, on every case.
"""

from __future__ import annotations

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
    "zeta": "float64",
    "cases_observed": "int64",
    "cases_deviating": "int64",
    "deviating_case_share": "float64",
    "cases_in_sample": "int64",
    "cases_in_log": "int64",
}

TEMPORAL_DEVIATION_COLUMNS: dict[str, str] = {
    "case_id": "string",
    "source_activity": "string",
    "target_activity": "string",
    "observed_seconds": "float64",
    "mean_seconds": "float64",
    "stdev_seconds": "float64",
    "zeta_score": "float64",
    "is_slower": "bool",
    "occurrences": "int64",
    "zeta": "float64",
}


def sample_case_ids(case_ids: pd.Series, max_cases: int) -> pd.Series:
    """At most max_cases ids, the same ones for the same input: ordered by a stable hash."""
    if max_cases <= 0:
        raise ValueError(f"temporal_profile_max_cases must be greater than 0, got {max_cases}")
    ids = pd.Series(pd.unique(case_ids.astype("string").dropna()), dtype="string")
    if len(ids) <= max_cases:
        return ids.sort_values(kind="mergesort").reset_index(drop=True)
    keys = pd.util.hash_pandas_object(ids, index=False, hash_key="c2c-temporal-pro")
    frame = pd.DataFrame({"case_id": ids, "key": keys.to_numpy()})
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


def _deviations(frame: pd.DataFrame, profile, zeta: float) -> pd.DataFrame:
    import pm4py

    results = pm4py.conformance_temporal_profile(frame, profile, zeta=zeta, activity_key="concept:name",
                                                 timestamp_key="time:timestamp", case_id_key="case:concept:name",
                                                 return_diagnostics_dataframe=False)
    cases = pd.unique(frame["case:concept:name"])  # pm4py reports the cases in this order
    rows = [
        (case_id, a, b, float(seconds), float(score))
        for case_id, deviations in zip(cases, results)
        for a, b, seconds, score in deviations
    ]
    return pd.DataFrame(rows, columns=["case_id", "source_activity", "target_activity", "observed_seconds", "zeta_score"])


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


def temporal_profile(events: pd.DataFrame, zeta: float = 3.0, cases_in_log: int | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(profile, deviations) from the events of the sampled cases.

    profile: one row per activity pair; deviations: one row per case and pair whose time lies
    beyond zeta standard deviations (the largest such occurrence when the pair repeats).
    """
    if zeta <= 0:
        raise ValueError(f"temporal_profile_zeta must be greater than 0, got {zeta}")
    if events.empty:
        return empty_frame(TEMPORAL_PROFILE_COLUMNS), empty_frame(TEMPORAL_DEVIATION_COLUMNS)
    frame = _pm4py_frame(events)
    sample_size = int(frame["case:concept:name"].nunique())
    profile = _discover(frame)
    if not profile:
        return empty_frame(TEMPORAL_PROFILE_COLUMNS), empty_frame(TEMPORAL_DEVIATION_COLUMNS)
    prof = pd.DataFrame(
        [(a, b, float(m), float(s)) for (a, b), (m, s) in profile.items()],
        columns=["source_activity", "target_activity", "mean_seconds", "stdev_seconds"],
    )
    raw = _deviations(frame, profile, zeta)
    if raw.empty:
        dev = empty_frame(TEMPORAL_DEVIATION_COLUMNS)
    else:
        raw["abs_score"] = raw["zeta_score"].abs()
        raw = raw.sort_values(["case_id", "source_activity", "target_activity", "abs_score", "observed_seconds"],
                              ascending=[True, True, True, False, False], kind="mergesort")
        occurrences = raw.groupby(["case_id", "source_activity", "target_activity"]).size().rename("occurrences")
        dev = raw.drop_duplicates(["case_id", "source_activity", "target_activity"]).merge(
            occurrences.reset_index(), on=["case_id", "source_activity", "target_activity"])
        dev = dev.merge(prof, on=["source_activity", "target_activity"])
        dev["is_slower"] = dev["observed_seconds"] > dev["mean_seconds"]
        # pm4py reports a deviation from a zero standard deviation with the score sys.maxsize
        dev["zeta_score"] = dev["zeta_score"].where(dev["stdev_seconds"] > 0)
        dev["zeta"] = float(zeta)
        dev = dev[list(TEMPORAL_DEVIATION_COLUMNS)].astype(TEMPORAL_DEVIATION_COLUMNS).reset_index(drop=True)

    observed = _pairs_per_case(frame).groupby(["source_activity", "target_activity"]).size().rename("cases_observed")
    deviating = (dev.groupby(["source_activity", "target_activity"]).size().rename("cases_deviating")
                 if not dev.empty else pd.Series(dtype="int64", name="cases_deviating"))
    prof = prof.merge(observed.reset_index(), on=["source_activity", "target_activity"], how="left")
    prof = prof.merge(deviating.reset_index(), on=["source_activity", "target_activity"], how="left") \
        if not dev.empty else prof.assign(cases_deviating=0)
    prof["cases_observed"] = prof["cases_observed"].fillna(0).astype("int64")
    prof["cases_deviating"] = prof["cases_deviating"].fillna(0).astype("int64")
    prof["deviating_case_share"] = prof["cases_deviating"] / prof["cases_observed"].where(prof["cases_observed"] > 0)
    prof["deviating_case_share"] = prof["deviating_case_share"].fillna(0.0)
    prof["mean_days"] = prof["mean_seconds"] / 86400.0
    prof["stdev_days"] = prof["stdev_seconds"] / 86400.0
    prof["zeta"] = float(zeta)
    prof["cases_in_sample"] = sample_size
    prof["cases_in_log"] = int(cases_in_log) if cases_in_log is not None else sample_size
    prof = prof[list(TEMPORAL_PROFILE_COLUMNS)].astype(TEMPORAL_PROFILE_COLUMNS)
    prof = prof.sort_values(["source_activity", "target_activity"], kind="mergesort").reset_index(drop=True)
    dev = dev.sort_values(["case_id", "source_activity", "target_activity"], kind="mergesort").reset_index(drop=True)
    return prof, dev


def temporal_deviations(events: pd.DataFrame, zeta: float = 3.0) -> pd.DataFrame:
    """The deviations part of temporal_profile."""
    return temporal_profile(events, zeta)[1]
