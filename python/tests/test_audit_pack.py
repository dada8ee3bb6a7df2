"""`c2c audit-pack` on the session build of the default zone: byte-identical when written twice,
every violation of fct_dunning_conformance present with its evidence, the manifest's checksums
true, the sample reproducible with its seed, the reconciliation adding up."""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from c2c.auditpack import AuditPackError, write_audit_pack
from c2c.cli import main
from c2c.db import connect_built

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def packs(built_default, tmp_path_factory) -> dict[str, Path]:
    """The pack written twice with seed 1 (into folders of different names), once with seed 2."""
    root = tmp_path_factory.mktemp("audit_pack")
    out = {"a": root / "a" / "pack", "b": root / "b" / "other_name", "seed2": root / "seed2" / "pack"}
    for key, folder in out.items():
        folder.parent.mkdir()
        write_audit_pack(built_default, folder, sample_size=10, seed=2 if key == "seed2" else 1)
    out["db"] = built_default
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_written_twice_the_pack_is_byte_identical(packs):
    a, b = packs["a"], packs["b"]
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert {"manifest.json", "README.txt", "audit_pack.xlsx", "violations.csv", "evidence_events.csv",
            "sample.csv", "sample_trails.csv", "reconciliation.csv", "population.csv", "rules.csv",
            "policy.csv", "run_metadata.csv", "quarantine_reasons.csv"} <= set(names)
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    # the zips hold the files under the folder's name; their entries are byte-identical too
    za, zb = zipfile.ZipFile(f"{a}.zip"), zipfile.ZipFile(f"{b}.zip")
    assert [i.filename.split("/", 1)[1] for i in za.infolist()] == names
    for ia, ib in zip(za.infolist(), zb.infolist()):
        assert (ia.date_time, ia.external_attr, za.read(ia)) == (ib.date_time, ib.external_attr, zb.read(ib))
        assert ia.date_time == (1980, 1, 1, 0, 0, 0)
    # written again over the first pack (same folder name): the same zip bytes
    before = _sha(Path(f"{a}.zip"))
    write_audit_pack(packs["db"], a, sample_size=10, seed=1)
    assert _sha(Path(f"{a}.zip")) == before


def test_the_manifest_lists_every_file_with_its_true_checksum(packs):
    folder = packs["a"]
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {f["file"]: f for f in manifest["files"]}
    assert set(listed) == {p.name for p in folder.iterdir()} - {"manifest.json"}
    for name, entry in listed.items():
        assert entry["sha256"] == _sha(folder / name), name
        assert entry["bytes"] == (folder / name).stat().st_size, name
        if name.endswith(".csv"):
            assert entry["rows"] == len(_rows(folder / name)), name
    with connect_built(packs["db"]) as con:
        invocation = con.execute("select dbt_invocation_id from run_stamp").fetchall()[0][0]
    assert manifest["run_stamp"]["dbt_invocation_id"] == invocation
    metadata = dict((r["key"], r["value"]) for r in _rows(folder / "run_metadata.csv"))
    assert metadata["dbt_invocation_id"] == invocation
    assert {"version:python", "version:duckdb", "version:dbt-core", "version:dbt-duckdb",
            "version:credit-to-cash", "landing_zone_fingerprint", "as_of_date"} <= set(metadata)
    readme = (folder / "README.txt").read_text()
    assert invocation in readme and all(f"{name}  -" in readme for name in listed if name != "README.txt")


