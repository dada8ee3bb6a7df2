"""A database built incrementally, one landing day at a time, equals a full refresh table by table
(every table of the staging, intermediate and core layers: the base tables, the event emitters,
event_log and cases), with the changes a landing day brings: new records and CDC updates, late
rows, records deleted in D365 and delivered again, a customer deleted and restored (its rows turn
orphan and back), and a HighRadius extract delivered again."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb

from c2c.db import connect_built
from c2c.bench.landing import (add_d365_versions, current_rows_query, land_until, last_lake_time, posted_invoices_query,
                               redeliver_extract)
from c2c.simulate import SimConfig, simulate

from .conftest import run_dbt

# event_log, cases and everything upstream, seeds included, into an empty database (the data
# tests run on the session builds and in `make dbt-test`)
SELECT = ("--select", "+event_log", "+cases")
FIRST_BUILD = ("build", *SELECT, "--exclude-resource-type", "test", "unit_test")
DELETED = 5  # invoices deleted in D365 at the second landing, delivered again at the third
LAYERS = ("staging", "intermediate", "core")


def _invoice_rows(landed: Path) -> tuple[str, list[str]]:
    """A query over the current live rows of custinvoicejour of the DELETED posted invoices with
    the lowest ids, and those invoices' case ids."""
    query = posted_invoices_query(landed, DELETED)
    with duckdb.connect() as con:
        invoices = [r[0] for r in con.execute(f"select lower(dataareaid) || ':' || invoiceid from ({query})").fetchall()]
    return query, invoices


def _customer_rows(landed: Path, invoice_query: str) -> str:
    """A query over the current custtable row of the customer of the first invoice (by invoice
    id, company, recid) that is not among the deleted ones: the customer deleted and restored.
    The query is run again at every landing, so its order has no ties: with `limit 1` over tied
    rows DuckDB may pick a different customer each time, and the one deleted would then not be
    the one delivered again."""
    current = current_rows_query(landed, "custtable")
    invoices = current_rows_query(landed, "custinvoicejour")
    return (f"select * from ({current}) where (upper(dataareaid), accountnum) in ("
            f"select upper(dataareaid), invoiceaccount from ({invoices}) where invoiceamount > 0 "
            f"and coalesce(isdelete, 0) <> 1 and recid not in (select recid from ({invoice_query})) "
            "order by invoiceid, dataareaid, recid limit 1)")


def _took_incremental_path(db: Path) -> list[str]:
    """The base tables and event_log whose last run was not incremental (the SQL dbt ran holds
    no replace_records / delete+insert statement)."""
    run = db.parent / f"dbt_{db.stem}" / "target" / "run" / "credit_to_cash" / "models"
    base = sorted(run.glob("staging/*/base/base_*.sql"))
    assert len(base) >= 25, f"{run}: {len(base)} base models ran"
    # the replace_records strategy's statements; a full build's SQL is a create table as
    missed = [p.stem for p in base if "rejected_lines" not in p.stem and "srsanalysisenums" not in p.stem
              and not ("delete from" in (text := p.read_text()) and "not like 'deleted|%'" in text)]
    event_log = run / "core" / "process_mining" / "event_log.sql"
    if "delete from" not in event_log.read_text():
        missed.append("event_log")
    return missed


def _cases(db: Path) -> set[str]:
    with connect_built(db) as con:
        return {r[0] for r in con.execute("select distinct case_id from event_log").fetchall()}


