"""Mart batches read from the DuckDB file, read-only, a bounded number of rows at a time.

``event_log`` is read in buckets of whole cases (a hash of ``case_id`` modulo the number of
buckets), so that a case's path can be checked within one batch; ``cases`` is streamed in
record batches. Only the columns the suites read are fetched.
"""

from __future__ import annotations

from typing import Iterator

import duckdb
import numpy as np
import pandas as pd

from . import rules

EVENT_BATCH_ROWS = 500_000
CASE_BATCH_ROWS = 250_000


def event_log_batches(con: duckdb.DuckDBPyConnection, batch_rows: int = EVENT_BATCH_ROWS
                      ) -> Iterator[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """Yield (batch name, events, one row per case with its path facts)."""
    total = con.execute("select count(*) from event_log").fetchall()[0][0]
    buckets = max(1, -(-total // batch_rows))
    for bucket in range(buckets):
        events = con.execute(
            "select case_id, event_id, activity_code, activity_order, event_timestamp from event_log "
            "where hash(case_id) % ? = ? order by case_id, event_timestamp, activity_order, event_id",
            [buckets, bucket]).df()
        yield f"event_log bucket {bucket + 1}/{buckets}", events, case_paths(events)


def case_paths(events: pd.DataFrame) -> pd.DataFrame:
    """Per case: its first activity once credit-limit events are left aside, the number of closing
    events, and whether it ends with its closing event or has none. ``events`` must be in the
    ordering rule's order."""
    if events.empty:
        return pd.DataFrame({"case_id": pd.Series(dtype=object), "first_invoice_activity": pd.Series(dtype=object),
                             "closing_event_count": pd.Series(dtype="int64"),
                             "ends_closed_or_open": pd.Series(dtype=bool)})
    by_case = events.groupby("case_id", sort=True)
    invoice_events = events[~events["activity_code"].isin(rules.CREDIT_LIMIT_ACTIVITIES)]
    first = invoice_events.groupby("case_id", sort=True)["activity_code"].first()
    closing = events["activity_code"].isin(rules.CLOSING_ACTIVITIES).groupby(events["case_id"], sort=True).sum()
    last = by_case["activity_code"].last()
    out = pd.DataFrame({"closing_event_count": closing.astype("int64"), "last": last})
    out["first_invoice_activity"] = first.reindex(out.index).fillna("(only credit-limit events)")
    out["ends_closed_or_open"] = (out["closing_event_count"] == 0) | out["last"].isin(rules.CLOSING_ACTIVITIES)
    return out.drop(columns="last").reset_index()


def cases_batches(con: duckdb.DuckDBPyConnection, batch_rows: int = CASE_BATCH_ROWS
                  ) -> Iterator[tuple[str, pd.DataFrame]]:
    reader = con.sql("select case_id, status, due_date, settled_at from cases order by case_id").to_arrow_reader(
        batch_rows)
    for number, batch in enumerate(reader, start=1):
        df = batch.to_pandas()
        settled = pd.to_datetime(df["settled_at"]).dt.normalize()
        due = pd.to_datetime(df["due_date"])
        df["settled_by_due_date"] = pd.Series(np.where(settled.isna(), None, settled <= due), index=df.index,
                                              dtype="object")
        yield f"cases batch {number}", df


# What the suites of the other public marts read (c2c.quality.suites.interface_mart_suites): per
# mart, the ``table`` batch (the columns its expectations check, with the derived columns some
# of them need: a relationship flag, the gap of a sum) and the ``reconcile`` batch (totals of the
# mart beside the totals it must reconcile with, each pair checked for equality).
_DUNNING_LETTERS = "('DUNNING_LETTER_1_SENT', 'DUNNING_LETTER_2_SENT', 'DUNNING_LETTER_3_SENT', 'DUNNING_LETTER_4_SENT')"
_LOG_CASES = "(select count(distinct case_id) from event_log)"
MART_QUERIES: dict[str, dict[str, str]] = {
    "fct_ar_monthly": {
        "table": "select company_code, customer_segment, currency, month_start_date, month_end_date, snapshot_date, "
                 "open_ar_amount_accounting - current_amount_accounting - past_due_1_30_amount_accounting "
                 "- past_due_31_60_amount_accounting - past_due_61_90_amount_accounting "
                 "- past_due_over_90_amount_accounting as ageing_gap_accounting, "
                 "collection_effectiveness_index, cash_collection_effectiveness_index, dso_days, countback_dso_days, "
                 "best_possible_dso_days, case when customer_segment = '*' and currency = '*' then dso_days end "
                 "as company_dso_days from fct_ar_monthly",
        "reconcile": "select cast((select coalesce(sum(invoice_count), 0) from fct_ar_monthly where customer_segment = '*' "
                     "and currency = '*') as bigint) as company_invoice_count, "
                     "cast((select count(*) from cases) as bigint) as cases_count",
    },
    "fct_invoice_cycle_times": {
        "table": "select t.case_id, c.case_id is not null as case_in_cases, t.days_to_pay, t.invoice_to_cash_days, "
                 "t.dispute_count, t.promise_count, t.credit_decision_hours, t.cash_application_lag_hours, "
                 "t.promises_kept, t.disputes_resolved from fct_invoice_cycle_times as t "
                 "left join cases as c on c.case_id = t.case_id",
        "reconcile": "select cast((select count(*) from fct_invoice_cycle_times) as bigint) as mart_rows, "
                     "cast((select count(*) from cases) as bigint) as cases_count",
    },
    "fct_collector_activity": {
        "table": "select collector_id, company_code, activity_month_start_date, invoices_worked, calls_made, "
                 "letters_sent, promises_obtained, invoices_settled, invoices_written_off, open_invoices_at_month_end, "
                 "average_days_to_pay from fct_collector_activity",
        "reconcile": "select cast((select coalesce(sum(invoices_written_off), 0) from fct_collector_activity) as bigint) "
                     "as invoices_written_off_total, cast((select count(*) from cases where status = 'written off' "
                     "and collector_id is not null) as bigint) as cases_written_off_with_collector",
    },
    "fct_dunning_effectiveness": {
        "table": "select company_code, customer_segment, dunning_level, letter_month_start_date, letters_sent, "
                 "letters_observed_7_days, letters_paid_within_7_days, letters_observed_30_days, "
                 "letters_paid_within_30_days, paid_within_7_days_share, paid_within_14_days_share, "
                 "paid_within_30_days_share, escalated_share from fct_dunning_effectiveness",
        "reconcile": "select cast((select coalesce(sum(letters_sent), 0) from fct_dunning_effectiveness) as bigint) "
                     "as letters_sent_total, cast((select count(*) from event_log where activity_code in "
                     f"{_DUNNING_LETTERS}) as bigint) as letter_events",
    },
    "fct_dunning_conformance_summary": {
        "table": "select rule_id, company_code, due_month, coalesce(collector_id, '(none)') as collector_id_key, "
                 "conformance_rate, invoices_checked - passes - violations - not_applicable as outcome_gap "
                 "from fct_dunning_conformance_summary",
        "reconcile": "select rule_id, cast(sum(invoices_checked) as bigint) as invoices_checked_total, "
                     "cast((select count(*) from cases) as bigint) as cases_count "
                     "from fct_dunning_conformance_summary group by rule_id order by rule_id",
    },
    "fct_write_off_precursor_lift": {
        "table": "select precursor, precursor_value, observed_at, invoices_with, written_off_with, invoices_without, "
                 "written_off_without, write_off_rate_with, write_off_rate_without, lift "
                 "from fct_write_off_precursor_lift",
    },
    "pm_activity_stats": {
        "table": "select activity_code, event_count, case_count, case_share, rework_case_count from pm_activity_stats",
        "reconcile": "select cast((select coalesce(sum(event_count), 0) from pm_activity_stats) as bigint) "
                     "as event_count_total, cast((select count(*) from event_log) as bigint) as event_log_rows",
    },
    "pm_dfg_edges": {
        "table": "select source_activity_code, target_activity_code, edge_frequency, case_frequency, "
                 "mean_waiting_seconds, median_waiting_seconds, max_waiting_seconds from pm_dfg_edges",
        "reconcile": "select cast(coalesce(sum(case when is_start_edge then edge_frequency end), 0) as bigint) "
                     "as start_edge_frequency, cast(coalesce(sum(case when is_end_edge then edge_frequency end), 0) "
                     f"as bigint) as end_edge_frequency, cast({_LOG_CASES} as bigint) as event_log_cases "
                     "from pm_dfg_edges",
    },
    "pm_temporal_profile_summary": {
        "table": "select source_activity, target_activity, stdev_seconds, zeta, deviating_case_share, cases_deviating, "
                 "cases_observed, cases_in_log from pm_temporal_profile_summary",
        "reconcile": "select cast(max(cases_in_log) as bigint) as cases_in_log_max, "
                     f"cast({_LOG_CASES} as bigint) as event_log_cases from pm_temporal_profile_summary",
    },
    "pm_discovered_model": {
        "table": "select miner, noise_threshold, place_count from pm_discovered_model",
        "reconcile": "select cast(count(*) as bigint) as model_count, "
                     f"cast(case when {_LOG_CASES} > 0 then 1 else 0 end as bigint) as expected_model_count, "
                     "cast(coalesce(max(case_count), 0) as bigint) as model_case_count, "
                     f"cast({_LOG_CASES} as bigint) as event_log_cases from pm_discovered_model",
    },
    "pm_variant_conformance": {
        "table": "select variant_id, fitness, case_share, deviating_case_share, "
                 "(not is_fit or abs(fitness - 1) < 1e-9) as fit_means_fitness_one, "
                 "case when is_fit then case_share else 0 end as fitting_case_share from pm_variant_conformance",
        "reconcile": "select cast(coalesce(sum(case_count), 0) as bigint) as case_count_total, "
                     f"cast({_LOG_CASES} as bigint) as event_log_cases from pm_variant_conformance",
    },
    "fct_data_quality_results": {
        "table": "select run_id, suite_name, expectation_id, stage, status, unexpected_share, unexpected_count, "
                 "element_count, case when stage = 'landing' then dbt_invocation_id end as landing_invocation_id "
                 "from fct_data_quality_results",
    },
    "fct_data_quality_runs": {
        "table": "select run_id, stage, critical_failure_count, expectation_count, skipped_suite_count, suite_count, "
                 "case when stage = 'landing' then dbt_invocation_id end as landing_invocation_id, "
                 "landing_zone_fingerprint from fct_data_quality_runs",
        "reconcile": "select cast((select count(*) from (select distinct run_id, stage from fct_data_quality_results) "
                     "as r) as bigint) as results_runs, "
                     "cast((select count(*) from fct_data_quality_runs) as bigint) as runs",
    },
    "run_stamp": {
        "table": "select dbt_invocation_id, landing_zone_fingerprint, landing_file_count from run_stamp",
        "reconcile": "select (select max(as_of_date) from run_stamp) as as_of_date, "
                     "(select max(as_of_date) from cases) as cases_as_of_date",
    },
}


def mart_frames(con: duckdb.DuckDBPyConnection, table: str) -> Iterator[tuple[str, str, pd.DataFrame]]:
    """(batch kind, batch name, frame) for each query of a mart in MART_QUERIES."""
    for batch, sql in MART_QUERIES[table].items():
        yield batch, f"{table} {batch}", con.execute(sql).df()


# event_log and cases have batch readers of their own (c2c.quality.stages); their batches:
_OWN_READERS = {"event_log": {"events", "case_paths"}, "cases": {"cases"}}


def coverage_problems(public_models: list[str], mart_suites: list[dict]) -> list[str]:
    """Where the mart suites do not cover the public models: a public model without a suite, a
    suite whose table has no reader, an expectation whose batch no query provides. Empty: every
    public mart is checked."""
    problems = []
    by_table = {s["meta"]["table"]: s for s in mart_suites}
    for model in sorted(public_models):
        if model not in by_table:
            problems.append(f"{model}: public model without a mart suite (expectations/marts.{model}.json)")
    for table, suite in sorted(by_table.items()):
        provided = _OWN_READERS.get(table) or set(MART_QUERIES.get(table, {}))
        if not provided:
            problems.append(f"{suite['name']}: no batch reader for table {table}")
            continue
        if not suite["expectations"]:
            problems.append(f"{suite['name']}: no expectation")
        for batch in sorted({e["meta"]["batch"] for e in suite["expectations"]} - provided):
            problems.append(f"{suite['name']}: expectations on batch {batch}, which no query of {table} provides")
    return problems
