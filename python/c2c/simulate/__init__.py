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
- ``credit_decisions.parquet`` every credit-limit request with its own decision and its time;
- ``faults.parquet``     every injected landing-zone fault and how it should be handled;
- ``manifest.json``      parameters, as-of date and row counts; ``enumerated_values``: records per
  enumerated value of the contract (current state, as written); ``shapes``: rows of each shape the
  simulation steps recorded in ``World.shapes``; the counts of the credit-limit, outcome, promise
  and collector steps.

Blocks. A zone of more than ``SimConfig.block_invoices`` invoices (``c2c simulate
--block-invoices``, default 200,000) is simulated block by block, so that its peak memory is that
of one block whatever the number of invoices (``make bench-simulate-scale``; figures in
docs/benchmarks.md). Each block is a slice of the business: its own customers and their
collections team, their invoices and everything that happens to them over the whole window,
drawn from generators of its own (``block_seed``). Its raw rows go to files of their own, in the
same folders, their stem ending with the block (``custtrans_2024-03_b00001.parquet``); its
identifiers continue the series of the blocks before it (``ids.IdSeries``: recids, invoice,
voucher and document numbers, customer accounts, personnel numbers, user ids, HighRadius ids), so
that no key repeats. The tables of the zone rather than of the business (payment terms, the
enum table) and the faults a profile gives as a number of rows per zone (orphans, unknown
currencies, malformed lines, rows the gate stops on) come with the first block only; the faults
given as a share of the rows are drawn in every block. The ground truth of each block is written
apart and merged by DuckDB into the zone's files, rows in the same order as a zone of one block;
``manifest.json`` adds the blocks' counts up and records ``block_invoices`` and ``blocks`` among
its parameters. A zone of at most one block is written exactly as without blocks.
"""

from __future__ import annotations

import gc
import json
import shutil
from dataclasses import asdict, replace
from pathlib import Path
from typing import Callable

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from c2c.contract.census import Census

from . import collectors
from .cases import Cases, dictionary, run_position
from .config import FaultRates, SimConfig
from .credit import summary as credit_summary
from .faults import VERSIONED_HR, FaultLog, HR_RECORD_KEY, inject_malformed_lines, inject_row_faults, inject_text_faults
from .ids import IdSeries
from .model import CODES, DAY, NEVER, World, generate
from .coverage import table_shapes
from .outcomes import shape_counts
from .tables import Lake, build_tables
from .writer import Writer, extracted_at

__all__ = ["SimConfig", "simulate", "block_sizes", "ENUMS"]

# tables of the zone rather than of the business: written once, with the first block
ZONE_TABLES = ("paymterm", "srsanalysisenums")
# faults a profile gives as a number of rows per zone (the others are shares of the rows):
# injected with the first block only, so that a zone has them as often whatever its blocks
ZONE_FAULTS = ("orphan_reference", "unknown_currency", "malformed_csv_line", "missing_key", "unparseable_value")
# the ground truth of each block, until it is merged into the zone's
BLOCK_TRUTH = "_blocks"
# the ground-truth files and the order of their rows (the order a zone of one block has)
TRUTH_ORDER = {
    "invoices": "company_code, invoice_id",
    "events": "case_id, sequence",
    "event_collectors": "case_id, event_rank",
    "violations": "rule_id, company_code, invoice_id, detail",
    "promises": "case_id, made_at, promise_source_id",
    "credit_decisions": "case_id, requested_at, decided_at, decision",
    "faults": "fault_kind, source_system, source_table, source_record_id, file_path, line_number, column_name",
}

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
    """Write a landing zone and its ground truth under ``out``; returns the manifest.

    A zone of more than ``cfg.block_invoices`` invoices is simulated in blocks (see
    ``_simulate_blocks``): its peak memory is that of one block, whatever the number of
    invoices. A zone of at most ``cfg.block_invoices`` invoices is one block, written as the
    simulator has always written it."""
    if cfg.block_invoices <= 0:
        raise ValueError(f"block_invoices must be a positive number of invoices, got {cfg.block_invoices}")
    out = Path(out)
    step = progress or (lambda _msg: None)
    sizes = block_sizes(cfg.invoices, cfg.block_invoices)
    if len(sizes) > 1:
        return _simulate_blocks(cfg, out, sizes, step)
    writer = None
    try:
        block = _Block(cfg, cfg.fault_rates, IdSeries(), 0, step)
        for sub in ("d365", "highradius", "ground_truth"):
            if (out / sub).exists():
                shutil.rmtree(out / sub)
        writer = Writer(out)
        manifest = block.write(out, out / "ground_truth", writer)
        step("counting the shapes")
        _write_shapes(block.world, out, manifest, writer.census)
    finally:
        if writer is not None:
            writer.close()
    return manifest


def block_sizes(invoices: int, block_invoices: int) -> list[int]:
    """Invoices of each block: as few blocks as hold ``block_invoices`` each, of equal sizes
    (the first ones one invoice larger where the division leaves a remainder)."""
    if block_invoices <= 0:
        raise ValueError(f"block_invoices must be a positive number of invoices, got {block_invoices}")
    k = max(1, -(-invoices // block_invoices))
    return [invoices // k + (1 if b < invoices % k else 0) for b in range(k)]


class _Block:
    """One simulated world and its raw tables, faults injected, ready to be written.

    ``block``: its position in the zone (0: the first; the first block carries the zone's
    one-off tables, the enum table and the payment terms); ``ids``: the identifier series it
    numbers from; ``as_of_floor``: the as-of day of the blocks simulated before it."""

    def __init__(self, cfg: SimConfig, rates: FaultRates, ids: IdSeries, block: int, step: Progress,
                 as_of_floor: int = 0):
        self.cfg, self.rates = cfg, rates
        rng = np.random.default_rng([cfg.seed, 1])
        step("simulating the business")
        world = generate(cfg, ids, as_of_floor)
        coll_rng = np.random.default_rng([cfg.seed, 3])
        coll_plan = collectors.plan(world, coll_rng)
        step("building the raw tables")
        d, hr, keys = build_tables(world, rng)
        table_shapes(world, d, hr, keys)
        coll_counts = collectors.attribute(world, coll_plan, d, hr, keys, coll_rng)
        if block > 0:
            for table in ZONE_TABLES:  # written once, with the first block
                d.pop(table, None)
        elif cfg.include_enum_table:
            enums = pd.DataFrame(ENUMS, columns=["enumname", "enumitemvalue", "enumitemname", "enumitemlabel"])
            enums["languageid"] = "en-us"
            enums["recid"] = np.arange(1, len(enums) + 1)  # not in the contract; only used for lake stamping
            Lake(rng).stamp(enums, np.full(len(enums), world.start_day * DAY - 600 * DAY))
            d["srsanalysisenums"] = enums
        tzs = [c.timezone for c in world.companies]
        for obj, df in hr.items():
            df["extracted_at"] = extracted_at(df["_change_ts"].to_numpy(np.int64), df["_company"].to_numpy(np.int64),
                                              tzs, rng)
            if obj in VERSIONED_HR and len(df):
                # an extract is a snapshot: two changes before the same extract give one row
                key = HR_RECORD_KEY[obj]
                df = df.sort_values(key + ["_change_ts"], kind="stable")
                hr[obj] = df[~df.duplicated(key + ["extracted_at"], keep="last") & ~_same_extract(df, key)]
        log = FaultLog()
        inject_row_faults(d, hr, rates, rng, keys, log, world.ids)
        self.world, self.coll_plan, self.coll_counts, self.keys = world, coll_plan, coll_counts, keys
        self.log, self.rng, self.d, self.hr, self.tzs, self.step = log, rng, d, hr, tzs, step

    def write(self, out: Path, truth: Path, writer: Writer) -> dict:
        """Writes the raw tables under ``out`` (with the writer's file suffix) and the ground
        truth of the block in ``truth``, injects the faults that live in the files; returns the
        block's manifest (without the census and the shapes)."""
        step, world, d, hr = self.step, self.world, self.d, self.hr
        self.d = self.hr = None
        files: list[Path] = []
        counts: dict[str, int] = {}
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
            files += writer.write_highradius(obj, hr.pop(obj), self.tzs, HR_RECORD_KEY[obj])
        del d, hr
        gc.collect()
        step("writing the ground truth")  # while the last raw files are being written
        truth.mkdir(parents=True, exist_ok=True)
        cases = Cases(self.keys)
        coll_summary, coll_inv = collectors.write_truth(world, self.coll_plan, truth, writer, self.coll_counts, cases)
        shapes = _write_truth(world, self.keys, truth, writer, cases, coll_inv)
        del cases, coll_inv
        writer.wait()
        inject_text_faults(out, files, self.rates, self.cfg.seed, self.log)
        inject_malformed_lines(out, files, self.rates.malformed_csv_line, self.rng, self.log)
        manifest = _write_faults(world, self.log.frame(), truth, writer.con, counts, shapes)
        manifest["collectors"] = coll_summary
        return manifest


def _simulate_blocks(cfg: SimConfig, out: Path, sizes: list[int], step: Progress) -> dict:
    """A zone of several blocks: each block is a world of its own (its customers, their
    invoices and collectors over the whole window), simulated, written and freed before the
    next. Its files end with ``_bNNNNN``; its identifiers continue the series of the blocks
    before it (``IdSeries``); it draws from generators of its own (``block_seed``). The first
    block carries the zone's one-off tables (``ZONE_TABLES``) and faults (``ZONE_FAULTS``). The
    ground truth of each block is written apart, then merged by DuckDB into the zone's."""
    for sub in ("d365", "highradius", "ground_truth"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    parts = out / "ground_truth" / BLOCK_TRUTH
    zone_rates = cfg.fault_rates
    ids = IdSeries()
    writer = Writer(out)
    manifests: list[dict] = []
    shapes: dict[str, int] = {}
    as_of: list[int] = []
    try:
        for b, n in enumerate(sizes):
            step(f"block {b + 1} of {len(sizes)}: {n:,} invoices")
            rates = zone_rates if b == 0 else replace(zone_rates, **{f: 0 for f in ZONE_FAULTS})
            block = _Block(replace(cfg, invoices=n, seed=block_seed(cfg.seed, b)), rates, ids, b, step,
                           max(as_of, default=0))
            writer.suffix = f"_b{b:05d}"
            manifests.append(block.write(out, parts / f"b{b:05d}", writer))
            for name, rows in _shape_counts(block.world, manifests[-1]).items():
                shapes[name] = shapes.get(name, 0) + rows
            as_of.append(block.world.as_of_day)
            del block
            gc.collect()
            ids.next_block()
        if min(as_of) < max(as_of):  # the due-date events of an earlier block would stop short
            raise RuntimeError(f"block {as_of.index(min(as_of)) + 1} ends its events on day {min(as_of)}, before the "
                               f"zone's as-of day {max(as_of)}: simulate with larger blocks")
        step("merging the ground truth")
        _merge_truth(parts, out / "ground_truth", writer.con)
        shutil.rmtree(parts)
        manifest = _sum_manifests(manifests)
        manifest["parameters"] = {**_parameters(cfg), "block_invoices": cfg.block_invoices, "blocks": len(sizes)}
        counts = writer.census.frame()
        manifest["enumerated_values"] = {k: int(v) for k, v in zip(counts["key"], counts["rows"])}
        manifest["shapes"] = {k: int(v) for k, v in sorted(shapes.items())}
        (out / "ground_truth" / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    finally:
        writer.close()
    return manifest


def block_seed(seed: int, block: int) -> int:
    """The seed block ``block`` of a zone simulates with: the zone's seed for the first block,
    then one drawn from (seed, block)."""
    if block == 0:
        return seed
    return int(np.random.SeedSequence([seed, block]).generate_state(1, np.uint32)[0])


def _merge_truth(parts: Path, dest: Path, con: duckdb.DuckDBPyConnection) -> None:
    """Each ground-truth file of the zone from the blocks' files, rows in the order a zone of
    one block has them; DuckDB sorts in bounded memory (spilling to disk)."""
    con.execute(f"SET temp_directory = '{(parts / '_spill').as_posix()}'")
    con.execute("SET memory_limit = '1GB'")
    for name, order in TRUTH_ORDER.items():
        files = sorted(parts.glob(f"b*/{name}.parquet"))
        options = "FORMAT parquet" if name == "faults" else "FORMAT parquet, COMPRESSION zstd"
        listed = ", ".join(f"'{f.as_posix()}'" for f in files)
        con.execute(f"COPY (select * from read_parquet([{listed}]) order by {order}) "
                    f"TO '{(dest / (name + '.parquet')).as_posix()}' ({options})")


def _sum_manifests(manifests: list[dict]) -> dict:
    """The blocks' manifests as one: counts added up, the as-of date the latest."""
    out = manifests[0]
    for m in manifests[1:]:
        out = _add_counts(out, m)
    out["as_of_date"] = max(m["as_of_date"] for m in manifests)
    return out


def _add_counts(a: dict, b: dict) -> dict:
    """Two manifests (or parts of them) with their integer counts added up; other values from ``a``."""
    out = dict(a)
    for key, value in b.items():
        if key not in out:
            out[key] = value
        elif isinstance(value, dict):
            out[key] = _add_counts(out[key], value)
        elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            out[key] = int(out[key]) + int(value)
    return out


def _parameters(cfg: SimConfig) -> dict:
    """The simulation parameters of the manifest (the block size where the zone has several blocks)."""
    params = asdict(cfg)
    params["start"] = cfg.start.isoformat()
    del params["block_invoices"]
    return params


def _write_shapes(w: World, out: Path, manifest: dict, census: Census) -> None:
    """Adds to the manifest the records per enumerated value of the contract (current state, as
    written: the writer's census) and the rows of each shape the simulation steps recorded in
    ``world.shapes``."""
    counts = census.frame()
    manifest["enumerated_values"] = {k: int(v) for k, v in zip(counts["key"], counts["rows"])}
    manifest["shapes"] = _shape_counts(w, manifest)
    (out / "ground_truth" / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def _shape_counts(w: World, manifest: dict) -> dict[str, int]:
    """Rows of each shape: those the simulation steps recorded in ``world.shapes`` and the counts
    the other steps report (outcomes, promises and disputes, credit limits, collectors), listed
    under their step's name."""
    shapes = dict(w.shapes)
    for step_name in ("outcome_shapes", "promises_and_disputes", "credit_limits", "collectors"):
        for name, rows in _flat_counts(manifest.get(step_name, {})).items():
            shapes[f"{step_name}.{name}"] = rows
    return {k: int(v) for k, v in sorted(shapes.items())}


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
    _write_credit_decisions(w, keys, dest, con)
    return _write_promises(w, keys, dest, con)


def _write_credit_decisions(w: World, keys: dict, dest: Path, con: duckdb.DuckDBPyConnection) -> None:
    """``credit_decisions.parquet``: one row per credit-limit request with its own decision
    (approved, rejected or pending) and when it was taken, on the invoice it is attached to."""
    cr = w.credit_reviews
    decided = cr["decided_ts"] < NEVER
    df = pd.DataFrame({
        "case_id": pd.Series(keys["case_company"][cr["inv"]]).str.lower().to_numpy(dtype=object) + ":"
        + keys["inv_id"][cr["inv"]],
        "source_system": np.where(cr["is_hr"], "highradius", "d365"), "requested_ts": cr["requested_ts"],
        "decision": np.where(~decided, "pending", np.where(cr["outcome"] == "REJECTED", "rejected", "approved")),
        "decided_ts": np.where(decided, cr["decided_ts"], -1)})
    con.register("credit_truth", df)
    try:
        con.execute(f"""COPY (
            select case_id, source_system, make_timestamp(requested_ts * 1000000) as requested_at, decision,
                   case when decided_ts >= 0 then make_timestamp(decided_ts * 1000000) end as decided_at
            from credit_truth order by case_id, requested_at, decided_at, decision
        ) TO '{(dest / 'credit_decisions.parquet').as_posix()}' (FORMAT parquet, COMPRESSION zstd)""")
    finally:
        con.unregister("credit_truth")


def _write_faults(w: World, faults: pd.DataFrame, dest: Path, con: duckdb.DuckDBPyConnection,
                  counts: dict[str, int], shapes: dict) -> dict:
    """Writes ``faults.parquet``; returns the manifest (parameters, window, counts, shapes)."""
    con.register("faults", faults)
    try:
        con.execute(f"COPY (select * from faults) TO '{(dest / 'faults.parquet').as_posix()}' (FORMAT parquet)")
    finally:
        con.unregister("faults")
    dev = w.deviations
    return {
        "generator": "c2c simulate",
        "parameters": _parameters(w.cfg),
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