def test_every_violation_is_in_the_pack_with_its_evidence(packs, built_default):
    with connect_built(built_default) as con:
        expected = con.execute(
            "select case_id, rule_id, policy_id, policy_version, evidence_event_ids from fct_dunning_conformance "
            "where status = 'violation' order by case_id, rule_id").fetchall()
        rules = dict(con.execute("select rule_id, rule_description from dunning_rules").fetchall())
        event_ts = dict(con.execute(
            "select event_id, strftime(event_timestamp, '%Y-%m-%d %H:%M:%S') from event_log").fetchall())
    assert len(expected) > 50
    rows = _rows(packs["a"] / "violations.csv")
    assert [(r["case_id"], r["rule_id"]) for r in rows] == [(e[0], e[1]) for e in expected]
    evidence = defaultdict(list)
    for r in _rows(packs["a"] / "evidence_events.csv"):
        evidence[(r["case_id"], r["rule_id"])].append(r)
    for (case_id, rule_id, policy_id, version, ids), row in zip(expected, rows):
        assert row["rule_description"] == rules[rule_id]
        assert (row["policy_id"], row["policy_version"]) == (policy_id, str(version))
        assert row["policy_rows"].startswith("level "), (case_id, rule_id)
        ids = ids.split(",")
        assert row["evidence_event_ids"] == ",".join(ids)
        trail = evidence[(case_id, rule_id)]
        assert sorted(e["event_id"] for e in trail) == sorted(ids), (case_id, rule_id)
        assert all(e["event_timestamp"] == event_ts[e["event_id"]] and e["activity_code"] for e in trail)
        assert row["evidence_events"].count(" | ") == len(ids) - 1
        assert all(f"({event_id})" in row["evidence_events"] for event_id in ids)
    assert sum(len(v) for v in evidence.values()) == sum(len(e[4].split(",")) for e in expected)


def test_the_policy_rows_applied_are_those_of_the_seed(packs):
    policy = _rows(packs["a"] / "policy.csv")
    seed = _rows(REPO / "seeds" / "dunning_policy.csv")
    assert len(policy) == len(seed)
    by_version = defaultdict(list)
    for p in policy:
        by_version[(p["policy_id"], p["policy_version"])].append(p)
    for row in _rows(packs["a"] / "violations.csv")[:200]:
        levels = [p for p in by_version[(row["policy_id"], row["policy_version"])]
                  if p["company_code"] == row["policy_company_code"]
                  and p["customer_segment"] == row["policy_customer_segment"]]
        assert row["policy_rows"].count("level ") == len(levels)
        for p in levels:
            assert (f"level {p['dunning_level']}: min_days_after_due={p['min_days_after_due']}, "
                    f"max_days_after_due={p['max_days_after_due']}") in row["policy_rows"]
    assert sum(int(p["verdicts_applied"]) for p in policy if p["dunning_level"] == "1") > 0


def test_the_sample_is_reproducible_with_its_seed_and_differs_with_another(packs, built_default):
    one, again, two = (_rows(packs[k] / "sample.csv") for k in ("a", "b", "seed2"))
    assert one == again
    assert {r["case_id"] for r in one} != {r["case_id"] for r in two}
    groups = Counter(r["sample_group"] for r in one)
    assert groups == {"violating": 10, "conforming": 10}
    with connect_built(built_default) as con:
        violating = {r[0] for r in con.execute(
            "select distinct case_id from fct_dunning_conformance where status = 'violation'").fetchall()}
        trail_counts = dict(con.execute(
            "select case_id, count(*) from event_log group by case_id").fetchall())
    for r in one:
        assert (r["case_id"] in violating) == (r["sample_group"] == "violating")
    trails = Counter(r["case_id"] for r in _rows(packs["a"] / "sample_trails.csv"))
    assert trails == {r["case_id"]: trail_counts[r["case_id"]] for r in one}


