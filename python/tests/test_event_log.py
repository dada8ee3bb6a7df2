"""The event log built by dbt equals the simulator's ground truth, invoice by invoice."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from .conftest import assert_quarantine_is_the_injected_faults, run_dbt

from c2c.db import connect_built


def _log(db: Path, table: str = "event_log") -> pd.DataFrame:
    with connect_built(db) as con:
        return con.execute(f"select * from {table}").df()


def _sequences(df: pd.DataFrame, order: list[str]) -> dict[str, list[tuple[str, pd.Timestamp]]]:
    df = df.sort_values(order)
    ts = pd.to_datetime(df["event_timestamp"]).dt.floor("s")
    pairs = list(zip(df["case_id"], df["activity_code"], ts))
    out: dict[str, list] = {}
    for case, code, t in pairs:
        out.setdefault(case, []).append((code, t))
    return out


def _compare(db: Path, zone: Path) -> None:
    log = _log(db)
    truth = pd.read_parquet(zone / "ground_truth" / "events.parquet")
    got = _sequences(log, ["case_id", "event_timestamp", "activity_order", "event_id"])
    want = _sequences(truth, ["case_id", "sequence"])
    assert set(got) == set(want), (f"cases only in the log: {sorted(set(got) - set(want))[:5]}, "
                                   f"only in the truth: {sorted(set(want) - set(got))[:5]}")
    differing = [c for c in want if got[c] != want[c]]
    if differing:
        c = differing[0]
        detail = pd.DataFrame({"event_log": pd.Series(got[c], dtype=object), "truth": pd.Series(want[c], dtype=object)})
        pytest.fail(f"{len(differing)} of {len(want)} cases differ from the truth; first: {c}\n{detail.to_string()}")
    companies = set(log["company_code"])
    assert companies == {"USMF", "GBSI", "FRRT"}, companies


def test_event_log_equals_truth_without_faults(built_clean, zone_clean):
    _compare(built_clean, zone_clean)


def test_event_log_equals_truth_with_default_faults(built_default, zone_default):
    # the injected faults never touch a real invoice (extra rows, re-deliveries, cosmetic
    # changes), so every invoice is unaffected and must equal the truth
    _compare(built_default, zone_default)


def test_quarantine_holds_exactly_the_injected_faults(built_default, zone_default):
    assert_quarantine_is_the_injected_faults(built_default, zone_default)
    assert _log(built_default, "quarantine")["detail"].notna().all()


def test_clean_landing_zone_quarantines_nothing(built_clean):
    assert len(_log(built_clean, "quarantine")) == 0


def test_cases_match_the_truth(built_default, zone_default):
    cases = _log(built_default, "cases").set_index("case_id")
    truth = pd.read_parquet(zone_default / "ground_truth" / "invoices.parquet").set_index("case_id")
    assert set(cases.index) == set(truth.index)
    status = cases["status"].map({"settled": "settled", "credited": "credited", "written off": "written_off"}).fillna("open")
    assert (status == truth.loc[cases.index, "status"]).all()
    assert (cases["invoice_amount"].astype(float) == truth.loc[cases.index, "invoice_amount"].astype(float)).all()
    assert (pd.to_datetime(cases["due_date"]) == pd.to_datetime(truth.loc[cases.index, "due_date"])).all()
    assert cases.loc[cases.status.isin(["settled", "credited", "written off"]), "days_past_due"].isna().all()


def _digest(db: Path, table: str) -> tuple[int, str]:
    with connect_built(db) as con:
        rows = con.execute(f"select * from {table} order by all").fetchall()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


# the tables compared between two builds: the event log and its cases, the quarantine (the
# default zone has faults, so it is not empty) and the Python models (pm4py)
REBUILT = ("event_log", "cases", "quarantine", "pm_temporal_profile", "pm_discovered_model", "pm_variant_conformance")


def test_two_builds_of_the_same_landing_zone_give_identical_tables(built_default, zone_default, tmp_path):
    # the second build makes the compared tables and everything upstream (their data tests ran
    # in the first)
    again = tmp_path / "again" / "c2c.duckdb"
    run_dbt(zone_default, again, "build", "--select", *(f"+{t}" for t in REBUILT),
            "--exclude-resource-type", "test", "unit_test")
    for table in REBUILT:
        first, second = _digest(built_default, table), _digest(again, table)
        assert first[0] > 0, f"{table} is empty: nothing to compare"
        assert first == second, f"{table} differs between builds"


def test_pseudonymised_names_are_stable_and_hide_the_originals(built_clean, zone_clean, tmp_path):
    db = tmp_path / "pseudo.duckdb"
    shutil.copy(built_clean, db)
    key = tmp_path / "pseudonym.key"
    key.write_text("k" * 40)
    run_dbt(zone_clean, db, "run", "--select", "event_log", "cases", "--vars", "{pseudonymise: true}",
            env={"C2C_PSEUDONYM_KEY": str(key)})
    plain, pseudo = _log(built_clean, "cases"), _log(db, "cases")
    merged = plain[["case_id", "customer_name"]].merge(pseudo[["case_id", "customer_name"]], on="case_id",
                                                        suffixes=("", "_pseudo"))
    assert not set(merged.customer_name) & set(merged.customer_name_pseudo), "an original name is still visible"
    per_name = merged.groupby("customer_name").customer_name_pseudo.nunique()
    assert (per_name == 1).all(), "one customer must get one pseudonym"
    assert merged.customer_name_pseudo.nunique() == merged.customer_name.nunique()
    people = _log(db)
    original = _log(built_clean)
    persons = original.resource_type != "system"
    assert not set(original.loc[persons, "resource"].dropna()) & set(people["resource"].dropna())
    # a collector keeps one id across the marts: cases.collector_id is pseudonymised as the log's resources
    same_event = original[["event_id", "resource"]].merge(people[["event_id", "resource"]], on="event_id",
                                                          suffixes=("", "_pseudo"))
    pseudonym_of = dict(zip(same_event.resource, same_event.resource_pseudo))
    collectors = plain[["case_id", "collector_id"]].merge(pseudo[["case_id", "collector_id"]], on="case_id",
                                                          suffixes=("", "_pseudo")).dropna()
    assert not set(collectors.collector_id) & set(collectors.collector_id_pseudo), "a collector id is still visible"
    known = collectors[collectors.collector_id.isin(pseudonym_of)]
    assert len(known) > 0
    assert (known.collector_id.map(pseudonym_of) == known.collector_id_pseudo).all(), "a collector has two pseudonyms"