def _table_differences(full: Path, incremental: Path) -> dict[str, tuple[int, int, int]]:
    """table -> (rows in the full build, rows only there, rows only in the incremental one),
    for every table of LAYERS whose rows differ (as multisets) or that one build lacks."""
    differences = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{full.as_posix()}' as full_build (read_only)")
        con.execute(f"attach '{incremental.as_posix()}' as incremental_build (read_only)")
        layers = ", ".join(f"'{layer}'" for layer in LAYERS)

        def tables(catalog: str) -> set[str]:
            return {f"{s}.{t}" for s, t in con.execute(
                f"select table_schema, table_name from information_schema.tables where table_catalog = '{catalog}' "
                f"and table_type = 'BASE TABLE' and table_schema in ({layers})").fetchall()}

        in_full, in_incremental = tables("full_build"), tables("incremental_build")
        assert len(in_full) > 40, f"the full build has only {len(in_full)} tables"
        for name in sorted(in_full ^ in_incremental):
            differences[name] = (-1, -1, -1)
        for name in sorted(in_full & in_incremental):
            a, b = f"full_build.{name}", f"incremental_build.{name}"
            rows = con.execute(f"select count(*) from {a}").fetchall()[0][0]
            only_full = con.execute(f"select count(*) from (select * from {a} except all select * from {b})").fetchall()[0][0]
            only_inc = con.execute(f"select count(*) from (select * from {b} except all select * from {a})").fetchall()[0][0]
            if only_full or only_inc:
                differences[name] = (rows, only_full, only_inc)
    return differences


def test_daily_increments_equal_a_full_refresh(tmp_path):
    zone = tmp_path / "zone"
    simulate(SimConfig(invoices=1200, seed=31, months=4, faults="default"), zone)
    last = last_lake_time(zone)
    cuts = [last - timedelta(days=d) for d in (3, 2, 1)] + [None]
    db = tmp_path / "incremental" / "c2c.duckdb"
    sizes: list[int] = []
    deleted: list[str] = []
    invoices = customer = late = ""
    for i, cut in enumerate(cuts):
        landed = tmp_path / f"landed_{i}"
        land_until(zone, landed, cut)
        # second landing: 5 invoices and a customer deleted, and a CDC update of 3 customer
        # transactions that reaches the lake late (dated before the first run's latest row);
        # third: the invoices and the customer delivered again, a HighRadius extract again
        if i >= 1:
            add_d365_versions(landed, "custinvoicejour", invoices, "deleted", 1000, 1, cuts[1] - timedelta(minutes=1))
            add_d365_versions(landed, "custtable", customer, "deleted", 1000, 1, cuts[1] - timedelta(minutes=1))
            add_d365_versions(landed, "custtrans", late, "late", 500, None, cuts[0] - timedelta(hours=2),
                              change="duedate + interval 1 day as duedate")
        if i >= 2:
            add_d365_versions(landed, "custinvoicejour", invoices, "delivered_again", 2000, None, cuts[2] - timedelta(minutes=1))
            add_d365_versions(landed, "custtable", customer, "delivered_again", 2000, None, cuts[2] - timedelta(minutes=1))
            redeliver_extract(landed, "hr_payment", cuts[2] - timedelta(minutes=1))
        if i == 0:
            run_dbt(landed, db, *FIRST_BUILD)
        else:
            run_dbt(landed, db, "run", *SELECT)
            missed = _took_incremental_path(db)
            assert not missed, f"increment {i}: no incremental run of {missed}"
        cases = _cases(db)
        if i == 0:  # what to change, as it stands now
            invoices, deleted = _invoice_rows(landed)
            customer = _customer_rows(landed, invoices)
            late = (f"select * from ({current_rows_query(landed, 'custtrans')}) where coalesce(isdelete, 0) <> 1 "
                        "order by recid, dataareaid limit 3")
            assert len(deleted) == DELETED and set(deleted) <= cases
        if i == 1:
            assert not cases & set(deleted), f"deleted invoices still in the event log: {sorted(cases & set(deleted))}"
            with connect_built(db) as con:
                orphans = con.execute("select count(*) from base_d365__custinvoicejour "
                                      "where quarantine_reason = 'ORPHAN_REFERENCE'").fetchall()[0][0]
            assert orphans > 0, "the deleted customer's invoices did not turn orphan"
        if i >= 2:
            assert set(deleted) <= cases, f"invoices delivered again are missing: {sorted(set(deleted) - cases)}"
        with connect_built(db) as con:
            sizes.append(con.execute("select count(*) from event_log").fetchall()[0][0])
    assert sizes[0] < sizes[-1], f"the increments added no event: {sizes}"
    full = tmp_path / "full" / "c2c.duckdb"
    run_dbt(tmp_path / f"landed_{len(cuts) - 1}", full, *FIRST_BUILD)
    differences = _table_differences(full, db)
    assert not differences, f"tables differ (rows, only in the full build, only incremental): {differences}"
