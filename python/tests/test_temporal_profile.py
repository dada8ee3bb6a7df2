"""The temporal profile end to end: pm4py discovers it (dbt Python model pm_temporal_profile) on
a sample of the cases, and SQL (pm_temporal_deviations, pm_temporal_profile_summary) checks
every case of the log against it. Checked against pm4py's own temporal-profile conformance run
on the whole event_log exported to pandas in the ordering rule."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from c2c.db import connect_built
from c2c.mining import sample_case_ids

from .conftest import run_dbt

MODELS = ("pm_temporal_profile", "pm_temporal_deviations", "pm_temporal_profile_summary")
KEY = ["case_id", "source_activity", "target_activity"]
PAIR = ["source_activity", "target_activity"]
ZETA = 3.0


@pytest.fixture(scope="module")
def built_full(built_default):
    """The session build of the default landing zone, 3,000 cases: fewer than
    temporal_profile_max_cases, so the profile sees every case."""
    return built_default


@pytest.fixture(scope="module")
def built_sampled(zone_default, built_default, tmp_path_factory):
    """The same log with a profile discovered on 300 of its cases: a copy of the session build in
    which MODELS (the models the variable changes) are built again, with their data tests."""
    db = tmp_path_factory.mktemp("temporal_sampled") / "c2c.duckdb"
    shutil.copy(built_default, db)
    run_dbt(zone_default, db, "build", "--select", *MODELS, "--exclude", "test_type:unit",
            "--indirect-selection", "cautious", "--vars", "{temporal_profile_max_cases: 300}")
    return db


def _read(db):
    
    with connect_built(db) as con:
        events = con.sql("""
            select case_id, activity_code, event_timestamp
            from event_log
            order by case_id, event_timestamp, activity_order, event_id
        """).df()
        tables = {m: con.sql(f"select * from {m}").df() for m in MODELS}
    frame = pd.DataFrame({
        "case:concept:name": events["case_id"].astype(str).to_numpy(),
        "concept:name": events["activity_code"].astype(str).to_numpy(),
        "time:timestamp": pd.to_datetime(events["event_timestamp"], utc=True).to_numpy(),
    })
    return frame, tables


def _pm4py_profile(frame):
    import pm4py

    return pm4py.discover_temporal_profile(frame, activity_key="concept:name", timestamp_key="time:timestamp",
                                           case_id_key="case:concept:name")


def _pm4py_deviations(frame, profile, zeta):
    """pm4py's conformance, one row per case and pair: the occurrence farthest from the mean."""
    import pm4py

    results = pm4py.conformance_temporal_profile(frame, profile, zeta=zeta, activity_key="concept:name",
                                                 timestamp_key="time:timestamp", case_id_key="case:concept:name")
    cases = pd.unique(frame["case:concept:name"])  # pm4py lists the cases in this order
    raw = pd.DataFrame(
        [(case_id, a, b, float(seconds), float(score))
         for case_id, deviations in zip(cases, results) for a, b, seconds, score in deviations],
        columns=[*KEY, "observed_seconds", "pm4py_zeta"],
    )
    means = pd.DataFrame([(a, b, m, s) for (a, b), (m, s) in profile.items()],
                         columns=[*PAIR, "mean_seconds", "stdev_seconds"])
    raw = raw.merge(means, on=PAIR)
    raw["distance"] = (raw["observed_seconds"] - raw["mean_seconds"]).abs()
    raw = raw.sort_values([*KEY, "distance", "observed_seconds"], ascending=[True, True, True, False, False])
    occurrences = raw.groupby(KEY).size().rename("occurrences").reset_index()
    top = raw.drop_duplicates(KEY).merge(occurrences, on=KEY)
    return top.sort_values(KEY).reset_index(drop=True)


def _profile_dict(table):
    return {(r.source_activity, r.target_activity): (float(r.mean_seconds), float(r.stdev_seconds))
            for r in table.itertuples()}


