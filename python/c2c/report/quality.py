"""Data quality: the quality gate's runs and results (fct_data_quality_runs / _results: the
landing-zone and mart suites, where `c2c quality` stored them), the quarantine by reason, and the
raw = staged + quarantined + superseded reconciliation per raw table (the model
raw_reconciliation, where the build has it; otherwise each base table's reconciles_with_raw test
checked it during the build)."""

from __future__ import annotations

from c2c.db import table_exists

from ._sql import rows

FAILURES_SHOWN = 200


def build(con) -> dict:
    out: dict = {"notes": []}
    if table_exists(con, "fct_data_quality_runs") and table_exists(con, "fct_data_quality_results"):
        # the latest run of each stage, and its expectations that did not pass
        out["runs"] = rows(con, """
            select run_id, stage, run_at, suite_count, skipped_suite_count, expectation_count, critical_failure_count,
                   warning_count, unexpected_row_count, is_passed
            from fct_data_quality_runs order by run_at desc, stage, run_id limit 20""")
        out["failures"] = rows(con, f"""
            with latest as (
                select stage, max(run_at) as run_at from fct_data_quality_runs group by stage
            )
            select r.stage, r.suite_name, r.table_name, r.column_name, r.expectation_type, r.severity, r.status,
                   r.unexpected_count, r.unexpected_share, r.message
            from fct_data_quality_results as r
            join latest as l on l.stage = r.stage and l.run_at = r.run_at
            where not r.is_success
            order by r.stage, r.severity, r.suite_name, r.expectation_id limit {FAILURES_SHOWN}""")
        if not out["runs"]:
            out["notes"].append("no quality run is stored in this build (run `c2c quality --stage all`, then "
                                "refresh the quality marts, as `make demo` does)")
    else:
        out["notes"].append("this build has no quality marts (fct_data_quality_runs, fct_data_quality_results)")
    if table_exists(con, "quarantine"):
        out["quarantine"] = rows(con, """
            select source_system, source_table, reason_code, count(*) as quarantined_rows
            from quarantine group by source_system, source_table, reason_code
            order by source_system, source_table, reason_code""")
    else:
        out["notes"].append("this build has no quarantine table")
    if table_exists(con, "raw_reconciliation"):
        recon = rows(con, """
            select source_system, source_table, raw_rows, staged_rows, quarantined_rows, superseded_rows,
                malformed_lines
            from raw_reconciliation order by source_system, source_table""")
        for row in recon:
            # checked here from the counts, not taken from the model's own flag
            row["holds"] = row["raw_rows"] == row["staged_rows"] + row["quarantined_rows"] + row["superseded_rows"]
        out["reconciliation"] = recon
    else:
        out["notes"].append("this build has no raw_reconciliation table; the equation raw = staged + quarantined "
                            "+ superseded was checked during dbt build by the reconciles_with_raw test of each "
                            "base table (a failed test fails the build)")
    return out
