"""The expectation suites: generated from the contract and the rules, stored as JSON, loaded.

``expectations/landing.<system>.<table>.json`` (one per contract table) and
``expectations/marts.<table>.json`` are versioned with the code and ship with the package.
They are GX suites (``ExpectationSuite.to_json_dict()`` shape); each expectation carries GX's
``severity`` (critical or warning) and a ``meta`` that says which batch it reads (``batch``),
the ``column`` a failure is reported on and the ``rule`` it implements.

What a landing suite checks comes from the structured contract (``c2c.contract.spec``): the
columns and their types, the key, the required columns, the enumerated values, the currency
columns; and from ``rules``: severities, references, ranges. Regenerate them after a change of
the contract, the rules or the seeds they quote::

    c2c contract generate        # with the dbt sources; or only the suites:
    python -m c2c.quality.suites

(the tests fail while the stored files differ from what this module generates).
"""

from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path
from typing import Any, Iterator

from c2c.contract.spec import Contract, Table, load_spec

from . import rules

EXPECTATIONS_DIR: Path = Path(__file__).with_name("expectations")
PROJECT_DIR: Path = Path(__file__).resolve().parents[3]
SEEDS_DIR: Path = PROJECT_DIR / "seeds"
_ID_NAMESPACE = uuid.UUID("6f1c2a40-5d0e-4c5e-9a59-0c2c0a11e7e5")

# Batch kinds: "files" = one row per landing file of a table; "rows" = the rows of one file;
# "events" / "cases" = mart rows of a batch of cases; "case_paths" = one row per case of the
# batch, derived from its ordered events.
FILES, ROWS, EVENTS, CASE_PATHS, CASES = "files", "rows", "events", "case_paths", "cases"
# The other marts: "table" = the columns a suite reads, the whole mart in one frame (the marts
# are aggregates, or one row per invoice: a few columns of it fit in memory); "reconcile" = one
# row of totals computed from the mart and from the tables it must reconcile with
# (c2c.quality.marts.MART_QUERIES).
TABLE, RECONCILE = "table", "reconcile"


