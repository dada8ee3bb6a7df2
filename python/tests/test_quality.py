"""c2c quality: the landing-zone gate, the mart suites, the stored results and their marts."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from c2c.db import connect_built
from c2c.cli import main
from c2c.contract import load_contract
from c2c.contract.spec import load_spec
from c2c.quality import rules, suites
from c2c.access import public_models
from c2c.quality.command import run_quality
from c2c.quality.marts import coverage_problems
from c2c.runstamp import landing_zone_fingerprint, read_run_stamp
from c2c.simulate import SimConfig, simulate
from c2c.simulate.faults import HR_RECORD_KEY

from .conftest import run_dbt


@pytest.fixture(scope="module")
def small_clean_zone(tmp_path_factory) -> Path:
    """300 invoices over 3 months, no injected faults: the base that each test corrupts a copy of."""
    out = tmp_path_factory.mktemp("quality_small") / "raw"
    simulate(SimConfig(invoices=300, seed=3, months=3, faults="none"), out)
    return out


@pytest.fixture
def zone_copy(small_clean_zone, tmp_path) -> Path:
    dst = tmp_path / "raw"
    shutil.copytree(small_clean_zone, dst, ignore=shutil.ignore_patterns("ground_truth"))
    return dst


def _gate(zone: Path, tmp_path: Path, tables: set[str] | None = None, store: bool = False):
    return run_quality("landing", zone, tmp_path / "c2c.duckdb", tmp_path / "docs", store=store, tables=tables)


def _failed(outcome, severity: str) -> dict[tuple[str, str, str], int]:
    """(suite, column, rule) -> failing count of the failed expectations of a severity."""
    return {(run.name, o.meta["column"], o.meta["rule"]): o.failing_count
            for run in outcome.runs for o in run.failed(severity)}


def _line(outcome, suite: str) -> str:
    return next(line for line in outcome.lines if f" {suite} " in line)


def _first_file(zone: Path, system: str, table: str) -> Path:
    ext = "parquet" if system == "d365" else "csv"
    return sorted((zone / system / table).glob(f"*.{ext}"))[-1]


def _rewrite_parquet(path: Path, change) -> None:
    df = pq.read_table(path).to_pandas()
    df = change(df)
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False, schema=pq.read_schema(path)), path)


# -- the default simulated landing zone ----------------------------------------------------

def _raw_rows_of(zone: Path, system: str, table: str, record_ids: set[str]) -> int:
    """Rows in the landing files of a table that belong to the given records (independent of
    the quality code: D365 by recid, HighRadius by the simulator's record key)."""
    con = duckdb.connect()
    if system == "d365":
        ids = con.execute(f"select cast(recid as varchar) from read_parquet('{zone}/d365/{table}/*.parquet')").fetchall()
    else:
        cols = list(load_contract()["highradius"][table]) + ["extracted_at"]
        spec = ", ".join(f"'{c}': 'varchar'" for c in cols)
        key = " || '|' || ".join(f"coalesce({c}, '')" for c in HR_RECORD_KEY[table])
        ids = con.execute(f"select {key} from read_csv('{zone}/highradius/{table}/*.csv', columns={{{spec}}}, "
                          "header=true, auto_detect=false, ignore_errors=true)").fetchall()
    return sum(1 for (i,) in ids if i in record_ids)


def test_default_zone_passes_the_gate_and_warns_exactly_the_injected_row_faults(zone_default, tmp_path):
    outcome = _gate(zone_default, tmp_path, store=True)
    assert outcome.exit_code == 0, "\n".join(outcome.lines)
    assert _failed(outcome, rules.CRITICAL) == {}

    faults = pd.read_parquet(zone_default / "ground_truth" / "faults.parquet")
    quarantined = faults[faults["expected_handling"] == "quarantine"]
    expected = {}
    for (kind, system, table), group in quarantined.groupby(["fault_kind", "source_system", "source_table"]):
        suite = f"landing.{system}.{table}"
        if kind == "malformed_csv_line":
            expected[(suite, "(line)", "malformed CSV line")] = len(group)
            continue
        rule = "ISO 4217 currency" if kind == "unknown_currency" else next(
            f"refers to an existing {r.ref_table}.{r.ref_column}" for r in rules.REFERENCES
            if (r.system, r.table, r.column) == (system, table, group["column_name"].iat[0]))
        for column, records in group.groupby("column_name"):
            expected[(suite, column, rule)] = _raw_rows_of(zone_default, system, table, set(records["source_record_id"]))
    assert {"unknown_currency", "orphan_reference", "malformed_csv_line"} <= set(quarantined["fault_kind"])
    assert _failed(outcome, rules.WARNING) == expected

    # the summary names table, column, expectation and count; results stored; Data Docs built
    line = _line(outcome, "landing.d365.custinvoicejour")
    assert line.startswith("WARNING") and "currencycode expect_column_values_to_be_in_set" in line
    assert f"{expected[('landing.d365.custinvoicejour', 'currencycode', 'ISO 4217 currency')]} failing" in line
    assert outcome.docs_index.is_file()
    assert any((tmp_path / "docs" / "landing" / "validations").rglob("*.html"))
    with duckdb.connect(str(tmp_path / "c2c.duckdb"), read_only=True) as con:
        stored = con.execute("select suite_name, column_name, rule, unexpected_count, observed_value from "
                             "dq_validation_results where run_id = ? and status = 'failed'", [outcome.run_id]).fetchall()
    got = {(s, c, r): (int(float(obs)) if c == "(line)" else n) for s, c, r, n, obs in stored}
    assert got == expected


# -- each corrupted landing file -------------------------------------------------------------

def test_null_invoice_id_fails_the_gate(zone_copy, tmp_path, capsys):
    path = _first_file(zone_copy, "d365", "custinvoicejour")

    def null_first_live(df):
        live = df.index[df["isdelete"].fillna(0) != 1][0]
        df.loc[live, "invoiceid"] = None
        return df
    _rewrite_parquet(path, null_first_live)
    code = main(["quality", "--stage", "landing", "--raw-root", str(zone_copy), "--docs-dir", str(tmp_path / "docs"),
                 "--no-store", "--quiet"])
    out = capsys.readouterr().out
    assert code == 1
    line = next(x for x in out.splitlines() if " landing.d365.custinvoicejour " in x)
    assert line.startswith("FAILED")
    assert "critical: invoiceid expect_column_values_to_not_be_null 1 failing" in line
    assert f"d365/custinvoicejour/{path.name}" in line


def test_duplicate_recid_and_version_fails_the_gate(zone_copy, tmp_path):
    path = _first_file(zone_copy, "d365", "custtrans")
    _rewrite_parquet(path, lambda df: pd.concat([df, df.iloc[[0]]], ignore_index=True))
    outcome = _gate(zone_copy, tmp_path, tables={"d365/custtrans"})
    assert outcome.exit_code == 1
    assert _failed(outcome, rules.CRITICAL) == {
        ("landing.d365.custtrans", "dataareaid+recid+versionnumber", "key + version unique"): 2}
    line = _line(outcome, "landing.d365.custtrans")
    assert "expect_compound_columns_to_be_unique" in line and f"d365/custtrans/{path.name}" in line


def test_recid_and_version_delivered_again_in_another_file_fails_the_gate(zone_copy, tmp_path):
    files = sorted((zone_copy / "d365" / "custtrans").glob("*.parquet"))
    first, last = files[0], files[-1]
    again = pq.read_table(first).to_pandas().iloc[[0]]
    _rewrite_parquet(last, lambda df: pd.concat([df, again], ignore_index=True))
    outcome = _gate(zone_copy, tmp_path, tables={"d365/custtrans"})
    assert outcome.exit_code == 1
    assert _failed(outcome, rules.CRITICAL) == {
        ("landing.d365.custtrans", "dataareaid+recid+versionnumber", "key + version unique across files"): 1}
    assert f"d365/custtrans/{last.name}" in _line(outcome, "landing.d365.custtrans")


def test_highradius_timestamp_without_offset_fails_the_gate(zone_copy, tmp_path):
    path = _first_file(zone_copy, "highradius", "hr_payment")
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    fields = lines[1].split(",")
    at = header.index("received_at")
    assert fields[at][-6] in "+-"
    fields[at] = fields[at][:-6]  # 2024-01-26T12:18:24+00:00 -> 2024-01-26T12:18:24
    lines[1] = ",".join(fields)
    path.write_text("\n".join(lines), encoding="utf-8")
    outcome = _gate(zone_copy, tmp_path, tables={"highradius/hr_payment"})
    assert outcome.exit_code == 1
    assert _failed(outcome, rules.CRITICAL) == {
        ("landing.highradius.hr_payment", "received_at", "timestamp with UTC offset"): 1}
    line = _line(outcome, "landing.highradius.hr_payment")
    assert "received_at expect_column_values_to_match_regex 1 failing" in line
    assert f"highradius/hr_payment/{path.name}" in line


def test_truncated_parquet_file_fails_the_gate(zone_copy, tmp_path):
    path = _first_file(zone_copy, "d365", "custtrans")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    outcome = _gate(zone_copy, tmp_path, tables={"d365/custtrans"})
    assert outcome.exit_code == 1
    assert _failed(outcome, rules.CRITICAL) == {("landing.d365.custtrans", "(file)", "file readable"): 1}
    line = _line(outcome, "landing.d365.custtrans")
    assert "(file) expect_column_values_to_be_in_set 1 failing [file readable]" in line
    assert f"d365/custtrans/{path.name}" in line


def test_due_date_before_invoice_date_gives_a_warning(zone_copy, tmp_path):
    path = _first_file(zone_copy, "d365", "custinvoicejour")

    def due_early(df):
        df.loc[0, "duedate"] = df.loc[0, "invoicedate"] - timedelta(days=5)
        return df
    _rewrite_parquet(path, due_early)
    outcome = _gate(zone_copy, tmp_path, tables={"d365/custinvoicejour"})
    assert outcome.exit_code == 0
    assert _failed(outcome, rules.CRITICAL) == {}
    assert _failed(outcome, rules.WARNING) == {
        ("landing.d365.custinvoicejour", "duedate>=invoicedate", "duedate on or after invoicedate"): 1}
    line = _line(outcome, "landing.d365.custinvoicejour")
    assert line.startswith("WARNING") and "expect_column_pair_values_a_to_be_greater_than_b" in line
    assert f"d365/custinvoicejour/{path.name}" in line


def test_unknown_currency_gives_a_warning(zone_copy, tmp_path):
    path = _first_file(zone_copy, "d365", "custinvoicejour")

    def bad_currency(df):
        df.loc[0, "currencycode"] = "XXY"
        return df
    _rewrite_parquet(path, bad_currency)
    outcome = _gate(zone_copy, tmp_path, tables={"d365/custinvoicejour"})
    assert outcome.exit_code == 0
    assert _failed(outcome, rules.WARNING) == {("landing.d365.custinvoicejour", "currencycode", "ISO 4217 currency"): 1}
    line = _line(outcome, "landing.d365.custinvoicejour")
    assert "warning: currencycode expect_column_values_to_be_in_set 1 failing" in line
    assert f"d365/custinvoicejour/{path.name}" in line


def test_a_sudden_drop_of_rows_against_the_previous_run_gives_a_warning(zone_copy, tmp_path):
    first = _gate(zone_copy, tmp_path, tables={"d365/custtrans"}, store=True)
    assert _failed(first, rules.WARNING) == {}
    files = sorted((zone_copy / "d365" / "custtrans").glob("*.parquet"))
    kept = pq.read_metadata(files[0]).num_rows
    for path in files[1:]:
        path.unlink()
    outcome = _gate(zone_copy, tmp_path, tables={"d365/custtrans"}, store=True)
    assert outcome.exit_code == 0
    assert _failed(outcome, rules.WARNING) == {
        ("landing.d365.custtrans", "(rows)", "row count dropped against the previous run"): 1}
    run = next(r for r in outcome.runs if r.name == "landing.d365.custtrans")
    assert next(o for o in run.outcomes.values() if o.meta["column"] == "(rows)").observed == kept


def test_a_clean_zone_passes_without_warnings(small_clean_zone, tmp_path):
    outcome = _gate(small_clean_zone, tmp_path)
    assert outcome.exit_code == 0
    assert _failed(outcome, rules.CRITICAL) == {} and _failed(outcome, rules.WARNING) == {}


def test_default_docs_folder_is_relative_to_the_working_directory(small_clean_zone, tmp_path, monkeypatch, capsys):
    # `make demo` runs the gate with the default --docs-dir, a relative path
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("C2C_RAW_ROOT", str(small_clean_zone))
    code = main(["quality", "--stage", "landing", "--no-store", "--quiet"])
    assert code == 0, capsys.readouterr()
    assert (tmp_path / "target" / "quality" / "data_docs" / "index.html").is_file()


# -- marts ---------------------------------------------------------------------------------

def _manifest(built: Path) -> dict:
    return json.loads((built.parent / f"dbt_{built.stem}" / "target" / "manifest.json").read_text(encoding="utf-8"))


def test_mart_suites_pass_on_a_built_zone_and_catch_broken_marts(built_default, tmp_path):
    outcome = run_quality("marts", Path("unused"), built_default, tmp_path / "docs", store=False)
    assert outcome.exit_code == 0, "\n".join(outcome.lines)
    assert {r.table for r in outcome.runs if not r.skipped} == set(public_models(_manifest(built_default)))

    broken = tmp_path / "broken.duckdb"
    shutil.copy(built_default, broken)
    with connect_built(broken, read_only=False) as con:
        case_id = con.execute("select min(case_id) from event_log").fetchone()[0]
        con.execute("delete from event_log where case_id = ? and activity_code in ('INVOICE_CREATED', 'INVOICE_POSTED')",
                    [case_id])
        con.execute("delete from fct_invoice_cycle_times where case_id = ?", [case_id])
        con.execute("update fct_ar_monthly set collection_effectiveness_index = 150 where month_start_date = "
                    "(select min(month_start_date) from fct_ar_monthly) and customer_segment = '*' and currency = '*'")
        con.execute("update pm_variant_conformance set fitness = 1.5 where variant_id = (select min(variant_id) "
                    "from pm_variant_conformance)")
        companies = con.execute("select count(distinct company_code) from fct_ar_monthly").fetchone()[0]
    outcome = run_quality("marts", Path("unused"), broken, tmp_path / "docs", store=False)
    assert outcome.exit_code == 1
    assert _failed(outcome, rules.CRITICAL) == {
        ("marts.event_log", "activity_code", "case starts with its creation or posting"): 1,
        # the activity statistics were computed from the events before they were deleted
        ("marts.pm_activity_stats", "event_count_total+event_log_rows", "events per activity add up to event_log"): 1,
        ("marts.fct_invoice_cycle_times", "mart_rows+cases_count", "one row per case"): 1,
        ("marts.fct_ar_monthly", "collection_effectiveness_index", "CEI within [0, 100]"): companies,
        ("marts.pm_variant_conformance", "fitness", "fitness within [0, 1]"): 1,
    }


def test_data_docs_keep_both_stages_and_runs_carry_what_they_checked(zone_default, built_default, tmp_path):
    """A landing run and a marts run into the same Data Docs folder: both stages' pages stay
    (the marts run deletes no landing page), the index links both and the printed counts are
    the pages on disk; each run is stored with the build and landing zone it checked."""
    docs, db = tmp_path / "docs", tmp_path / "c2c.duckdb"
    shutil.copy(built_default, db)
    landing = run_quality("landing", zone_default, db, docs, tables={"d365/custinvoicejour", "highradius/hr_payment"})
    landing_pages = sorted(p.relative_to(docs) for p in (docs / "landing").rglob("*.html"))
    assert landing.page_counts == {"landing": len(landing_pages), "marts": 0} and len(landing_pages) > 0
    marts = run_quality("marts", Path("unused"), db, docs)
    assert marts.exit_code == 0, "\n".join(marts.lines)
    assert sorted(p.relative_to(docs) for p in (docs / "landing").rglob("*.html")) == landing_pages
    marts_pages = list((docs / "marts").rglob("*.html"))
    assert marts.page_counts == {"landing": len(landing_pages), "marts": len(marts_pages)} and marts_pages
    assert f"Data Docs pages: landing {len(landing_pages)}, marts {len(marts_pages)} ({docs / 'index.html'})" in marts.lines
    index = (docs / "index.html").read_text(encoding="utf-8")
    assert "href='landing/index.html'" in index and "href='marts/index.html'" in index
    assert not list((docs / "marts").rglob("*landing.d365*")) and not list((docs / "landing").rglob("*marts.*"))

    with connect_built(db) as con:
        stamp = read_run_stamp(con)
        stored = con.execute("select run_id, stage, count(*), count(distinct dbt_invocation_id), min(dbt_invocation_id), "
                             "count(distinct landing_zone_fingerprint), min(landing_zone_fingerprint) "
                             "from dq_validation_results group by run_id, stage order by stage").fetchall()
    fingerprint = landing_zone_fingerprint(zone_default)
    assert stamp.landing_zone_fingerprint == fingerprint  # the build read the zone the gate checked
    assert [row[:2] for row in stored] == [(landing.run_id, "landing"), (marts.run_id, "marts")]
    assert stored[0][3:] == (0, None, 1, fingerprint)                      # landing: no build yet
    assert stored[1][3:] == (1, stamp.dbt_invocation_id, 1, fingerprint)   # marts: run_stamp's
    assert f"quality marts checked dbt invocation {stamp.dbt_invocation_id}, landing zone sha256:{fingerprint[:12]}" \
        in marts.lines


def test_every_public_mart_has_a_suite(built_default):
    public = public_models(_manifest(built_default))
    mart_suites = suites.load("marts")
    assert coverage_problems(public, mart_suites) == []
    assert len(public) >= 16
    # planted defects: a suite removed, a reader missing, an expectation on a batch nobody reads
    without = [s for s in mart_suites if s["meta"]["table"] != "fct_ar_monthly"]
    assert coverage_problems(public, without) == [
        "fct_ar_monthly: public model without a mart suite (expectations/marts.fct_ar_monthly.json)"]
    orphan = {"name": "marts.new_mart", "meta": {"table": "new_mart"}, "expectations": []}
    assert coverage_problems(public, mart_suites + [orphan]) == ["marts.new_mart: no batch reader for table new_mart"]
    stray = json.loads(json.dumps(next(s for s in mart_suites if s["meta"]["table"] == "pm_dfg_edges")))
    stray["expectations"][0]["meta"]["batch"] = "rows"
    others = [s for s in mart_suites if s["meta"]["table"] != "pm_dfg_edges"]
    assert coverage_problems(public, others + [stray]) == [
        "marts.pm_dfg_edges: expectations on batch rows, which no query of pm_dfg_edges provides"]


def test_a_mart_not_built_yet_is_skipped_with_a_message(tmp_path):
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    outcome = run_quality("marts", Path("unused"), db, tmp_path / "docs", store=True)
    assert outcome.exit_code == 0
    assert all(r.skipped for r in outcome.runs)
    assert "SKIPPED marts.cases (cases): table cases does not exist (not built yet)" in outcome.lines
    with connect_built(db) as con:
        assert con.execute("select count(*) from dq_validation_results where status = 'skipped'").fetchone()[0] == len(
            suites.load("marts"))


def test_a_mart_without_the_columns_its_suite_reads_is_a_clear_error(tmp_path, monkeypatch, capsys):
    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create table fct_ar_monthly (company_code varchar)")
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(db))
    assert main(["quality", "--stage", "marts", "--docs-dir", str(tmp_path / "docs"), "--no-store", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "suite marts.fct_ar_monthly cannot read table fct_ar_monthly (rebuild it with dbt build)" in err


# -- stored results and their marts ---------------------------------------------------------

def test_quality_marts_show_the_stored_runs(small_clean_zone, tmp_path):
    zone = tmp_path / "raw"
    shutil.copytree(small_clean_zone, zone, ignore=shutil.ignore_patterns("ground_truth"))
    db = tmp_path / "db" / "c2c.duckdb"
    run_dbt(zone, db, "build", "--select", "stg_quality__dq_validation_results+")  # no run yet: zero rows
    with connect_built(db) as con:
        assert con.execute("select count(*) from fct_data_quality_runs").fetchone()[0] == 0
    first = run_quality("landing", zone, db, tmp_path / "docs", tables={"d365/custinvoicejour"})
    before = landing_zone_fingerprint(zone)
    path = _first_file(zone, "d365", "custinvoicejour")

    def bad_currency(df):
        df.loc[0, "currencycode"] = "XXY"
        return df
    _rewrite_parquet(path, bad_currency)
    second = run_quality("landing", zone, db, tmp_path / "docs", tables={"d365/custinvoicejour"})
    run_dbt(zone, db, "build", "--select", "stg_quality__dq_validation_results+")
    with connect_built(db) as con:
        runs = con.execute("select run_id, warning_count, critical_failure_count, is_passed, dbt_invocation_id, "
                           "landing_zone_fingerprint from fct_data_quality_runs order by run_at, run_id").fetchall()
        change = con.execute("select unexpected_count, unexpected_count_change from fct_data_quality_results "
                             "where run_id = ? and column_name = 'currencycode' and rule_description = 'ISO 4217 currency'",
                             [second.run_id]).fetchall()
    # each landing run is stamped with the zone it checked (the file changed between them), no build
    after = landing_zone_fingerprint(zone)
    assert before != after
    assert runs == [(first.run_id, 0, 0, True, None, before), (second.run_id, 1, 0, True, None, after)]
    assert change == [(1, 1)]


# -- the suites ----------------------------------------------------------------------------

def test_stored_suites_are_the_generated_ones():
    generated = {s["name"]: suites.render(s) for s in suites.generate()}
    stored = {p.stem: p.read_text(encoding="utf-8") for p in suites.EXPECTATIONS_DIR.glob("*.json")}
    assert stored == generated, "run: python -m c2c.quality.suites"


def test_suites_follow_the_contract():
    contract = load_spec()
    landing = {s["name"] for s in suites.load("landing")}
    assert landing == {f"landing.{t.system}.{t.name}" for t in contract.tables()}
    for ref in rules.REFERENCES:
        column = contract.table(ref.system, ref.table).column(ref.column)
        assert column.references == f"d365.{ref.ref_table}.{ref.ref_column}", (
            f"{ref.system}.{ref.table}.{ref.column}: the contract does not declare the reference the gate checks")
    for table, columns in rules.D365_CRITICAL_ON_LIVE_ROWS.items():
        for column in columns:
            assert contract.table("d365", table).column(column).required == "live", f"{table}.{column}"
    for suite in suites.load("landing"):
        table = contract.table(suite["meta"]["system"], suite["meta"]["table"])
        checks = {(e["meta"]["rule"], e["kwargs"].get("column")): e for e in suite["expectations"]}
        for c in table.all_columns:
            if c.values:
                assert checks[("known enum value", c.name)]["kwargs"]["value_set"] == c.value_set
            if c.domain == "currency":
                assert ("ISO 4217 currency", c.name) in checks
            if c.required and c.name not in table.key:
                assert any(rule.startswith(("key present", "required value present")) and col == c.name
                           for rule, col in checks), f"{suite['name']}: no check of required {c.name}"
        for column in table.key:
            assert ("key present", column) in checks, f"{suite['name']}: key column {column} unchecked"
        for exp in suite["expectations"]:
            assert exp["severity"] in (rules.CRITICAL, rules.WARNING)
            json.dumps(exp)


def test_bad_raw_root_is_a_usage_error(tmp_path, capsys):
    assert main(["quality", "--stage", "landing", "--raw-root", str(tmp_path / "missing"), "--no-store"]) == 2
    assert "is not a folder" in capsys.readouterr().err
