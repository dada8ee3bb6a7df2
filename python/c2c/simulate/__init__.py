"""Simulated D365 Finance & Operations + HighRadius landing zones with a ground truth.

``simulate(cfg, out)`` writes ``out/d365/<table>/*.parquet``, ``out/highradius/<object>/*.csv``
(every table and object of the raw landing contract) and ``out/ground_truth/``:

- ``invoices.parquet``   one row per simulated invoice (the cases), with its final state: the
                         outcome ``status`` (settled, written_off, credited, open; see
                         ``outcomes``), the written-off amount, whether cash was received, and
                         its credit limit at invoicing (``credit_limit_at_invoicing``, see
                         ``credit.py``);
- ``events.parquet``     the true activity sequence of every invoice (codes, UTC times, order);
- ``violations.parquet`` every dunning-policy violation in the data (rule, invoice);
- ``event_collectors.parquet`` per true event: who did it (collector, manager, clerk, approver,
  system) and the collector who owned the case then (``collectors.py``); ``invoices.parquet``
  carries each case's ``collector`` by the design rule and ``collector_changed_mid_case``;
- ``faults.parquet``     every injected landing-zone fault and how it should be handled;
- ``manifest.json``      parameters, as-of date and row counts; ``enumerated_values``: records per
  enumerated value of the contract (current state, as written); ``shapes``: rows of each shape the
  simulation steps recorded in ``World.shapes``; the counts of the credit-limit, outcome, promise
  and collector steps.
"""

from __future__ import annotations

import gc
import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from c2c.contract.census import Census

from . import collectors
from .cases import Cases, dictionary, run_position
from .config import SimConfig
from .credit import summary as credit_summary
from .faults import VERSIONED_HR, FaultLog, HR_RECORD_KEY, inject_malformed_lines, inject_row_faults, inject_text_faults
from .model import CODES, DAY, NEVER, World, generate
from .coverage import table_shapes
from .outcomes import shape_counts
from .tables import Lake, build_tables
from .writer import Writer, extracted_at

__all__ = ["SimConfig", "simulate", "ENUMS"]

# enum labels as D365 exports them (srsanalysisenums); the project ships the same list as a seed
ENUMS = [
    ("LedgerTransType", 2, "Sales", "Sales order"), ("LedgerTransType", 8, "Cust", "Customer"),
    ("LedgerTransType", 15, "Payment", "Payment"), ("LedgerTransType", 35, "WriteOff", "Write off"),
    ("LedgerTransType", 36, "GeneralJournal", "General journal"),
    ("CustVendorBlocked", 0, "No", "No"), ("CustVendorBlocked", 1, "Invoice", "Invoice"),
    ("CustVendorBlocked", 2, "All", "All"), ("CustVendorBlocked", 3, "Payment", "Payment"),
    ("NoYes", 0, "No", "No"), ("NoYes", 1, "Yes", "Yes"),
    ("RefNum", 0, "SalesOrder", "Sales order"), ("RefNum", 1, "Project", "Project"),
    ("RefNum", 2, "Cust", "Free text invoice"), ("RefNum", 3, "Interest", "Interest note"),
    ("PrintPostCancel", 0, "Created", "Created"), ("PrintPostCancel", 2, "Posted", "Posted"),
    ("PrintPostCancel", 3, "Canceled", "Canceled"),
    ("CustVendDisputeStatus", 1, "Disputed", "Disputed"), ("CustVendDisputeStatus", 2, "PromiseToPay", "Promise to pay"),
    ("CustVendDisputeStatus", 3, "Resolved", "Resolved"),
    ("CustVendDisputeStatus", 4, "PromiseToPayBroken", "Promise to pay broken"),
    ("CustVendDisputeStatus", 5, "PromiseToPayKept", "Promise to pay kept"),
    ("smmActivityCategory", 0, "Appointment", "Appointment"), ("smmActivityCategory", 1, "Task", "Task"),
    ("smmActivityCategory", 2, "Action", "Action"), ("smmActivityCategory", 3, "Event", "Event"),
    ("CredManCreditLimitAdjStatus", 0, "Created", "Created"), ("CredManCreditLimitAdjStatus", 1, "Submitted", "Submitted"),
    ("CredManCreditLimitAdjStatus", 2, "Approved", "Approved"), ("CredManCreditLimitAdjStatus", 3, "Rejected", "Rejected"),
    ("CredManCreditLimitAdjStatus", 4, "Posted", "Posted"),
    ("WorkflowTrackingType", 23, "Submission", "Submission"), ("WorkflowTrackingType", 4, "Approval", "Approval"),
    ("WorkflowTrackingType", 19, "Rejection", "Rejection"),
    ("LedgerJournalType", 7, "CustPayment", "Customer payment"),
    ("LedgerJournalACType", 1, "Cust", "Customer"),
]

