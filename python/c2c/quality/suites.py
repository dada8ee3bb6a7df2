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


def generate(contract: Contract | None = None, seeds_dir: Path = SEEDS_DIR) -> Iterator[dict[str, Any]]:
    contract = contract or load_spec()
    currencies = _seed_column("iso_currencies", "currency_code", seeds_dir)
    for table in contract.tables():
        yield landing_suite(table, currencies)
    yield from mart_suites(seeds_dir)


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