def test_the_reconciliation_adds_up_and_covers_every_reconciled_table(packs, built_default):
    rows = _rows(packs["a"] / "reconciliation.csv")
    for r in rows:
        assert int(r["raw_rows"]) == int(r["staged_rows"]) + int(r["quarantined_rows"]) + int(r["superseded_rows"]), r
        assert r["is_reconciled"] == "true"
    # the tables are those the test reconciles_with_raw checks, with the same arguments
    tested = {}
    for f in sorted((REPO / "models" / "staging").glob("*/_*__models.yml")):
        for model in yaml.safe_load(f.read_text()).get("models", []):
            for test in model.get("data_tests") or []:
                if isinstance(test, dict) and "reconciles_with_raw" in test:
                    args = test["reconciles_with_raw"]["arguments"]
                    tested[(args["source_name"], args["table_name"])] = args
    assert {(r["source_system"], r["source_table"]) for r in rows} == set(tested)
    model_sql = (REPO / "models" / "staging" / "raw_reconciliation.sql").read_text()
    start = model_sql.index("{%- set tables = [") + len("{%- set tables = ")
    listed = model_sql[start:model_sql.index("] %}", start) + 1]
    company_key = model_sql.split("{%- set d365_company_key = ", 1)[1].split(" %}", 1)[0]
    keys_in_model = {(system, table): keys for system, table, keys in
                     ast.literal_eval(listed.replace("d365_company_key", company_key))}
    assert set(keys_in_model) == set(tested)
    for (system, table), args in tested.items():
        assert keys_in_model[(system, table)] == args["key_columns"], (system, table)
        assert args["latest_by"] == ("versionnumber" if system == "d365" else "extracted_at")
        assert args.get("deleted_when") == ("isdelete = 1" if system == "d365" else None)
    # staged and quarantined counts against the stg views and the quarantine, read independently
    with connect_built(built_default) as con:
        quarantined = {(s, t, reason): n for s, t, reason, n in con.execute(
            "select source_system, source_table, reason_code, count(*) from quarantine group by all").fetchall()}
        for r in rows:
            stg = f"stg_{r['source_system']}__{r['source_table']}"
            staged = con.execute(f"select count(*) from {stg}").fetchall()[0][0] if r["source_table"] != \
                "srsanalysisenums" else int(r["staged_rows"])
            assert int(r["staged_rows"]) == staged, stg
            q = sum(n for (s, t, reason), n in quarantined.items()
                    if (s, t) == (r["source_system"], r["source_table"]) and reason != "MALFORMED_ROW")
            m = quarantined.get((r["source_system"], r["source_table"], "MALFORMED_ROW"), 0)
            assert (int(r["quarantined_rows"]), int(r["malformed_lines"])) == (q, m), r
    assert sum(int(r["quarantined_rows"]) for r in rows) > 0 and sum(int(r["superseded_rows"]) for r in rows) > 0


def test_population_counts_every_invoice_once(packs, built_default):
    rows = _rows(packs["a"] / "population.csv")
    with connect_built(built_default) as con:
        invoices, violations = con.execute(
            "select (select count(*) from cases), "
            "(select count(*) from fct_dunning_conformance where status = 'violation')").fetchall()[0]
    assert sum(int(r["invoices"]) for r in rows) == invoices
    assert sum(int(r["violations"]) for r in rows) == violations
    keys = [(r["company_code"], r["period"]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_a_large_part_is_cut_in_the_workbook_and_whole_in_the_csv(built_default, tmp_path):
    out = tmp_path / "cut"
    manifest = write_audit_pack(built_default, out, sample_size=3, seed=1, workbook_rows=5)
    rows = {f["file"]: f.get("rows") for f in manifest["files"]}
    assert rows["violations.csv"] > 5
    with zipfile.ZipFile(out / "audit_pack.xlsx") as book:
        names = book.read("xl/workbook.xml").decode()
        strings = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
        sheets = "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet"))
    for sheet in ("run_metadata", "rules", "policy", "population", "violations", "evidence_events", "sample",
                  "sample_trails", "reconciliation", "quarantine_reasons"):
        assert f'name="{sheet}"' in names
    assert f"Only the first 5 of {rows['violations.csv']:,} rows" in strings + sheets
    assert "the workbook shows the first 5" in (out / "README.txt").read_text()


def test_bad_inputs_are_named(tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    assert main(["audit-pack", "--db", str(missing), "--out", str(tmp_path / "p"), "--quiet"]) == 1
    assert str(missing) in capsys.readouterr().err
    import duckdb

    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(AuditPackError, match="fct_dunning_conformance"):
        write_audit_pack(empty, tmp_path / "p2")
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(AuditPackError, match="holds no audit pack"):
        write_audit_pack(empty, tmp_path / "busy")
    assert main(["audit-pack", "--sample-size", "x"]) == 2
