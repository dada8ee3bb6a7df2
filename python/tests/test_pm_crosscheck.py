"""The SQL process-mining marts equal pm4py's results on the same event log.

pm4py is the independent reference: variants with their case counts, the directly-follows graph
with its start and end activities, waiting times per edge and case durations are computed by
pm4py on the event log exported to pandas (sorted by the ordering rule, as pm4py's variant
functions expect), or on the original file read by pm4py for the public real-life logs loaded
through ``c2c byo-log``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from c2c.db import connect_built
from c2c.byolog import ByoLogError, EventColumns, read_event_log
from c2c.cli import main

from .conftest import SHARED, require_input

REAL_LOGS = SHARED / "data" / "real_logs"
ORDERING = ["case_id", "event_timestamp", "activity_order", "event_id"]
START, END = "▶", "■"


# -- the marts and pm4py's figures, as plain Python structures ------------------------------------

def _marts(db: Path) -> dict:
    with connect_built(db) as con:
        steps = con.sql("select variant_id, step_number, activity_code from pm_variant_steps "
                        "order by variant_id, step_number").df()
        variants = con.sql("select * from pm_variants").df()
        edges = con.sql("select * from pm_dfg_edges").df()
        per_case = con.sql("select case_id, variant_id, throughput_seconds, outcome from int_case_variants").df()
        stats = con.sql("select * from pm_activity_stats").df()
    sequences = {vid: tuple(group["activity_code"]) for vid, group in steps.groupby("variant_id", sort=False)}
    return {"sequences": sequences, "variants": variants, "edges": edges, "per_case": per_case, "stats": stats}


def _pm4py(df: pd.DataFrame, case: str, activity: str, timestamp: str) -> dict:
    """pm4py's variants, DFG, performance DFG and case durations of a log sorted by case and time."""
    import pm4py
    from pm4py.objects.log.util import pandas_numpy_variants
    from pm4py.statistics.traces.generic.pandas import case_statistics

    keys = dict(case_id_key=case, activity_key=activity, timestamp_key=timestamp)
    variants = pm4py.get_variants(df, **keys)
    params = {"pm4py:param:case_id_key": case, "pm4py:param:activity_key": activity,
              "pm4py:param:timestamp_key": timestamp}
    _, case_variant = pandas_numpy_variants.apply(df, parameters=params)
    dfg, starts, ends = pm4py.discover_dfg(df, **keys)
    perf, _, _ = pm4py.discover_performance_dfg(df, **keys)
    described = case_statistics.get_cases_description(df, parameters=params)
    durations = {str(c): d["caseDuration"] for c, d in described.items()}
    return {"variants": {tuple(k): v for k, v in variants.items()}, "case_variant": case_variant, "dfg": dfg,
            "starts": starts, "ends": ends, "perf": perf, "durations": durations}


