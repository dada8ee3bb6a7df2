"""The report's data and file, without a browser: figures against hand-computed values and
independent SQL, the caps that keep a large build's page small, determinism, a build without the
collections marts (an own event log), the command line and the vendored libraries."""

from __future__ import annotations

import hashlib
import json
import math
import re
import shutil
import tomllib
from pathlib import Path

import duckdb
import pytest

from c2c.cli import main
from c2c.db import connect_built, schema_of
from c2c.report import build_data, render, write_report
from c2c.report import conformance
from c2c.report.collections import lift_interval
from c2c.report.vendor_js import PINS, VENDOR, load_pins

from .conftest import REPO


# -- hand-made database -----------------------------------------------------------------------

def _tiny(path: Path) -> duckdb.DuckDBPyConnection:
    """Three invoices, two rules: R01 broken by a and b (company X, segment S, collector c1), R02
    broken by c (segment T, no collector); the evidence of a's R01 verdict is its second event."""
    con = duckdb.connect(str(path))
    con.execute("""
        create table cases as select * from (values
            ('x:a', 'S', 'c1'), ('x:b', 'S', 'c1'), ('x:c', 'T', null)) as v(case_id, customer_segment, collector_id);
        create table dunning_rules as select * from (values
            ('R01', 'first letter too early', 'first letter', 'text one'),
            ('R02', 'first letter too late', 'first letter', 'text two')) as v(rule_id, rule_name, judged_on, rule_description);
        create table fct_dunning_conformance as select * from (values
            ('x:a', 'R01', 'X', 'a', date '2024-01-10', 'violation', 'P', 1, 'exp a', 'obs a', 'e2', 5, 2, 3),
            ('x:b', 'R01', 'X', 'b', date '2024-01-11', 'violation', 'P', 1, 'exp b', 'obs b', 'e5', 5, 1, 4),
            ('x:c', 'R01', 'X', 'c', date '2024-01-12', 'pass', 'P', 1, '', '', '', 5, 6, 0),
            ('x:a', 'R02', 'X', 'a', date '2024-01-10', 'pass', 'P', 1, '', '', '', 20, 2, 0),
            ('x:b', 'R02', 'X', 'b', date '2024-01-11', 'not_applicable', null, null, '', '', '', null, null, null),
            ('x:c', 'R02', 'X', 'c', date '2024-01-12', 'violation', 'P', 2, 'exp c', 'obs c', 'e7,e8', 20, 25, 5)
        ) as v(case_id, rule_id, company_code, invoice_id, policy_reference_date, status, policy_id, policy_version,
               expected_value, observed_value, evidence_event_ids, expected_days, observed_days, deviation_days);
        create table event_log as select * from (values
            ('x:a', 'e1', timestamp '2024-01-01 09:00:00', 'INVOICE_CREATED', 1, 'u', 'd365', null, 10.0, 'EUR'),
            ('x:a', 'e2', timestamp '2024-01-12 00:00:00', 'DUNNING_LETTER_1_SENT', 8, 'u', 'd365', 1, null, null),
            ('x:b', 'e4', timestamp '2024-01-01 09:00:00', 'INVOICE_CREATED', 1, 'u', 'd365', null, 20.0, 'EUR'),
            ('x:b', 'e5', timestamp '2024-01-12 00:00:00', 'DUNNING_LETTER_1_SENT', 8, 'u', 'd365', 1, null, null),
            ('x:c', 'e8', timestamp '2024-02-05 00:00:00', 'DUNNING_LETTER_1_SENT', 8, 'u', 'd365', 1, null, null),
            ('x:c', 'e7', timestamp '2024-01-02 09:00:00', 'INVOICE_CREATED', 1, 'u', 'd365', null, 30.0, 'EUR')
        ) as v(case_id, event_id, event_timestamp, activity_code, activity_order, resource, source_system,
               dunning_level, amount, currency);
    """)
    return con


