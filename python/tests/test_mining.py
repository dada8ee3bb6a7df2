"""c2c.mining: discovery, conformance to the normative model and temporal profile, on frames
built here, and end to end on a simulated landing zone against its ground truth."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pandas as pd
import pytest

from c2c.db import connect_built
from c2c.mining import (
    CONFORMANCE_COLUMNS,
    DISCOVERED_MODEL_COLUMNS,
    NORMATIVE_BPMN,
    TEMPORAL_PROFILE_COLUMNS,
    discover_model,
    load_normative_net,
    sample_case_ids,
    temporal_profile,
    variant_conformance,
    variant_traces,
)

from .conftest import run_dbt

# pm4py's own function, taken before any discovery here puts the project's in its place
from pm4py.util.compression.util import discover_dfg_uvcl as PM4PY_DISCOVER_DFG_UVCL  # noqa: E402

BASE = ("INVOICE_CREATED", "INVOICE_POSTED")
PAID = (*BASE, "PAYMENT_RECEIVED", "PAYMENT_POSTED", "INVOICE_SETTLED")
DUNNED = (*BASE, "DUE_DATE_PASSED", "DUNNING_LETTER_1_SENT", "DUNNING_LETTER_2_SENT", "PAYMENT_RECEIVED",
          "PAYMENT_POSTED", "INVOICE_SETTLED")
LETTER_AFTER_SETTLEMENT = (*BASE, "DUE_DATE_PASSED", "DUNNING_LETTER_1_SENT", "PAYMENT_RECEIVED", "PAYMENT_POSTED",
                           "INVOICE_SETTLED", "DUNNING_LETTER_2_SENT")
LEVEL_SKIPPED = (*BASE, "DUE_DATE_PASSED", "DUNNING_LETTER_1_SENT", "DUNNING_LETTER_3_SENT", "PAYMENT_RECEIVED",
                 "PAYMENT_POSTED", "INVOICE_SETTLED")
FOURTH_LEVEL = (*BASE, "DUE_DATE_PASSED", "DUNNING_LETTER_1_SENT", "DUNNING_LETTER_2_SENT", "DUNNING_LETTER_3_SENT",
                "DUNNING_LETTER_4_SENT", "INVOICE_WRITTEN_OFF")


def frames(variants: dict[str, tuple[tuple[str, ...], int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """pm_variant_steps and pm_variants frames: variant id -> (activities, cases)."""
    steps = pd.DataFrame(
        [(v, i + 1, a) for v, (acts, _) in variants.items() for i, a in enumerate(acts)],
        columns=["variant_id", "step_number", "activity_code"],
    )
    counts = pd.DataFrame([(v, n) for v, (_, n) in variants.items()], columns=["variant_id", "case_count"])
    return steps, counts


# --- variants -------------------------------------------------------------------------------

def test_variant_traces_follow_step_numbers_not_row_order():
    steps = pd.DataFrame({"variant_id": ["b", "a", "a", "b"], "step_number": [2, 2, 1, 1],
                          "activity_code": ["Y", "B", "A", "X"]})
    assert variant_traces(steps) == {"a": ("A", "B"), "b": ("X", "Y")}


def test_variant_steps_without_a_column_name_it():
    with pytest.raises(ValueError, match="'step_number'"):
        variant_traces(pd.DataFrame({"variant_id": ["a"], "activity_code": ["A"]}))


# --- discovery ------------------------------------------------------------------------------

def test_discovered_model_reproduces_every_variant_and_is_deterministic():
    steps, counts = frames({"v1": (PAID, 80), "v2": (DUNNED, 15), "v3": ((*BASE, "PAYMENT_REMINDER_SENT", *PAID[2:]), 5)})
    first = discover_model(steps, counts, 0.0)
    second = discover_model(steps.sample(frac=1, random_state=3), counts.iloc[::-1], 0.0)
    assert list(first.columns) == list(DISCOVERED_MODEL_COLUMNS)
    assert len(first) == 1
    row = first.iloc[0]
    assert row["miner"] == "IM" and row["variant_count"] == 3 and row["case_count"] == 100
    for activity in set(PAID) | set(DUNNED) | {"PAYMENT_REMINDER_SENT"}:
        assert f"'{activity}'" in row["process_tree"]
    # byte-identical text whatever the input order (pm4py itself names elements with UUIDs)
    pd.testing.assert_frame_equal(first, second)

    # the PNML is a net pm4py reads back, and every variant replays on it
    import pm4py
    from pm4py.objects.petri_net.importer.variants.pnml import import_net_from_string

    net, im, fm = import_net_from_string(row["petri_net_pnml"].encode("utf-8"))
    assert len(net.places) == row["place_count"] and len(net.transitions) == row["transition_count"]
    log = pd.DataFrame([(f"c{v}", a, datetime(2024, 1, 1) + timedelta(hours=i))
                        for v, acts in enumerate([PAID, DUNNED]) for i, a in enumerate(acts)],
                       columns=["case:concept:name", "concept:name", "time:timestamp"])
    assert pm4py.fitness_token_based_replay(log, net, im, fm)["perc_fit_traces"] == 100.0
    bpmn = ET.fromstring(row["bpmn_xml"])
    names = {el.get("name") for el in bpmn.iter() if el.tag.endswith("task")}
    assert names == set(PAID) | set(DUNNED) | {"PAYMENT_REMINDER_SENT"}


def test_noise_threshold_weights_variants_by_their_cases():
    # settled before the payment in a few cases: IM makes settlement parallel to the payment;
    # IMf with a threshold filters the infrequent order, and which order is infrequent is
    # decided by the case counts of the variants
    early = (*BASE, "INVOICE_SETTLED", "PAYMENT_RECEIVED", "PAYMENT_POSTED")
    steps, counts = frames({"usual": (PAID, 990), "early": (early, 10)})
    assert "+( 'INVOICE_SETTLED'," in discover_model(steps, counts, 0.0).iloc[0]["process_tree"]
    filtered = discover_model(steps, counts, 0.2).iloc[0]
    assert filtered["miner"] == "IMf"
    assert filtered["process_tree"] == "->( " + ", ".join(f"'{a}'" for a in PAID) + " )"
    steps, counts = frames({"usual": (PAID, 10), "early": (early, 990)})
    assert discover_model(steps, counts, 0.2).iloc[0]["process_tree"] == "->( " + ", ".join(f"'{a}'" for a in early) + " )"


def test_one_pass_dfg_equals_pm4pys_in_counts_and_key_order():
    import random
    from collections import Counter

    from c2c.mining.discovery import discover_dfg_uvcl

    assert PM4PY_DISCOVER_DFG_UVCL is not discover_dfg_uvcl
    rng = random.Random(7)
    activities = ["b", "a", "d", "c", "e"]
    for _ in range(50):
        log = Counter({tuple(rng.choices(activities, k=rng.randint(0, 6))): rng.randint(1, 9) for _ in range(20)})
        ours = discover_dfg_uvcl(log)
        theirs = PM4PY_DISCOVER_DFG_UVCL(log)
        assert list(ours.graph.items()) == list(theirs.graph.items())
        assert list(ours.start_activities.items()) == list(theirs.start_activities.items())
        assert list(ours.end_activities.items()) == list(theirs.end_activities.items())


@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_discovery_with_the_one_pass_dfg_equals_pm4pys_own(monkeypatch, noise):
    # the variants of the conformance tests, mined with pm4py's DFG function and with ours
    from c2c.mining import discovery

    steps, counts = frames({"ok": (PAID, 90), "late_letter": (LETTER_AFTER_SETTLEMENT, 10),
                            "skip": (LEVEL_SKIPPED, 3), "fourth": (FOURTH_LEVEL, 1), "dunned": (DUNNED, 7)})
    ours = discover_model(steps, counts, noise_threshold=noise)
    monkeypatch.setattr(discovery, "_use_one_pass_dfg", lambda: None)
    from pm4py.util.compression import util as pm4py_util

    monkeypatch.setattr(pm4py_util, "discover_dfg_uvcl", PM4PY_DISCOVER_DFG_UVCL)
    pd.testing.assert_frame_equal(discover_model(steps, counts, noise_threshold=noise), ours)


def test_discovery_on_no_variants_returns_typed_empty_frame():
    steps, counts = frames({})
    out = discover_model(steps, counts, 0.0)
    assert out.empty and list(out.columns) == list(DISCOVERED_MODEL_COLUMNS)


def test_discovery_rejects_a_bad_noise_threshold():
    steps, counts = frames({"v": (PAID, 1)})
    with pytest.raises(ValueError, match="im_noise_threshold"):
        discover_model(steps, counts, 1.5)


# --- conformance ----------------------------------------------------------------------------

def test_normative_model_loads_with_every_catalogue_activity_but_the_fourth_level():
    net, _, _ = load_normative_net()
    labels = {t.label for t in net.transitions if t.label}
    catalogue = pd.read_csv(pytest.importorskip("pathlib").Path(__file__).parents[2] / "seeds" / "activity_catalogue.csv")
    assert labels == set(catalogue["activity_code"]) - {"DUNNING_LETTER_4_SENT"}


def test_conformant_variants_fit():
    credit_checked = ("CREDIT_LIMIT_REQUESTED", "CREDIT_LIMIT_APPROVED", *PAID)
    interleaved = (*BASE, "PAYMENT_REMINDER_SENT", "DISPUTE_OPENED", "DUE_DATE_PASSED", "COLLECTION_CALL_MADE",
                   "DUNNING_LETTER_1_SENT", "DISPUTE_RESOLVED", "PROMISE_TO_PAY_MADE", "DUNNING_LETTER_2_SENT",
                   "PAYMENT_RECEIVED", "PROMISE_TO_PAY_KEPT", "PAYMENT_POSTED", "INVOICE_SETTLED")
    written_off = (*BASE, "DUE_DATE_PASSED", "DUNNING_LETTER_1_SENT", "DUNNING_LETTER_2_SENT", "DUNNING_LETTER_3_SENT",
                   "PROMISE_TO_PAY_MADE", "PROMISE_TO_PAY_BROKEN", "INVOICE_WRITTEN_OFF")
    still_open = (*BASE, "DUE_DATE_PASSED", "DUNNING_LETTER_1_SENT")
    steps, counts = frames({"a": (PAID, 50), "b": (credit_checked, 5), "c": (interleaved, 3),
                            "d": (written_off, 2), "e": (still_open, 4), "f": (BASE, 6)})
    out = variant_conformance(steps, counts)
    assert list(out.columns) == list(CONFORMANCE_COLUMNS)
    assert out["is_fit"].all(), out[~out["is_fit"]].to_dict("records")
    assert (out["fitness"] == 1.0).all()
    assert (out["deviating_cases"] == 0).all() and (out["deviating_activities"] == "").all()
    assert out.set_index("variant_id")["is_closed"].to_dict() == {
        "a": True, "b": True, "c": True, "d": True, "e": False, "f": False}


def test_letter_after_settlement_is_a_deviation_naming_the_letter():
    steps, counts = frames({"ok": (PAID, 90), "late_letter": (LETTER_AFTER_SETTLEMENT, 10)})
    out = variant_conformance(steps, counts).set_index("variant_id")
    bad = out.loc["late_letter"]
    assert not bad["is_fit"]
    assert bad["fitness"] < 1.0
    assert bad["deviating_activities"] == "DUNNING_LETTER_2_SENT"
    assert bad["first_deviation_step"] == len(LETTER_AFTER_SETTLEMENT)
    assert bad["first_deviating_activity"] == "DUNNING_LETTER_2_SENT"
    assert bad["deviating_cases"] == 10 and bad["deviating_case_share"] == pytest.approx(0.10)
    assert out["deviating_case_share"].sum() == pytest.approx(0.10)
    assert out.loc["ok", "is_fit"]


def test_skipped_level_and_unknown_level_are_deviations():
    steps, counts = frames({"skip": (LEVEL_SKIPPED, 3), "fourth": (FOURTH_LEVEL, 1)})
    out = variant_conformance(steps, counts).set_index("variant_id")
    assert out.loc["skip", "deviating_activities"] == "DUNNING_LETTER_3_SENT"
    assert out.loc["skip", "first_deviation_step"] == 5
    assert out.loc["fourth", "activities_not_in_model"] == "DUNNING_LETTER_4_SENT"
    assert out.loc["fourth", "deviating_activities"] == "DUNNING_LETTER_4_SENT"
    assert out.loc["fourth", "fitness"] < 1.0
    assert not out["is_fit"].any()


def test_unknown_activity_does_not_leak_into_other_variants():
    # pm4py's own option keeps such activities across traces; each variant is judged alone here
    steps, counts = frames({"a_fourth": (FOURTH_LEVEL, 1), "b_ok": (PAID, 1), "c_ok": (BASE, 1)})
    out = variant_conformance(steps, counts).set_index("variant_id")
    assert out.loc["b_ok", "is_fit"] and out.loc["c_ok", "is_fit"]


def test_conformance_on_no_variants_returns_typed_empty_frame():
    steps, counts = frames({})
    out = variant_conformance(steps, counts)
    assert out.empty and list(out.columns) == list(CONFORMANCE_COLUMNS)


def test_replay_in_worker_processes_gives_the_same_rows(monkeypatch):
    # the variants of several tests above, split over two worker processes (the threshold
    # lowered so that a handful of variants is enough), against the replay in this process
    from c2c.mining import conformance

    monkeypatch.setattr(conformance, "MIN_VARIANTS_PER_PROCESS", 1)
    steps, counts = frames({"ok": (PAID, 90), "late_letter": (LETTER_AFTER_SETTLEMENT, 10),
                            "skip": (LEVEL_SKIPPED, 3), "fourth": (FOURTH_LEVEL, 1), "dunned": (DUNNED, 7)})
    serial = variant_conformance(steps, counts, processes=1)
    assert conformance.replay_processes(5, 2) == 2
    parallel = variant_conformance(steps, counts, processes=2)
    pd.testing.assert_frame_equal(parallel, serial)
    assert not serial.set_index("variant_id").loc["late_letter", "is_fit"]


def test_stored_replays_are_reused_and_give_the_rows_of_a_full_replay(monkeypatch):
    # yesterday's rows, then a day later: one variant gone, one new, every count changed
    from c2c.mining import conformance

    steps, counts = frames({"ok": (PAID, 90), "late_letter": (LETTER_AFTER_SETTLEMENT, 10), "skip": (LEVEL_SKIPPED, 3)})
    stored = variant_conformance(steps, counts)
    steps, counts = frames({"ok": (PAID, 95), "late_letter": (LETTER_AFTER_SETTLEMENT, 11), "dunned": (DUNNED, 7)})
    full = variant_conformance(steps, counts)
    replayed = []
    real_replay = conformance._replay
    monkeypatch.setattr(conformance, "_replay", lambda traces, path: replayed.extend(traces) or real_replay(traces, path))
    incremental = variant_conformance(steps, counts, stored=stored)
    pd.testing.assert_frame_equal(incremental, full)
    assert replayed == [DUNNED]
    assert incremental.set_index("variant_id").loc["late_letter", "deviating_cases"] == 11


def test_a_stored_replay_is_reused_only_for_the_same_activities_and_fingerprint():
    steps, counts = frames({"ok": (PAID, 90), "late_letter": (LETTER_AFTER_SETTLEMENT, 10), "skip": (LEVEL_SKIPPED, 3)})
    full = variant_conformance(steps, counts)
    stored = full.copy()
    stored["fitness"] = 0.5  # a value no replay gave: where it survives, the stored row was reused
    stored.loc[stored["variant_id"] == "late_letter", "replay_fingerprint"] = "another model"
    stored.loc[stored["variant_id"] == "skip", "variant_activities"] = "INVOICE_CREATED"
    out = variant_conformance(steps, counts, stored=stored).set_index("variant_id")["fitness"]
    expected = full.set_index("variant_id")["fitness"]
    assert out["ok"] == 0.5
    assert out["late_letter"] == expected["late_letter"] < 1.0
    assert out["skip"] == expected["skip"] < 1.0
    # a table an earlier version wrote, without the fingerprint: nothing in it is reused
    older = stored.drop(columns="replay_fingerprint")
    pd.testing.assert_frame_equal(variant_conformance(steps, counts, stored=older), full)


def test_the_replay_fingerprint_follows_the_model_file(tmp_path):
    from c2c.mining.conformance import replay_fingerprint

    copy = tmp_path / "model.bpmn"
    copy.write_bytes(NORMATIVE_BPMN.read_bytes())
    assert replay_fingerprint(copy) == replay_fingerprint() == replay_fingerprint(None)
    copy.write_bytes(NORMATIVE_BPMN.read_bytes() + b"\n")
    assert replay_fingerprint(copy) != replay_fingerprint()


def test_replay_processes_start_only_where_they_pay():
    from c2c.mining.conformance import MIN_VARIANTS_PER_PROCESS, replay_processes

    assert replay_processes(2 * MIN_VARIANTS_PER_PROCESS - 1, 8) == 0
    assert replay_processes(2 * MIN_VARIANTS_PER_PROCESS, 8) == 2
    assert replay_processes(5 * MIN_VARIANTS_PER_PROCESS, 3) == 3
    assert replay_processes(100 * MIN_VARIANTS_PER_PROCESS, 1) == 0
    with pytest.raises(ValueError, match="pm_worker_processes must be at least 1"):
        replay_processes(100, 0)


def test_missing_normative_model_is_named_by_the_worker_processes(tmp_path, monkeypatch):
    from c2c.mining import conformance

    monkeypatch.setattr(conformance, "MIN_VARIANTS_PER_PROCESS", 1)
    steps, counts = frames({"a": (PAID, 1), "b": (DUNNED, 1)})
    with pytest.raises(FileNotFoundError, match="nope.bpmn"):
        variant_conformance(steps, counts, model_path=tmp_path / "nope.bpmn", processes=2)


def test_missing_normative_model_is_named(tmp_path):
    steps, counts = frames({"a": (PAID, 1)})
    with pytest.raises(FileNotFoundError, match="nope.bpmn"):
        variant_conformance(steps, counts, model_path=tmp_path / "nope.bpmn")


# --- temporal profile -----------------------------------------------------------------------

def _events(durations_days: dict[str, float]) -> pd.DataFrame:
    rows = []
    start = datetime(2024, 3, 1, 9)
    for case_id, days in durations_days.items():
        rows.append((case_id, "INVOICE_POSTED", start, 50, f"{case_id}-p"))
        rows.append((case_id, "PAYMENT_RECEIVED", start + timedelta(days=days), 180, f"{case_id}-r"))
    return pd.DataFrame(rows, columns=["case_id", "activity_code", "event_timestamp", "activity_order", "event_id"])


def test_temporal_profile_is_pm4py_mean_and_sample_stdev():
    durations = {f"c{i:02d}": 30 + (i % 5) for i in range(40)}
    durations["late"] = 120
    profile = temporal_profile(_events(durations), zeta=3.0, cases_in_log=100)
    assert list(profile.columns) == list(TEMPORAL_PROFILE_COLUMNS)
    assert profile[["source_activity", "target_activity"]].values.tolist() == [["INVOICE_POSTED", "PAYMENT_RECEIVED"]]
    row = profile.iloc[0]
    values = pd.Series(list(durations.values()), dtype="float64") * 86400
    assert row["mean_seconds"] == pytest.approx(values.mean())
    assert row["stdev_seconds"] == pytest.approx(values.std())  # pm4py: sample standard deviation
    assert row["stdev_days"] == pytest.approx(values.std() / 86400)
    assert row["cases_observed"] == 41 and row["cases_in_sample"] == 41 and row["cases_in_log"] == 100
    assert row["zeta"] == 3.0


def test_temporal_profile_counts_every_ordered_pair_and_repeats():
    # A, B, A in one case: the pairs of events are A→B, A→A and B→A (the last A has no later event)
    start = datetime(2024, 3, 1, 9)
    steps = [("A", 0), ("B", 2), ("A", 5)]
    rows = [("x", act, start + timedelta(days=d), 10, f"x{i}") for i, (act, d) in enumerate(steps)]
    events = pd.DataFrame(rows, columns=["case_id", "activity_code", "event_timestamp", "activity_order", "event_id"])
    profile = temporal_profile(events).set_index(["source_activity", "target_activity"])
    assert sorted(profile.index) == [("A", "A"), ("A", "B"), ("B", "A")]
    assert profile.loc[("A", "B"), "mean_seconds"] == 2 * 86400
    assert profile.loc[("A", "A"), "stdev_seconds"] == 0  # seen once: pm4py fills 0
    assert (profile["cases_observed"] == 1).all()


def test_temporal_profile_on_no_events_returns_a_typed_empty_frame():
    profile = temporal_profile(_events({}), zeta=3.0)
    assert profile.empty and list(profile.columns) == list(TEMPORAL_PROFILE_COLUMNS)
    with pytest.raises(ValueError, match="temporal_profile_zeta"):
        temporal_profile(_events({"a": 1}), zeta=0)


def test_sample_is_bounded_deterministic_and_independent_of_order():
    ids = pd.Series([f"co:{i}" for i in range(5000)])
    first = sample_case_ids(ids, 700)
    assert len(first) == 700 and first.is_unique
    assert first.tolist() == sample_case_ids(ids.sample(frac=1, random_state=1), 700).tolist()
    assert sample_case_ids(ids.head(10), 700).tolist() == sorted(ids.head(10))
    with pytest.raises(ValueError, match="temporal_profile_max_cases"):
        sample_case_ids(ids, 0)


# --- end to end on a simulated landing zone ---------------------------------------------------

@pytest.fixture(scope="module")
def built_mining(built_default):
    """The session build of the default landing zone: pm_discovered_model, pm_variant_conformance
    and everything upstream, with their data tests."""
    return built_default


def test_an_incremental_run_reuses_stored_replays_and_removes_gone_variants(built_mining, zone_default, tmp_path):
    # a copy of the session build, its stored rows altered: the first variant's fitness (kept:
    # reused), the second's fingerprint (replayed), the third row deleted (replayed), a variant
    # no case follows (removed); then `dbt run` of the model alone, incremental
    import duckdb

    db = tmp_path / "c2c.duckdb"
    shutil.copy(built_mining, db)
    with duckdb.connect(str(db)) as con:
        con.execute("use marts")
        before = con.sql("select * from pm_variant_conformance order by variant_id").df()
        first, second, third = before["variant_id"].head(3)
        con.execute("update pm_variant_conformance set fitness = -1 where variant_id = ?", [first])
        con.execute("update pm_variant_conformance set fitness = -1, replay_fingerprint = 'x' where variant_id = ?",
                    [second])
        con.execute("delete from pm_variant_conformance where variant_id = ?", [third])
        con.execute("insert into pm_variant_conformance select * replace ('gone' as variant_id) "
                    "from pm_variant_conformance where variant_id = ?", [first])
    run_dbt(zone_default, db, "run", "--select", "pm_variant_conformance")
    with duckdb.connect(str(db), read_only=True) as con:
        after = con.sql("select * from marts.pm_variant_conformance order by variant_id").df()
    assert after.loc[after["variant_id"] == first, "fitness"].tolist() == [-1]
    expected = before.copy()
    expected.loc[expected["variant_id"] == first, "fitness"] = -1
    pd.testing.assert_frame_equal(after.reset_index(drop=True), expected.reset_index(drop=True))


def test_every_variant_is_replayed_and_the_known_deviations_are_found(built_mining, zone_default):
    
    with connect_built(built_mining) as con:
        conformance = con.sql("select * from pm_variant_conformance").df()
        variants = con.sql("select variant_id, variant_activities, case_count from pm_variants").df()
        case_variants = con.sql("""
            select case_id, string_agg(activity_code, ' > ' order by event_timestamp, activity_order, event_id) as seq
            from event_log group by case_id
        """).df()
        discovered = con.sql("select * from pm_discovered_model").df()
    assert set(conformance["variant_id"]) == set(variants["variant_id"])
    assert conformance["case_count"].sum() == len(case_variants)
    assert discovered["case_count"].tolist() == [len(case_variants)]

    by_seq = conformance.set_index("variant_activities")
    truth = pd.read_parquet(zone_default / "ground_truth" / "violations.parquet")
    # R06 (letter after settlement) and R03 (level skipped) are order deviations: every such
    # invoice follows a variant that does not fit, and a dunning letter is what deviates
    for rule in ("R03", "R06"):
        cases = set(truth.loc[truth["rule_id"] == rule, "case_id"])
        assert cases, f"the simulated zone has no {rule} violation"
        seqs = case_variants.set_index("case_id").loc[sorted(cases), "seq"]
        rows = by_seq.loc[seqs]
        assert (~rows["is_fit"]).all(), rule
        assert rows["deviating_activities"].str.contains("DUNNING_LETTER_").all(), rule
    # and a letter only deviates where the truth has an order violation or a fourth level
    letter_deviations = conformance[conformance["deviating_activities"].str.contains("DUNNING_LETTER_")]
    flagged = set(case_variants[case_variants["seq"].isin(letter_deviations["variant_activities"])]["case_id"])
    explained = set(truth.loc[truth["rule_id"].isin(["R03", "R06"]), "case_id"]) | set(
        case_variants[case_variants["seq"].str.contains("DUNNING_LETTER_4_SENT")]["case_id"])
    assert flagged <= explained, sorted(flagged - explained)[:5]