def _assert_equal(marts: dict, ref: dict) -> None:
    # variants: the same sequences with the same case counts
    counts = dict(zip(marts["variants"]["variant_id"], marts["variants"]["case_count"]))
    sql_variants = {marts["sequences"][vid]: int(n) for vid, n in counts.items()}
    assert len(sql_variants) == len(counts), "two variant ids with the same sequence"
    assert sql_variants == ref["variants"]
    # activity_count and variant_activities agree with the steps
    for row in marts["variants"].itertuples():
        assert row.activity_count == len(marts["sequences"][row.variant_id])
        assert row.variant_activities == " > ".join(marts["sequences"][row.variant_id])

    # DFG: inner edges, start and end activities
    edges = marts["edges"]
    inner = edges[~edges.is_start_edge & ~edges.is_end_edge]
    assert {(r.source_activity_code, r.target_activity_code): int(r.edge_frequency)
            for r in inner.itertuples()} == dict(ref["dfg"])
    assert {r.target_activity_code: int(r.edge_frequency) for r in edges[edges.is_start_edge].itertuples()} \
        == dict(ref["starts"])
    assert {r.source_activity_code: int(r.edge_frequency) for r in edges[edges.is_end_edge].itertuples()} \
        == dict(ref["ends"])
    assert set(edges.loc[edges.is_start_edge, "source_activity_code"]) == {START}
    assert set(edges.loc[edges.is_end_edge, "target_activity_code"]) == {END}
    # waiting times per edge: pm4py's performance DFG (seconds)
    for r in inner.itertuples():
        perf = ref["perf"][(r.source_activity_code, r.target_activity_code)]
        assert float(r.mean_waiting_seconds) == pytest.approx(perf["mean"], abs=1e-3)
        assert float(r.median_waiting_seconds) == pytest.approx(perf["median"], abs=1e-3)
        assert float(r.max_waiting_seconds) == pytest.approx(perf["max"], abs=1e-3)
        assert float(r.mean_waiting_days) == pytest.approx(perf["mean"] / 86400, abs=1e-5)

    # case throughput: first to last event, per case
    per_case = marts["per_case"]
    sql_durations = dict(zip(per_case["case_id"], per_case["throughput_seconds"].astype(float)))
    assert sql_durations.keys() == ref["durations"].keys()
    for case_id, seconds in ref["durations"].items():
        assert sql_durations[case_id] == pytest.approx(seconds, abs=1e-3), case_id
    # the case's variant is the one pm4py gives it
    for row in per_case.itertuples():
        assert marts["sequences"][row.variant_id] == tuple(ref["case_variant"][row.case_id])
    # per-variant throughput statistics over pm4py's durations
    by_variant: dict[tuple, list[float]] = defaultdict(list)
    for case_id, seq in ref["case_variant"].items():
        by_variant[tuple(seq)].append(ref["durations"][str(case_id)] / 86400)
    for row in marts["variants"].itertuples():
        days = np.array(by_variant[marts["sequences"][row.variant_id]])
        assert float(row.mean_throughput_days) == pytest.approx(days.mean(), abs=1e-5)
        assert float(row.median_throughput_days) == pytest.approx(np.percentile(days, 50), abs=1e-5)
        assert float(row.p90_throughput_days) == pytest.approx(np.percentile(days, 90), abs=1e-5)

    # ranks, shares and the activity statistics hold together
    ranked = marts["variants"].sort_values("variant_rank")
    assert list(ranked["variant_rank"]) == list(range(1, len(ranked) + 1))
    assert list(ranked["case_count"]) == sorted(ranked["case_count"], reverse=True)
    assert float(ranked["cumulative_share"].iloc[-1]) == pytest.approx(1.0, abs=1e-5)
    events_per_activity = Counter()
    for seq, n in ref["variants"].items():
        for activity in seq:
            events_per_activity[activity] += n
    stats = marts["stats"]
    assert dict(zip(stats["activity_code"], stats["event_count"].astype(int))) == dict(events_per_activity)
    self_loops = {a: int(n) for (a, b), n in ref["dfg"].items() if a == b}
    assert {r.activity_code: int(r.self_loop_count) for r in stats.itertuples() if r.self_loop_count} == self_loops

    # case frequencies of the edges and of the activities, counted case by case over pm4py's
    # sequence of every case (the marts count them over the variants)
    edge_cases: Counter = Counter()
    activity_cases: Counter = Counter()
    rework_cases: Counter = Counter()
    for seq in ref["case_variant"].values():
        seq = tuple(seq)
        edge_cases.update(set(zip((START,) + seq, seq + (END,))))
        occurrences = Counter(seq)
        activity_cases.update(occurrences.keys())
        rework_cases.update(a for a, n in occurrences.items() if n > 1)
    assert {(r.source_activity_code, r.target_activity_code): int(r.case_frequency)
            for r in edges.itertuples()} == dict(edge_cases)
    assert dict(zip(stats["activity_code"], stats["case_count"].astype(int))) == dict(activity_cases)
    assert {r.activity_code: int(r.rework_case_count) for r in stats.itertuples() if r.rework_case_count} \
        == dict(rework_cases)


# -- the simulated log ---------------------------------------------------------------------------

def _event_log(db: Path) -> pd.DataFrame:
    with connect_built(db) as con:
        df = con.sql(f"select case_id, activity_code, activity_order, event_timestamp, event_id from event_log "
                     f"order by {', '.join(ORDERING)}").df()
    df["event_timestamp"] = pd.to_datetime(df["event_timestamp"], utc=True)
    return df.reset_index(drop=True)


def test_simulated_log_marts_equal_pm4py(built_clean):
    marts = _marts(built_clean)
    ref = _pm4py(_event_log(built_clean), "case_id", "activity_code", "event_timestamp")
    assert len(ref["variants"]) > 20, "the simulated log should have many variants"
    _assert_equal(marts, ref)