def test_conformance_cells_caps_and_evidence_on_a_hand_made_database(tmp_path):
    con = _tiny(tmp_path / "tiny.duckdb")
    data = conformance.build(con, cell_cap=1)
    assert data["grid_columns"] == ["rule_id", "company_code", "segment", "collector", "checked", "violations",
                                    "passes"]
    grid = {(g[0], g[2], g[3]): (g[4], g[5], g[6]) for g in data["grid"]}
    assert grid == {("R01", "S", "c1"): (2, 2, 0), ("R01", "T", ""): (1, 0, 1),
                    ("R02", "S", "c1"): (2, 0, 1), ("R02", "T", ""): (1, 1, 0)}
    assert data["cell_cap"] == 1
    # the cap keeps the lowest case id of a cell; its count stays in the grid
    assert [v["case_id"] for v in data["cells"]["R01|X|S|c1"]] == ["x:a"]
    assert [v["case_id"] for v in data["cells"]["R02|X|T|"]] == ["x:c"]
    assert sorted(data["trails"]) == ["x:a", "x:c"], "only the listed invoices carry a trail"
    # trails in event order; the evidence points at the events named by evidence_event_ids
    assert [e[1] for e in data["trails"]["x:c"]] == ["INVOICE_CREATED", "DUNNING_LETTER_1_SENT"]
    assert data["cells"]["R01|X|S|c1"][0]["evidence"] == [1]
    assert data["cells"]["R02|X|T|"][0]["evidence"] == [0, 1]
    assert data["cells"]["R02|X|T|"][0]["policy_version"] == 2
    # a trail budget smaller than the cells shrinks the cap, never below one invoice per cell
    small = conformance.build(con, cell_cap=25, trail_budget=1)
    assert small["cell_cap"] == 1 and small["cells_listed"] == 1
    # past one invoice per cell, only the cells with the most violations keep a list
    assert list(small["cells"]) == ["R01|X|S|c1"] and list(small["trails"]) == ["x:a"]
    assert "the 1 with the most list their invoices" in small["notes"][0]
    assert conformance.build(con, cell_cap=25, trail_budget=4)["cell_cap"] == 2
    assert [v["case_id"] for v in conformance.build(con, cell_cap=2)["cells"]["R01|X|S|c1"]] == ["x:a", "x:b"]


def test_lift_interval_by_hand():
    # 10 of 100 written off with the precursor, 5 of 200 without: lift 4,
    # se = sqrt(1/10 - 1/100 + 1/5 - 1/200) = sqrt(0.285)
    low, high = lift_interval(10, 100, 5, 200)
    se = math.sqrt(0.285)
    assert low == pytest.approx(4 * math.exp(-1.959964 * se), rel=1e-5) == pytest.approx(1.40488, rel=1e-4)
    assert high == pytest.approx(4 * math.exp(1.959964 * se), rel=1e-5) == pytest.approx(11.3889, rel=1e-4)
    assert lift_interval(0, 100, 5, 200) is None and lift_interval(10, 100, 0, 200) is None


# -- the session build --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def data(built_default) -> dict:
    with connect_built(built_default) as con:
        return build_data(con, "en")