def _seed_column(seed: str, column: str, seeds_dir: Path = SEEDS_DIR) -> list[str]:
    with (seeds_dir / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        return sorted({row[column] for row in csv.DictReader(handle)})


def _expectation(suite: str, type_: str, kwargs: dict[str, Any], *, batch: str, severity: str, column: str,
                 rule: str) -> dict[str, Any]:
    key = json.dumps([suite, type_, kwargs, batch], sort_keys=True, default=str)
    return {"type": type_, "kwargs": kwargs, "severity": severity,
            "meta": {"batch": batch, "column": column, "rule": rule},
            "id": str(uuid.uuid5(_ID_NAMESPACE, key))}


def landing_suite(table: Table, currencies: list[str]) -> dict[str, Any]:
    system = table.system
    name = f"landing.{system}.{table.name}"
    exps: list[dict[str, Any]] = []

    def add(type_: str, kwargs: dict[str, Any], batch: str, severity: str, column: str, rule: str) -> None:
        exps.append(_expectation(name, type_, kwargs, batch=batch, severity=severity, column=column, rule=rule))

    is_d365 = system == "d365"
    columns = {c.name: c.type for c in table.columns}
    all_columns = [c.name for c in table.all_columns]
    live = {"type": "comparison", "column": {"name": "is_live"}, "operator": "==", "parameter": True}
    # -- per file
    add("expect_column_values_to_be_in_set", {"column": "is_readable", "value_set": [True]}, FILES, rules.CRITICAL,
        "(file)", "file readable")
    add("expect_column_values_to_be_null", {"column": "missing_columns"}, FILES, rules.CRITICAL,
        "(columns)", "contract columns present")
    if not is_d365:
        add("expect_column_sum_to_be_between", {"column": "malformed_lines", "min_value": 0, "max_value": 0}, FILES,
            rules.WARNING, "(line)", "malformed CSV line")
    add("expect_column_sum_to_be_between",
        {"column": "row_count", "min_value": {"$PARAMETER": "row_count_floor"}}, FILES, rules.WARNING,
        "(rows)", "row count dropped against the previous run")
    # -- keys and required columns
    if is_d365 and "recid" in table.key:
        # within each file (source_file: a batch may hold several small files); across files below
        has_company = "dataareaid" in table.key
        key = (["company_key"] if has_company else []) + ["recid", "versionnumber", "source_file"]
        for col in ("recid", "versionnumber") + (("dataareaid",) if has_company else ()):
            add("expect_column_values_to_not_be_null", {"column": col}, ROWS, rules.CRITICAL, col, "key present")
        label = "+".join(["dataareaid"] * has_company + ["recid", "versionnumber"])
        add("expect_compound_columns_to_be_unique", {"column_list": key}, ROWS, rules.CRITICAL, label,
            "key + version unique")
        add("expect_column_values_to_be_in_set", {"column": "key_version_not_in_earlier_file", "value_set": [True]},
            ROWS, rules.CRITICAL, label, "key + version unique across files")
    elif not is_d365:
        for col in table.key:
            add("expect_column_values_to_not_be_null", {"column": col}, ROWS, rules.CRITICAL, col, "key present")
    critical = rules.D365_CRITICAL_ON_LIVE_ROWS.get(table.name, ()) if is_d365 else ()
    for c in table.columns:
        if c.name in table.key or not c.required:
            continue
        kwargs = {"column": c.name, "row_condition": live} if c.required == "live" else {"column": c.name}
        if c.name in critical:
            add("expect_column_values_to_not_be_null", kwargs, ROWS, rules.CRITICAL, c.name, "key present on live rows")
        else:
            add("expect_column_values_to_not_be_null", kwargs, ROWS, rules.WARNING, c.name,
                "required value present" + (" on live rows" if c.required == "live" else ""))
    # -- HighRadius timestamps carry an offset
    if not is_d365:
        for col in [c for c, t in columns.items() if t == "timestamp"] + ["extracted_at"]:
            add("expect_column_values_to_match_regex", {"column": col, "regex": rules.HR_TIMESTAMP_REGEX}, ROWS,
                rules.CRITICAL, col, "timestamp with UTC offset")
    # -- ranges
    for col, type_ in columns.items():
        if type_ == "decimal":
            add("expect_column_values_to_be_between",
                {"column": col, "min_value": -rules.AMOUNT_LIMIT, "max_value": rules.AMOUNT_LIMIT}, ROWS, rules.WARNING,
                col, "amount in range")
        elif is_d365 and type_ in ("date", "timestamp"):
            add("expect_column_values_to_be_between",
                {"column": col, "min_value": {"$PARAMETER": "earliest_date"},
                 "max_value": {"$PARAMETER": "latest_date"}}, ROWS, rules.WARNING, col, "date in range")
    # -- reference data, references, date order, enums
    for cur in [c.name for c in table.columns if c.domain == "currency"]:
        add("expect_column_values_to_be_in_set", {"column": cur, "value_set": currencies}, ROWS, rules.WARNING, cur,
            "ISO 4217 currency")
    for ref in rules.REFERENCES:
        if (ref.system, ref.table) == (system, table.name):
            add("expect_column_values_to_be_in_set", {"column": ref.flag_column, "value_set": [True]}, ROWS,
                rules.WARNING, ref.column, f"refers to an existing {ref.ref_table}.{ref.ref_column}")
    for sys_, tab, later, earlier in rules.DATE_ORDER:
        if (sys_, tab) == (system, table.name):
            add("expect_column_pair_values_a_to_be_greater_than_b",
                {"column_A": later, "column_B": earlier, "or_equal": True, "ignore_row_if": "either_value_is_missing"},
                ROWS, rules.WARNING, f"{later}>={earlier}", f"{later} on or after {earlier}")
    for c in table.all_columns:
        if c.values:
            add("expect_column_values_to_be_in_set", {"column": c.name, "value_set": c.value_set}, ROWS,
                rules.WARNING, c.name, "known enum value")
    return {"name": name, "expectations": exps,
            "meta": {"stage": "landing", "system": system, "table": table.name, "columns": all_columns,
                     "notes": "Generated by c2c.quality.suites from the landing contract "
                              "(python/c2c/contract/spec.yml); do not edit by hand."},
            "suite_parameters": {}}


def mart_suites(seeds_dir: Path = SEEDS_DIR) -> list[dict[str, Any]]:
    activities = _seed_column("activity_catalogue", "activity_code", seeds_dir)
    out = []
    name = "marts.event_log"
    exps = []
    for col in ("event_id", "case_id", "activity_code", "event_timestamp", "activity_order"):
        exps.append(_expectation(name, "expect_column_values_to_not_be_null", {"column": col}, batch=EVENTS,
                                 severity=rules.CRITICAL, column=col, rule="required value"))
    exps.append(_expectation(name, "expect_column_values_to_be_unique", {"column": "event_id"}, batch=EVENTS,
                             severity=rules.CRITICAL, column="event_id", rule="event id unique"))
    exps.append(_expectation(name, "expect_column_values_to_be_in_set", {"column": "activity_code",
                                                                          "value_set": activities},
                             batch=EVENTS, severity=rules.CRITICAL, column="activity_code", rule="catalogue activity"))
    exps.append(_expectation(name, "expect_column_values_to_be_in_set",
                             {"column": "first_invoice_activity", "value_set": list(rules.CASE_OPENING_ACTIVITIES)},
                             batch=CASE_PATHS, severity=rules.CRITICAL, column="activity_code",
                             rule="case starts with its creation or posting"))
    exps.append(_expectation(name, "expect_column_values_to_be_between",
                             {"column": "closing_event_count", "min_value": 0, "max_value": 1},
                             batch=CASE_PATHS, severity=rules.CRITICAL, column="activity_code",
                             rule="at most one closing event"))
    exps.append(_expectation(name, "expect_column_values_to_be_in_set",
                             {"column": "ends_closed_or_open", "value_set": [True], "mostly": rules.ENDS_WELL_MOSTLY},
                             batch=CASE_PATHS, severity=rules.WARNING, column="activity_code",
                             rule="case ends with its closing event or is open"))
    out.append({"name": name, "expectations": exps, "meta": {"stage": "marts", "table": "event_log"},
                "suite_parameters": {}})
    name = "marts.cases"
    exps = [
        _expectation(name, "expect_column_values_to_not_be_null", {"column": "case_id"}, batch=CASES,
                     severity=rules.CRITICAL, column="case_id", rule="required value"),
        _expectation(name, "expect_column_values_to_be_unique", {"column": "case_id"}, batch=CASES,
                     severity=rules.CRITICAL, column="case_id", rule="one row per case"),
        _expectation(name, "expect_column_values_to_be_in_set", {"column": "status",
                                                                  "value_set": list(rules.CASE_STATUSES)},
                     batch=CASES, severity=rules.CRITICAL, column="status", rule="known status"),
        _expectation(name, "expect_column_values_to_not_be_in_set",
                     {"column": "status", "value_set": ["written off"], "mostly": rules.NOT_WRITTEN_OFF_MOSTLY},
                     batch=CASES, severity=rules.WARNING, column="status", rule="write-off rate"),
        _expectation(name, "expect_column_values_to_be_in_set",
                     {"column": "settled_by_due_date", "value_set": [True], "mostly": rules.SETTLED_ON_TIME_MOSTLY},
                     batch=CASES, severity=rules.WARNING, column="settled_at",
                     rule="share of settled invoices paid late"),
    ]
    out.append({"name": name, "expectations": exps, "meta": {"stage": "marts", "table": "cases"},
                "suite_parameters": {}})
    return out


class _MartSuite:
    """Builds the expectations of one mart suite (the ``table`` and ``reconcile`` batches)."""

    def __init__(self, table: str) -> None:
        self.table, self.name, self.exps = table, f"marts.{table}", []

    def add(self, type_: str, kwargs: dict[str, Any], rule: str, severity: str = rules.CRITICAL,
            batch: str = TABLE, column: str | None = None) -> "_MartSuite":
        column = column or kwargs.get("column") or "+".join(
            kwargs.get("column_list") or [kwargs.get("column_A", ""), kwargs.get("column_B", "")]).strip("+")
        self.exps.append(_expectation(self.name, type_, kwargs, batch=batch, severity=severity,
                                      column=column or "(table)", rule=rule))
        return self

    def key(self, *columns: str) -> "_MartSuite":
        for col in columns:
            self.add("expect_column_values_to_not_be_null", {"column": col}, "key present")
        if len(columns) == 1:
            return self.add("expect_column_values_to_be_unique", {"column": columns[0]}, "key unique")
        return self.add("expect_compound_columns_to_be_unique", {"column_list": list(columns)}, "key unique")

    def between(self, column: str, low: float | None, high: float | None, rule: str,
                severity: str = rules.CRITICAL) -> "_MartSuite":
        kwargs: dict[str, Any] = {"column": column}
        if low is not None:
            kwargs["min_value"] = low
        if high is not None:
            kwargs["max_value"] = high
        return self.add("expect_column_values_to_be_between", kwargs, rule, severity)

    def shares(self, *columns: str) -> "_MartSuite":
        for col in columns:
            self.between(col, 0, 1, "share within [0, 1]")
        return self

    def counts(self, *columns: str) -> "_MartSuite":
        for col in columns:
            self.between(col, 0, None, "count not negative")
        return self

    def at_most(self, smaller: str, larger: str, rule: str, batch: str = TABLE) -> "_MartSuite":
        return self.add("expect_column_pair_values_a_to_be_greater_than_b",
                        {"column_A": larger, "column_B": smaller, "or_equal": True,
                         "ignore_row_if": "either_value_is_missing"}, rule, batch=batch)

    def reconciles(self, mart_total: str, other_total: str, rule: str, severity: str = rules.CRITICAL
                   ) -> "_MartSuite":
        return self.add("expect_column_pair_values_to_be_equal",
                        {"column_A": mart_total, "column_B": other_total}, rule, severity, batch=RECONCILE)

    def suite(self) -> dict[str, Any]:
        return {"name": self.name, "expectations": self.exps, "meta": {"stage": "marts", "table": self.table},
                "suite_parameters": {}}


def interface_mart_suites(seeds_dir: Path = SEEDS_DIR) -> list[dict[str, Any]]:
    """The suites of the public marts besides event_log and cases: keys, ranges, relationships,
    reconciliations with the tables they are computed from, KPI bounds and distributions. Each
    expectation reads a column that ``c2c.quality.marts.MART_QUERIES`` selects for its batch."""
    activities = _seed_column("activity_catalogue", "activity_code", seeds_dir)
    rule_ids = _seed_column("dunning_rules", "rule_id", seeds_dir)
    out = []

    s = _MartSuite("fct_ar_monthly").key("company_code", "customer_segment", "currency", "month_start_date")
    s.at_most("month_start_date", "snapshot_date", "snapshot within its month")
    s.at_most("snapshot_date", "month_end_date", "snapshot within its month")
    s.between("ageing_gap_accounting", -0.01, 0.01, "ageing buckets add up to open AR")
    s.between("collection_effectiveness_index", 0, 100, "CEI within [0, 100]")
    s.between("cash_collection_effectiveness_index", 0, 100, "cash CEI within [0, 100]")
    s.between("dso_days", 0, rules.DSO_MAX_DAYS, f"DSO within [0, {rules.DSO_MAX_DAYS}] days", rules.WARNING)
    s.between("countback_dso_days", 0, rules.DSO_MAX_DAYS, f"countback DSO within [0, {rules.DSO_MAX_DAYS}] days",
              rules.WARNING)
    s.between("best_possible_dso_days", 0, rules.DSO_MAX_DAYS, "best possible DSO within range", rules.WARNING)
    s.add("expect_column_median_to_be_between",
          {"column": "company_dso_days", "min_value": 0, "max_value": rules.MEDIAN_DAYS_MAX},
          f"median company DSO within [0, {rules.MEDIAN_DAYS_MAX}] days", rules.WARNING)
    s.reconciles("company_invoice_count", "cases_count", "invoices per month add up to the cases")
    out.append(s.suite())

    s = _MartSuite("fct_invoice_cycle_times").key("case_id")
    s.add("expect_column_values_to_be_in_set", {"column": "case_in_cases", "value_set": [True]},
          "refers to an existing cases.case_id", column="case_id")
    s.counts("days_to_pay", "invoice_to_cash_days", "dispute_count", "promise_count")
    s.between("credit_decision_hours", 0, None, "duration not negative")
    s.between("cash_application_lag_hours", 0, None, "duration not negative")
    s.at_most("promises_kept", "promise_count", "kept promises among the promises")
    s.at_most("disputes_resolved", "dispute_count", "resolved disputes among the disputes")
    s.add("expect_column_median_to_be_between",
          {"column": "days_to_pay", "min_value": 0, "max_value": rules.MEDIAN_DAYS_MAX},
          f"median days to pay within [0, {rules.MEDIAN_DAYS_MAX}]", rules.WARNING)
    s.reconciles("mart_rows", "cases_count", "one row per case")
    out.append(s.suite())

    s = _MartSuite("fct_collector_activity").key("collector_id", "company_code", "activity_month_start_date")
    s.counts("invoices_worked", "calls_made", "letters_sent", "promises_obtained", "invoices_settled",
             "invoices_written_off", "open_invoices_at_month_end")
    s.between("average_days_to_pay", 0, rules.DSO_MAX_DAYS, "average days to pay within range", rules.WARNING)
    s.reconciles("invoices_written_off_total", "cases_written_off_with_collector",
                 "write-offs per collector add up to the written-off cases with a collector")
    out.append(s.suite())

    s = _MartSuite("fct_dunning_effectiveness").key("company_code", "customer_segment", "dunning_level",
                                                    "letter_month_start_date")
    s.add("expect_column_values_to_be_in_set", {"column": "dunning_level", "value_set": [1, 2, 3, 4]},
          "dunning level 1-4")
    s.shares("paid_within_7_days_share", "paid_within_14_days_share", "paid_within_30_days_share", "escalated_share")
    s.at_most("letters_paid_within_7_days", "letters_observed_7_days", "paid letters among the observed ones")
    s.at_most("letters_paid_within_30_days", "letters_observed_30_days", "paid letters among the observed ones")
    s.at_most("letters_observed_30_days", "letters_sent", "observed letters among the letters sent")
    s.reconciles("letters_sent_total", "letter_events", "letters add up to the dunning-letter events of event_log")
    out.append(s.suite())

    s = _MartSuite("fct_dunning_conformance_summary").key("rule_id", "company_code", "due_month", "collector_id_key")
    s.add("expect_column_values_to_be_in_set", {"column": "rule_id", "value_set": rule_ids}, "known rule")
    s.shares("conformance_rate")
    s.between("outcome_gap", 0, 0, "passes, violations and not applicable add up to the invoices checked")
    s.reconciles("invoices_checked_total", "cases_count", "every case checked against each rule")
    out.append(s.suite())

    s = _MartSuite("fct_write_off_precursor_lift").key("precursor", "precursor_value", "observed_at")
    s.add("expect_column_values_to_be_in_set", {"column": "observed_at", "value_set": ["invoicing", "horizon"]},
          "known observation point")
    s.shares("write_off_rate_with", "write_off_rate_without")
    s.between("lift", 0, None, "lift not negative")
    s.at_most("written_off_with", "invoices_with", "written-off invoices among the invoices")
    s.at_most("written_off_without", "invoices_without", "written-off invoices among the invoices")
    out.append(s.suite())

    s = _MartSuite("pm_activity_stats").key("activity_code")
    s.add("expect_column_values_to_be_in_set", {"column": "activity_code", "value_set": activities},
          "catalogue activity")
    s.shares("case_share")
    s.at_most("case_count", "event_count", "cases with the activity at most its events")
    s.at_most("rework_case_count", "case_count", "rework cases among the cases")
    s.reconciles("event_count_total", "event_log_rows", "events per activity add up to event_log")
    out.append(s.suite())

    s = _MartSuite("pm_dfg_edges").key("source_activity_code", "target_activity_code")
    s.at_most("case_frequency", "edge_frequency", "cases of an edge at most its frequency")
    s.between("mean_waiting_seconds", 0, None, "waiting time not negative")
    s.at_most("median_waiting_seconds", "max_waiting_seconds", "median waiting time at most the longest")
    s.reconciles("start_edge_frequency", "event_log_cases", "one start edge per case of event_log")
    s.reconciles("end_edge_frequency", "event_log_cases", "one end edge per case of event_log")
    out.append(s.suite())

    s = _MartSuite("pm_temporal_profile_summary").key("source_activity", "target_activity")
    s.between("stdev_seconds", 0, None, "standard deviation not negative")
    s.between("zeta", 0, None, "zeta not negative")
    s.shares("deviating_case_share")
    s.at_most("cases_deviating", "cases_observed", "deviating cases among the cases observed")
    s.at_most("cases_observed", "cases_in_log", "cases observed among the cases of the log")
    s.reconciles("cases_in_log_max", "event_log_cases", "cases of the log are event_log's")
    out.append(s.suite())

    s = _MartSuite("pm_discovered_model").key("miner")
    s.add("expect_column_values_to_be_in_set", {"column": "miner", "value_set": ["IM", "IMf"]}, "known miner")
    s.between("noise_threshold", 0, 1, "noise threshold within [0, 1)")
    s.between("place_count", 1, None, "a Petri net with places")
    s.reconciles("model_count", "expected_model_count", "one model when the log has cases")
    s.reconciles("model_case_count", "event_log_cases", "the model is discovered on every case")
    out.append(s.suite())

    s = _MartSuite("pm_variant_conformance").key("variant_id")
    s.between("fitness", 0, 1, "fitness within [0, 1]")
    s.shares("case_share", "deviating_case_share")
    s.add("expect_column_values_to_be_in_set", {"column": "fit_means_fitness_one", "value_set": [True]},
          "a fitting variant has fitness 1", column="is_fit")
    s.add("expect_column_sum_to_be_between",
          {"column": "fitting_case_share", "min_value": rules.FITTING_CASE_SHARE_MIN},
          f"at least {rules.FITTING_CASE_SHARE_MIN:.0%} of the cases fit the normative model", rules.WARNING)
    s.reconciles("case_count_total", "event_log_cases", "variants add up to the cases of event_log")
    out.append(s.suite())

    s = _MartSuite("fct_data_quality_results").key("run_id", "suite_name", "expectation_id")
    s.add("expect_column_values_to_be_in_set", {"column": "stage", "value_set": ["landing", "marts"]}, "known stage")
    s.add("expect_column_values_to_be_in_set", {"column": "status", "value_set": ["passed", "failed", "skipped"]},
          "known status")
    s.shares("unexpected_share")
    s.at_most("unexpected_count", "element_count", "failing rows among the rows checked")
    s.add("expect_column_values_to_be_null", {"column": "landing_invocation_id"},
          "a landing run checks no build", column="dbt_invocation_id")
    out.append(s.suite())

    s = _MartSuite("fct_data_quality_runs").key("run_id", "stage")
    s.at_most("critical_failure_count", "expectation_count", "failures among the expectations")
    s.at_most("skipped_suite_count", "suite_count", "skipped suites among the suites")
    s.add("expect_column_values_to_be_null", {"column": "landing_invocation_id"},
          "a landing run checks no build", column="dbt_invocation_id")
    s.add("expect_column_values_to_match_regex",
          {"column": "landing_zone_fingerprint", "regex": rules.FINGERPRINT_REGEX}, "SHA-256 fingerprint")
    s.reconciles("results_runs", "runs", "every run of the results has its row")
    out.append(s.suite())

    s = _MartSuite("run_stamp").key("dbt_invocation_id")
    s.add("expect_table_row_count_to_equal", {"value": 1}, "one stamp per build")
    s.add("expect_column_values_to_match_regex",
          {"column": "landing_zone_fingerprint", "regex": rules.FINGERPRINT_REGEX}, "SHA-256 fingerprint")
    s.counts("landing_file_count")
    s.reconciles("as_of_date", "cases_as_of_date", "the as-of date of cases")
    out.append(s.suite())
    return out


def generate(contract: Contract | None = None, seeds_dir: Path = SEEDS_DIR) -> Iterator[dict[str, Any]]:
    contract = contract or load_spec()
    currencies = _seed_column("iso_currencies", "currency_code", seeds_dir)
    for table in contract.tables():
        yield landing_suite(table, currencies)
    yield from mart_suites(seeds_dir)
    yield from interface_mart_suites(seeds_dir)


def render(suite: dict[str, Any]) -> str:
    return json.dumps(suite, indent=2, sort_keys=False) + "\n"


def write(directory: Path = EXPECTATIONS_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for suite in generate():
        path = directory / f"{suite['name']}.json"
        path.write_text(render(suite), encoding="utf-8")
        written.append(path)
    for stale in sorted(set(directory.glob("*.json")) - set(written)):
        stale.unlink()
    return written


def load(stage: str, directory: Path = EXPECTATIONS_DIR) -> list[dict[str, Any]]:
    """The stored suites of a stage (``landing`` or ``marts``), in name order."""
    suites = []
    for path in sorted(directory.glob(f"{stage}.*.json")):
        with path.open(encoding="utf-8") as handle:
            suite = json.load(handle)
        suite["meta"]["path"] = str(path)
        suites.append(suite)
    return suites


if __name__ == "__main__":
    for p in write():
        print(p)