def test_cases_carry_their_variant_and_outcomes_match_status(built_clean):
    with connect_built(built_clean) as con:
        missing = con.execute("select count(*) from cases c left join int_case_variants v using (case_id) "
                              "where c.variant_id is distinct from v.variant_id").fetchone()[0]
        status = dict(con.execute("select status, count(*) from cases group by status").fetchall())
        mix = con.execute("select sum(cases_settled), sum(cases_written_off), sum(cases_open) from pm_variants").fetchone()
    assert missing == 0
    # the variants see the event log only: a credited case (closed by credit notes) is settled there
    assert status.get("credited", 0) > 0
    assert mix[0] == status.get("settled", 0) + status["credited"]
    assert mix[1] == status.get("written off", 0)
    assert mix[2] == sum(n for s, n in status.items() if s not in ("settled", "credited", "written off"))


# -- public real-life logs through c2c byo-log ---------------------------------------------------

def _real_log(name: str) -> Path:
    return require_input(REAL_LOGS / name, "a public real-life log (expected in ../shared/data/real_logs/)")


@pytest.fixture(scope="module")
def byo_folder(tmp_path_factory) -> Path:
    """One folder for the loaded logs of this module, built one after the other: the same
    database path and target folder each time, so dbt reuses the parsed project (partial
    parsing) instead of parsing the whole project again for every log."""
    return tmp_path_factory.mktemp("byo")