def test_figures_equal_independent_sql(data, built_default):
    with connect_built(built_default) as con:
        one = lambda sql, params=None: con.execute(sql, params or []).fetchall()[0][0]  # noqa: E731
        assert data["overview"]["invoices"] == one("select count(*) from cases")
        month = one("select max(month_start_date) from fct_ar_monthly")
        assert data["overview"]["as_of_month"] == month.isoformat()
        assert data["overview"]["open_ar"] == pytest.approx(float(one(
            "select sum(open_ar_amount_reporting) from fct_ar_monthly where customer_segment = '*' "
            "and currency = '*' and month_start_date = ?", [month])), abs=1e-6)
        # the open AR of the cases at the as-of date, counted without the mart, in accounting currency
        ar_cases = one("select sum(invoice_amount_accounting * (1 - coalesce(settled_amount, 0) / invoice_amount "
                       "- coalesce(written_off_amount, 0) / invoice_amount)) from cases "
                       "where status in ('open', 'partially paid', 'disputed')")
        ar_mart = one("select sum(open_ar_amount_accounting) from fct_ar_monthly where customer_segment = '*' "
                      "and currency = '*' and month_start_date = ?", [month])
        assert float(ar_mart) == pytest.approx(float(ar_cases), rel=1e-6)
        violations = dict(con.execute("select rule_id, count(*) from fct_dunning_conformance "
                                      "where status = 'violation' group by rule_id").fetchall())
        edges = con.execute("select count(*), sum(edge_frequency) from pm_dfg_edges").fetchall()[0]
        quarantined = one("select count(*) from quarantine")
    got = {}
    for rule, *_, cell_violations, _passes in data["conformance"]["grid"]:
        got[rule] = got.get(rule, 0) + cell_violations
    assert {rule: n for rule, n in got.items() if n} == violations
    listed = sum(len(v) for v in data["conformance"]["cells"].values())
    assert listed == sum(min(c[5], data["conformance"]["cell_cap"]) for c in data["conformance"]["grid"])
    assert (len(data["process_map"]["edges"]), sum(e["edge_frequency"] for e in data["process_map"]["edges"])) == edges
    assert sum(q["quarantined_rows"] for q in data["quality"]["quarantine"]) == quarantined
    # the reconciliation rows against the quarantine counted apart (a malformed HighRadius line is
    # quarantined but counted beside the equation, as malformed_lines), the equation holding
    recon = data["quality"]["reconciliation"]
    assert sum(r["quarantined_rows"] + r["malformed_lines"] for r in recon) == quarantined
    assert len(recon) > 20 and all(r["holds"] for r in recon)
    assert list(recon[0])[:3] == ["source_system", "source_table", "raw_rows"]
    assert data["labels"]["INVOICE_POSTED"]["fr"] != data["labels"]["INVOICE_POSTED"]["en"]