Progress = Callable[[str], None]


def simulate(cfg: SimConfig, out: Path | str, progress: Progress | None = None) -> dict:
    """Write a landing zone and its ground truth under ``out``; returns the manifest."""
    out = Path(out)
    step = progress or (lambda _msg: None)
    rng = np.random.default_rng([cfg.seed, 1])
    step("simulating the business")
    world = generate(cfg)
    coll_rng = np.random.default_rng([cfg.seed, 3])
    coll_plan = collectors.plan(world, coll_rng)
    step("building the raw tables")
    d, hr, keys = build_tables(world, rng)
    table_shapes(world, d, hr, keys)
    coll_counts = collectors.attribute(world, coll_plan, d, hr, keys, coll_rng)
    if cfg.include_enum_table:
        enums = pd.DataFrame(ENUMS, columns=["enumname", "enumitemvalue", "enumitemname", "enumitemlabel"])
        enums["languageid"] = "en-us"
        enums["recid"] = np.arange(1, len(enums) + 1)  # not in the contract; only used for lake stamping
        Lake(rng).stamp(enums, np.full(len(enums), world.start_day * DAY - 600 * DAY))
        d["srsanalysisenums"] = enums
    tzs = [c.timezone for c in world.companies]
    for obj, df in hr.items():
        df["extracted_at"] = extracted_at(df["_change_ts"].to_numpy(np.int64), df["_company"].to_numpy(np.int64), tzs, rng)
        if obj in VERSIONED_HR and len(df):
            # an extract is a snapshot: two changes before the same extract give one row
            key = HR_RECORD_KEY[obj]
            df = df.sort_values(key + ["_change_ts"], kind="stable")
            hr[obj] = df[~df.duplicated(key + ["extracted_at"], keep="last") & ~_same_extract(df, key)]
    log = FaultLog()
    rates = cfg.fault_rates
    inject_row_faults(d, hr, rates, rng, keys, log)

    for sub in ("d365", "highradius", "ground_truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    writer = Writer(out)
    files: list[Path] = []
    counts: dict[str, int] = {}
    try:
        # each table is handed over (popped) so that its memory is freed once it is written
        for table in writer.contract["d365"]:
            if table not in d:
                continue
            step(f"writing d365/{table}")
            counts[f"d365.{table}"] = len(d[table])
            files += writer.write_d365(table, d.pop(table))
        for obj in writer.contract["highradius"]:
            step(f"writing highradius/{obj}")
            counts[f"highradius.{obj}"] = len(hr[obj])
            files += writer.write_highradius(obj, hr.pop(obj), tzs, HR_RECORD_KEY[obj])
        del d, hr
        gc.collect()
        step("writing the ground truth")  # while the last raw files are being written
        truth = out / "ground_truth"
        truth.mkdir(parents=True, exist_ok=True)
        cases = Cases(keys)
        coll_summary, coll_inv = collectors.write_truth(world, coll_plan, truth, writer, coll_counts, cases)
        shapes = _write_truth(world, keys, truth, writer, cases, coll_inv)
        del cases, coll_inv
        writer.wait()
        inject_text_faults(out, files, rates, cfg.seed, log)
        inject_malformed_lines(out, files, rates.malformed_csv_line, rng, log)
        manifest = _write_faults(world, log.frame(), truth, writer.con, counts, shapes)
        manifest["collectors"] = coll_summary
        step("counting the shapes")
        _write_shapes(world, out, manifest, writer.census)
    finally:
        writer.close()
    return manifest


def _write_shapes(w: World, out: Path, manifest: dict, census: Census) -> None:
    """Adds to the manifest the records per enumerated value of the contract (current state, as
    written: the writer's census) and the rows of each shape the simulation steps recorded in
    ``world.shapes``."""
    counts = census.frame()
    manifest["enumerated_values"] = {k: int(v) for k, v in zip(counts["key"], counts["rows"])}
    shapes = dict(w.shapes)
    # the counts the other steps report (outcomes, promises and disputes, credit limits,
    # collectors) are shapes too: listed under their step's name
    for step_name in ("outcome_shapes", "promises_and_disputes", "credit_limits", "collectors"):
        for name, rows in _flat_counts(manifest.get(step_name, {})).items():
            shapes[f"{step_name}.{name}"] = rows
    manifest["shapes"] = {k: int(v) for k, v in sorted(shapes.items())}
    (out / "ground_truth" / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def _flat_counts(counts: dict, prefix: str = "") -> dict[str, int]:
    """Integer counts of a (possibly nested) dict, keyed by their dotted path."""
    out: dict[str, int] = {}
    for key, value in counts.items():
        if isinstance(value, dict):
            out.update(_flat_counts(value, f"{prefix}{key}."))
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            out[f"{prefix}{key}"] = int(value)
    return out


def _same_extract(df: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Rows whose next version (same record) lands in the same nightly extract."""
    nxt = df.groupby(key, sort=False)["extracted_at"].shift(-1)
    return (nxt.notna() & (nxt.fillna(-1).to_numpy(np.int64) // DAY == df["extracted_at"].to_numpy(np.int64) // DAY)).to_numpy()


def _truth_invoices(w: World, cases: Cases, collector: pa.Table) -> pa.Table:
    """The columns ``invoices.parquet`` is written from, one row per invoice in invoice order."""
    inv = w.inv
    systems = [c.collections_system for c in w.companies]
    return pa.table({
        "invoice_index": np.arange(len(cases.case_id)), "company_code": cases.company,
        "invoice_id": cases.invoice_id, "case_id": cases.case_id,
        "customer_account": dictionary(w.cust["account"], inv["cust"]),
        "customer_segment": dictionary(["Enterprise", "Mid-market", "Small business", "Public sector"], inv["segment"]),
        "payment_behaviour": dictionary(["on_time", "late", "chronic_late", "disputing", "defaulting"], inv["behaviour"]),
        "collections_system": dictionary(systems, inv["company"]), "currency": pa.array(inv["currency"], pa.string()),
        "invoice_amount_cents": inv["amount"], "invoice_day": inv["post_day"], "due_day": inv["due_day"],
        # settled, written_off, credited or open (simulate.outcomes)
        "status": pa.array(inv["outcome"], pa.string()),
        "settled_ts": np.where(inv["settled_ts"] < NEVER, inv["settled_ts"], -1),
        "written_off_ts": np.where(inv["outcome_wo_ts"] < NEVER, inv["outcome_wo_ts"], -1),
        "written_off_cents": inv["wo_amount"], "has_cash_receipt": inv["has_cash_receipt"],
        "credit_limit_at_invoicing": inv["credit_limit_at_invoicing"],
        "collector": collector["collector"], "collector_changed_mid_case": collector["collector_changed_mid_case"]})


def _truth_events(w: World, cases: Cases) -> pa.Table:
    """The true events in case order: case id, company, invoice, sequence, activity code, time.

    ``w.events`` is in (invoice, time, catalogue order), and the catalogue order grows with the
    activity index, so the sequence is the event's position within its invoice."""
    ev = w.events
    o = cases.event_order(ev["invoice_index"].to_numpy(np.int64))
    inv_o = ev["invoice_index"].to_numpy(np.int64)[o]
    return pa.table({
        "case_id": cases.column(cases.case_id, inv_o), "company_code": cases.column(cases.company, inv_o),
        "invoice_id": cases.column(cases.invoice_id, inv_o), "sequence": run_position(inv_o),
        "activity_code": dictionary(CODES, ev["activity_index"].to_numpy(np.int64)[o]),
        "ts": ev["ts"].to_numpy(np.int64)[o]})


def _write_truth(w: World, keys: dict, dest: Path, writer: Writer, cases: Cases, collector: pa.Table) -> dict:
    """Writes invoices, events, violations and promises of the ground truth (``collector``: the
    collector columns of each invoice, from ``collectors.write_truth``); the events are handed to
    the writer. Returns the promise and dispute shape counts."""
    inv_sql = """
        select company_code, invoice_id, case_id, customer_account,
               customer_segment, payment_behaviour, collections_system, currency,
               cast(invoice_amount_cents as decimal(18, 0)) / 100 as invoice_amount,
               cast(date '1970-01-01' + cast(invoice_day as integer) as timestamp) as invoice_date,
               cast(date '1970-01-01' + cast(due_day as integer) as timestamp) as due_date, status,
               case when settled_ts >= 0 then make_timestamp(settled_ts * 1000000) end as settled_at,
               case when written_off_ts >= 0 then make_timestamp(written_off_ts * 1000000) end as written_off_at,
               cast(written_off_cents as decimal(18, 0)) / 100 as written_off_amount, has_cash_receipt,
               cast(cast(credit_limit_at_invoicing as decimal(18, 2)) as double) as credit_limit_at_invoicing,
               collector, collector_changed_mid_case
        from inv order by company_code, invoice_id"""
    ev_sql = """
        select case_id, company_code, invoice_id, sequence, activity_code,
               make_timestamp(ts * 1000000) as event_timestamp
        from ev"""
    dev_sql = """
        select d.rule_id, i.company_code, i.invoice_id, i.case_id, d.detail
        from dev d join inv i on i.invoice_index = d.invoice_index order by rule_id, company_code, invoice_id, detail"""
    parquet = "FORMAT parquet, COMPRESSION zstd"
    writer.copy_later(ev_sql, {"ev": _truth_events(w, cases)}, dest / "events.parquet", parquet)
    con = writer.con
    try:
        con.register("inv", _truth_invoices(w, cases, collector))
        con.register("dev", w.deviations)
        for name, sql in (("invoices", inv_sql), ("violations", dev_sql)):
            con.execute(f"COPY ({sql}) TO '{(dest / (name + '.parquet')).as_posix()}' ({parquet})")
    finally:
        for v in ("inv", "dev"):
            con.unregister(v)
    return _write_promises(w, keys, dest, con)


def _write_faults(w: World, faults: pd.DataFrame, dest: Path, con: duckdb.DuckDBPyConnection,
                  counts: dict[str, int], shapes: dict) -> dict:
    """Writes ``faults.parquet``; returns the manifest (parameters, window, counts, shapes)."""
    con.register("faults", faults)
    try:
        con.execute(f"COPY (select * from faults) TO '{(dest / 'faults.parquet').as_posix()}' (FORMAT parquet)")
    finally:
        con.unregister("faults")
    dev = w.deviations
    cfg = asdict(w.cfg)
    cfg["start"] = w.cfg.start.isoformat()
    return {
        "generator": "c2c simulate",
        "parameters": cfg,
        "window": {"start_date": str(np.datetime64(w.start_day, "D")), "end_date_exclusive": str(np.datetime64(w.end_day, "D"))},
        "as_of_date": str(np.datetime64(w.as_of_day, "D")),
        "counts": {"invoices": int(len(w.inv["company"])), "events": int(len(w.events)), "violations": int(len(dev)),
                   "faults": int(len(faults)), "rows": counts},
        "violations_by_rule": {k: int(v) for k, v in dev["rule_id"].value_counts().sort_index().items()},
        "outcome_shapes": shape_counts(w),
        "faults_by_kind": {k: int(v) for k, v in faults["fault_kind"].value_counts().sort_index().items()},
        "credit_limits": credit_summary(w),
        "promises_and_disputes": shapes,
    }


def _write_promises(w: World, keys: dict, dest: Path, con: duckdb.DuckDBPyConnection) -> dict:
    """``promises.parquet``: one row per promise with its fate; returns the counts of each shape."""
    pr, d = w.promises, w.disputes
    closed = pr["close_ts"] < NEVER
    df = pd.DataFrame({
        "case_id": pd.Series(keys["case_company"][pr["inv"]]).str.lower().to_numpy(dtype=object) + ":" + keys["inv_id"][pr["inv"]],
        "promise_source_id": keys["promise_source_id"], "made_ts": pr["made_ts"],
        "ended_ts": np.where(closed, pr["close_ts"], -1),
        "fate": pd.Series(pr["status"]).str.lower().to_numpy(dtype=object),
        "paid_amount_cents": pr["paid_amount"]})
    con.register("promises_truth", df)
    try:
        con.execute(f"""COPY (
            select case_id, promise_source_id, make_timestamp(made_ts * 1000000) as made_at,
                   case when ended_ts >= 0 then make_timestamp(ended_ts * 1000000) end as ended_at, fate,
                   cast(paid_amount_cents as decimal(18, 0)) / 100 as paid_amount
            from promises_truth order by case_id, made_at, promise_source_id
        ) TO '{(dest / 'promises.parquet').as_posix()}' (FORMAT parquet, COMPRESSION zstd)""")
    finally:
        con.unregister("promises_truth")
    per_inv = np.bincount(pr["inv"], minlength=len(w.inv["company"]))
    systems = np.array([c.collections_system for c in w.companies], dtype=object)[w.inv["company"][pr["inv"]]]
    systems_d = np.array([c.collections_system for c in w.companies], dtype=object)[w.inv["company"][d["inv"]]]
    hr_d = systems_d == "HIGHRADIUS"
    fates = pd.Series(pr["status"]).str.lower() + " (" + pd.Series(systems).str.lower() + ")"
    return {
        "promise_fates": {k: int(v) for k, v in fates.value_counts().sort_index().items()},
        "invoices_with_several_promises": int((per_inv > 1).sum()),
        # HighRadius disputes (D365 has no dispute types, statuses beyond 1 and 3, or resolution types)
        "dispute_final_statuses": {k: int(v) for k, v in pd.Series(np.where(
            d["resolved_ts"] < NEVER, d["final_status"], "OPEN")[hr_d]).value_counts().sort_index().items()},
        "dispute_resolution_types": {k: int(v) for k, v in pd.Series(
            d["resolution"][(d["resolved_ts"] < NEVER) & hr_d]).value_counts().sort_index().items()},
        "dispute_types": {k: int(v) for k, v in pd.Series(d["type"][hr_d]).value_counts().sort_index().items()},
        "d365_disputes_ended_by_a_promise": int(d["ended_by_promise"].sum()),
        "d365_disputes_never_resolved": int(((d["resolved_ts"] >= NEVER) & (systems_d == "D365")).sum()),
    }