def _assert_deviations_equal(sql, expected):
    sql = sql.sort_values(KEY).reset_index(drop=True)
    assert len(sql) == len(expected) > 0
    assert sql[KEY].astype(str).values.tolist() == expected[KEY].astype(str).values.tolist()
    assert sql["occurrences"].tolist() == expected["occurrences"].tolist()
    assert sql["observed_seconds"].astype(float).tolist() == pytest.approx(expected["observed_seconds"].tolist(),
                                                                           abs=1e-6)
    assert sql["is_slower"].tolist() == (expected["observed_seconds"] > expected["mean_seconds"]).tolist()
    # pm4py's score is |observed − mean| / stdev, sys.maxsize when the stdev is 0 (NULL in SQL)
    zero = expected["stdev_seconds"] == 0
    assert sql.loc[zero.to_numpy(), "zeta_score"].isna().all()
    assert sql.loc[~zero.to_numpy(), "zeta_score"].astype(float).tolist() == pytest.approx(
        expected.loc[~zero, "pm4py_zeta"].tolist(), rel=1e-6)


def test_profile_is_pm4py_discovery_on_the_whole_small_log(built_full):
    frame, tables = _read(built_full)
    profile = tables["pm_temporal_profile"]
    cases = frame["case:concept:name"].nunique()
    assert (profile["cases_in_sample"] == cases).all() and (profile["cases_in_log"] == cases).all()
    expected = _pm4py_profile(frame)
    assert set(_profile_dict(profile)) == set(expected)
    for pair, (mean, stdev) in _profile_dict(profile).items():
        assert mean == pytest.approx(expected[pair][0], rel=1e-12)
        assert stdev == pytest.approx(expected[pair][1], rel=1e-12, abs=1e-9)


def test_sql_deviations_equal_pm4py_conformance(built_full):
    frame, tables = _read(built_full)
    expected = _pm4py_deviations(frame, _pm4py_profile(frame), ZETA)
    _assert_deviations_equal(tables["pm_temporal_deviations"], expected)


def test_summary_counts_every_case_of_the_log(built_full):
    from pm4py.algo.discovery.dfg.adapters.pandas.df_statistics import get_partial_order_dataframe

    frame, tables = _read(built_full)
    summary = tables["pm_temporal_profile_summary"].set_index(PAIR).sort_index()
    efg = get_partial_order_dataframe(frame.copy(), activity_key="concept:name", timestamp_key="time:timestamp",
                                      case_id_glue="case:concept:name", keep_first_following=False)
    observed = (efg[["case:concept:name", "concept:name", "concept:name_2"]].drop_duplicates()
                .groupby(["concept:name", "concept:name_2"]).size())
    observed.index.names = PAIR
    assert summary["cases_observed"].tolist() == observed.reindex(summary.index).tolist()
    assert (summary["cases_observed"] == summary["cases_observed_in_sample"]).all()  # the sample is the log
    deviating = tables["pm_temporal_deviations"].groupby(PAIR).size().reindex(summary.index, fill_value=0)
    assert summary["cases_deviating"].tolist() == deviating.tolist()
    assert summary["cases_deviating"].sum() > 0


def test_cases_outside_the_sample_are_checked(built_sampled):
    frame, tables = _read(built_sampled)
    profile = tables["pm_temporal_profile"]
    all_cases = pd.Series(pd.unique(frame["case:concept:name"]))
    assert (profile["cases_in_sample"] == 300).all() and (profile["cases_in_log"] == len(all_cases)).all()

    # the profile is pm4py's discovery on the 300 sampled cases only
    sample = set(sample_case_ids(all_cases, 300))
    sampled_frame = frame[frame["case:concept:name"].isin(sample)]
    expected_profile = _pm4py_profile(sampled_frame)
    assert set(_profile_dict(profile)) == set(expected_profile)
    for pair, (mean, stdev) in _profile_dict(profile).items():
        assert mean == pytest.approx(expected_profile[pair][0], rel=1e-12)

    # every case of the log is checked against it, exactly as pm4py checks them
    deviations = tables["pm_temporal_deviations"]
    expected = _pm4py_deviations(frame, _profile_dict(profile), ZETA)
    _assert_deviations_equal(deviations, expected)
    outside = set(deviations["case_id"]) - sample
    assert outside, "no deviation found outside the sample"
    assert len(outside) > len(set(deviations["case_id"]) & sample)

    summary = tables["pm_temporal_profile_summary"]
    assert (summary["cases_observed"] >= summary["cases_observed_in_sample"]).all()
    assert summary["cases_observed"].sum() > summary["cases_observed_in_sample"].sum()