def test_the_report_is_deterministic_self_contained_and_stamped(built_default, tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_report(built_default, first)
    write_report(built_default, second)
    assert first.read_bytes() == second.read_bytes()
    page = first.read_text(encoding="utf-8")
    with connect_built(built_default) as con:
        invocation = con.execute("select dbt_invocation_id from run_stamp").fetchall()[0][0]
    assert invocation in page
    # nothing is fetched: no external script, style, font or image, no URL the page could load
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "@import" not in page
    # the data blob parses back to the data, and no string in it closes the script early
    blob = re.search(r'<script id="report-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(blob)["stamp"]["fields"]["dbt_invocation_id"] == invocation


def test_a_string_with_a_closing_script_tag_stays_inside_the_blob(data):
    tricky = dict(data, overview=dict(data["overview"], notes=["</script><script>alert(1)</script>"]))
    page = render(tricky)
    assert page.count("</script>") == render(data).count("</script>")


def test_french_is_the_first_language_when_asked(built_default, tmp_path):
    out = tmp_path / "fr.html"
    write_report(built_default, out, "fr")
    assert '<html lang="fr">' in out.read_text(encoding="utf-8")
    assert '"language":"fr"' in out.read_text(encoding="utf-8")


def test_a_build_without_collections_marts_leaves_their_sections_out(built_default, tmp_path):
    """As a build by c2c byo-log: only event_log and the process-mining marts, no run stamp."""
    db = tmp_path / "byo_like.duckdb"
    shutil.copy(built_default, db)
    keep = {"event_log", "pm_dfg_edges", "pm_activity_stats", "pm_variants", "pm_variant_steps",
            "activity_catalogue", "int_event_log_sequenced", "int_case_variants", "int_event_log_activities"}
    with connect_built(db, read_only=False) as con:
        tables = con.execute("select table_schema, table_name, table_type from information_schema.tables "
                             "where table_schema in ('marts', 'core', 'intermediate', 'staging', 'seeds', 'main')"
                             ).fetchall()
        for schema, table, kind in tables:
            if table not in keep:
                con.execute(f'drop {"view" if kind == "VIEW" else "table"} if exists "{schema}"."{table}" cascade'
                            ).fetchall()
        assert schema_of(con, "cases") is None and schema_of(con, "pm_dfg_edges") == "marts"
    out = tmp_path / "byo.html"
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0
    data = json.loads(re.search(r'type="application/json">(.*?)</script>', out.read_text(encoding="utf-8"),
                                re.S).group(1))
    assert data["process_map"]["edges"] and not data["process_map"]["notes"]
    for section in ("conformance", "precursors", "promises", "disputes", "cash_application", "collectors"):
        assert "section left out" in " ".join(data[section]["notes"]), section
    assert data["stamp"]["text"].startswith("no run stamp")
    assert data["overview"]["invoices"] > 0


def test_command_line(built_default, tmp_path, capsys, monkeypatch):
    out = tmp_path / "r.html"
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(built_default))
    assert main(["report", "--out", str(out), "--language", "fr"]) == 0
    assert out.stat().st_size > 0 and "run stamp: as of" in capsys.readouterr().out
    assert main(["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(out)]) == 1
    assert "none.duckdb: no such file" in capsys.readouterr().err
    assert main(["report", "--out", str(tmp_path)]) == 2
    assert main(["report", "--language", "de"]) == 2


# -- vendored JavaScript -------------------------------------------------------------------------

def test_vendored_libraries_match_their_pins():
    pins = load_pins()
    assert set(pins) == {"chart.js", "@dagrejs/dagre"}
    for name, pin in pins.items():
        bundle = VENDOR / pin["file"]
        text = bundle.read_text(encoding="utf-8")
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == pin["sha256"], f"{bundle} differs from {PINS}"
        assert "sourceMappingURL" not in text
        assert (VENDOR / pin["license_file"]).read_text(encoding="utf-8").lstrip().startswith(
            ("The MIT License", "Copyright")), name
    assert f"Chart.js v{pins['chart.js']['version']}\n" in (VENDOR / pins["chart.js"]["file"]).read_text()
    assert f'="{pins["@dagrejs/dagre"]["version"]}"' in (VENDOR / pins["@dagrejs/dagre"]["file"]).read_text()


def test_report_files_ship_with_the_package():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["package-data"]["c2c"]
    package = REPO / "python" / "c2c"
    needed = [p for folder in ("report/assets", "report/vendor") for p in (package / folder).iterdir()]
    for path in needed:
        relative = path.relative_to(package).as_posix()
        assert any(Path(relative).match(pattern) for pattern in patterns), f"{relative} is not package data"


def test_report_of_a_build_by_byo_log(built_default, tmp_path, monkeypatch):
    """A real `c2c byo-log` build (200 invoices of the session build as a CSV log): the process map
    equals its pm_dfg_edges, the sections of the collections marts are left out with a note."""
    log = tmp_path / "log.csv"
    with connect_built(built_default) as con:
        con.execute(f"""
            copy (select case_id as "case:concept:name", activity as "concept:name",
                         strftime(event_timestamp, '%Y-%m-%dT%H:%M:%SZ') as "time:timestamp", resource as "org:resource"
                  from event_log where case_id in (select case_id from cases order by case_id limit 200))
            to '{log}' (header)""").fetchall()
    db = tmp_path / "byo.duckdb"
    monkeypatch.setenv("C2C_DUCKDB_PATH", str(db))
    assert main(["byo-log", str(log), "--quiet"]) == 0
    out = tmp_path / "byo.html"
    assert main(["report", "--out", str(out)]) == 0
    data = json.loads(re.search(r'type="application/json">(.*?)</script>', out.read_text(encoding="utf-8"),
                                re.S).group(1))
    with connect_built(db) as con:
        edges = sorted(con.execute("select source_activity_code, target_activity_code, edge_frequency "
                                   "from pm_dfg_edges").fetchall())
    assert sorted((e["source"], e["target"], e["edge_frequency"]) for e in data["process_map"]["edges"]) == edges
    assert data["process_map"]["case_count"] == 200
    for section in ("conformance", "precursors", "promises", "disputes", "cash_application", "collectors"):
        assert "section left out" in " ".join(data[section]["notes"]), section