def _byo(path: Path, folder: Path, monkeypatch, *extra: str) -> Path:
    db = folder / "byo.duckdb"
    db.unlink(missing_ok=True)
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(db))
    monkeypatch.setenv("DBT_TARGET_PATH", str(folder / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(folder / "logs"))
    assert main(["byo-log", str(path), "--quiet", *extra]) == 0
    return db


def _pm4py_on_file(path: Path) -> pd.DataFrame:
    """The file as pm4py reads it, sorted by pm4py (case, timestamp, then file order)."""
    import pm4py

    if path.name.endswith((".xes", ".xes.gz")):
        df = pm4py.read_xes(str(path))
    else:
        df = pd.read_csv(path, dtype={"case:concept:name": str})
    df["time:timestamp"] = pd.to_datetime(df["time:timestamp"], utc=True, format="ISO8601")
    return pm4py.format_dataframe(df, case_id="case:concept:name", activity_key="concept:name",
                                  timestamp_key="time:timestamp")


# roadtraffic100traces.xes holds the same events as the .csv: it is checked at the reader (below), and
# helpdesk.xes.gz takes an XES log through the whole build.
@pytest.mark.parametrize("name", ["roadtraffic100traces.csv", "helpdesk.xes.gz"])
def test_real_log_loaded_with_byo_log_equals_pm4py(name, byo_folder, monkeypatch):
    path = _real_log(name)
    db = _byo(path, byo_folder, monkeypatch)
    ref = _pm4py(_pm4py_on_file(path), "case:concept:name", "concept:name", "time:timestamp")
    _assert_equal(_marts(db), ref)
    with connect_built(db) as con:
        n_events = con.execute("select count(*) from event_log").fetchone()[0]
        outcomes = con.execute("select distinct outcome from int_case_variants").fetchall()
    assert n_events == sum(len(k) * v for k, v in ref["variants"].items())
    assert outcomes == [("open",)]
    _assert_byo_python_models_and_stamp(db, ref)


def test_the_same_log_as_xes_and_as_csv_reads_as_the_same_events():
    csv = read_event_log(_real_log("roadtraffic100traces.csv"))
    xes = read_event_log(_real_log("roadtraffic100traces.xes"))
    assert len(csv) == 390
    assert set(csv["source_file"]) == {"roadtraffic100traces.csv"} and set(xes["source_file"]) == {"roadtraffic100traces.xes"}
    columns = ["event_index", "case_id", "activity", "event_timestamp", "resource"]
    pd.testing.assert_frame_equal(xes[columns], csv[columns])


def _assert_byo_python_models_and_stamp(db: Path, ref: dict) -> None:
    """byo-log also builds the discovered model, the conformance of every variant against it, the
    temporal profile and the run stamp (as-of date from the log: a loaded log has no cases)."""
    from c2c.runstamp import read_run_stamp

    n_variants, n_cases = len(ref["variants"]), sum(ref["variants"].values())
    with connect_built(db) as con:
        stamp = read_run_stamp(con)
        last_day = con.execute("select cast(max(cast(event_timestamp as date)) as varchar) from event_log").fetchall()
        model = con.execute("select miner, variant_count, case_count, bpmn_xml from pm_discovered_model").fetchall()
        fitness = con.execute("select count(*), sum(case_count), min(fitness), avg(fitness) "
                              "from pm_variant_conformance").fetchall()[0]
        profile = con.execute("select count(*), sum(case when cases_observed > 0 then 1 else 0 end) "
                              "from pm_temporal_profile_summary").fetchall()[0]
        labels = con.execute("select count(*) from event_log where activity_fr is distinct from activity").fetchall()
    assert stamp.as_of_date == last_day[0][0] and stamp.landing_file_count == 0
    assert [(m[0], m[1], m[2]) for m in model] == [("IM", n_variants, n_cases)] and "sequenceflow" in model[0][3].lower()
    # every variant checked against the model discovered from the log: IM reproduces every variant
    assert fitness[0] == n_variants and fitness[1] == n_cases
    assert fitness[2] > 0.5 and fitness[3] > 0.9
    assert profile[0] > 0 and profile[1] > 0
    assert labels == [(0,)]


def test_equal_timestamps_keep_file_order_and_offsets_become_utc(tmp_path):
    f = tmp_path / "ties.csv"
    f.write_text("case:concept:name,concept:name,time:timestamp\n"
                 "c1,b,2024-01-01T10:00:00+02:00\n"
                 "c1,a,2024-01-01T08:00:00Z\n"
                 "c2,z,2024-01-01 09:00:00\n"
                 "c1,c,2024-01-01T09:00:00+01:00\n")
    events = read_event_log(f)
    assert list(events["event_index"]) == [1, 2, 3, 4]
    assert list(events["activity"]) == ["b", "a", "z", "c"]
    assert list(events["event_timestamp"].astype(str)) == [
        "2024-01-01 08:00:00", "2024-01-01 08:00:00", "2024-01-01 09:00:00", "2024-01-01 08:00:00"]


def test_parquet_with_typed_timestamps_and_other_column_names(tmp_path):
    f = tmp_path / "log.parquet"
    pd.DataFrame({
        "ticket": ["t2", "t1", "t2"],
        "step": ["open", "open", "close"],
        "at": pd.to_datetime(["2024-03-01T12:00:00+01:00", "2024-03-01T09:00:00+00:00",
                              "2024-03-01T12:00:00+01:00"], utc=True).tz_convert("Europe/Paris"),
    }).to_parquet(f)
    events = read_event_log(f, EventColumns(case="ticket", activity="step", timestamp="at", resource="who"))
    assert list(events["case_id"]) == ["t2", "t1", "t2"]
    assert list(events["event_timestamp"].astype(str)) == ["2024-03-01 11:00:00", "2024-03-01 09:00:00",
                                                           "2024-03-01 11:00:00"]
    assert events["resource"].isna().all()


# -- errors --------------------------------------------------------------------------------------

def test_missing_column_is_named(tmp_path, monkeypatch, capsys):
    f = tmp_path / "log.csv"
    f.write_text("case,activity,time\nc1,a,2024-01-01T00:00:00Z\n")
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(tmp_path / "x.duckdb"))
    assert main(["byo-log", str(f), "--quiet", "--case-column", "case", "--activity-column", "activity"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert str(f) in err and "'time:timestamp'" in err and "--timestamp-column" in err
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize("name,content", [
    ("broken.xes", "<log><trace><event><string key='concept:name' value='a'/>"),
    ("notparquet.parquet", "this is not a parquet file"),
    ("missing.csv", None),
    ("log.txt", "a,b"),
])
def test_unreadable_file_is_a_one_line_error(name, content, tmp_path, monkeypatch, capsys):
    f = tmp_path / name
    if content is not None:
        f.write_text(content)
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(tmp_path / "x.duckdb"))
    assert main(["byo-log", str(f), "--quiet"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(f) in err


def test_bad_values_name_column_and_row(tmp_path):
    f = tmp_path / "log.csv"
    f.write_text("case:concept:name,concept:name,time:timestamp\nc1,a,2024-01-01T00:00:00Z\nc1,b,yesterday\n")
    with pytest.raises(ByoLogError, match=r"'time:timestamp' at line 3: 'yesterday' is not an ISO 8601"):
        read_event_log(f)
    f.write_text("case:concept:name,concept:name,time:timestamp\nc1,a,2024-01-01T00:00:00Z\n,b,2024-01-02T00:00:00Z\n")
    with pytest.raises(ByoLogError, match=r"'case:concept:name' \(case\) is empty at line 3"):
        read_event_log(f)
    with pytest.raises(ByoLogError, match="no activity column 'act'"):
        read_event_log(f, EventColumns(activity="act"))
