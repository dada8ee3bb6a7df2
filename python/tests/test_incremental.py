"""An event log built incrementally, one landing day at a time, equals a full refresh row for row,
also when invoices are deleted in D365 and delivered again later."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb

from c2c.db import connect_built
from c2c.bench.landing import land_until, last_lake_time
from c2c.simulate import SimConfig, simulate

from .conftest import run_dbt

# event_log and everything upstream, seeds included, into an empty database (the data tests
# run on the session builds and in `make dbt-test`)
FIRST_BUILD = ("build", "--select", "+event_log", "--exclude-resource-type", "test", "unit_test")
DELETED = 5  # invoices deleted in D365 at the third landing, delivered again at the fourth


def _rows(db: Path) -> list[tuple]:
    with connect_built(db) as con:
        return con.execute("select * from event_log order by event_id").fetchall()


def _cases(db: Path) -> set[str]:
    with connect_built(db) as con:
        return {r[0] for r in con.execute("select distinct case_id from event_log").fetchall()}


def _ran_incrementally(db: Path) -> bool:
    """The SQL dbt last ran for event_log is the incremental one: only the cases whose events
    changed are replaced, and cases no longer in the landing zone are deleted."""
    target = db.parent / f"dbt_{db.stem}" / "target"
    model = Path("credit_to_cash", "models", "core", "process_mining", "event_log.sql")
    compiled, ran = (target / "compiled" / model).read_text(), (target / "run" / model).read_text()
    return "changed_cases" in compiled and "__dbt_tmp" in ran and "delete from" in ran


def _invoice_rows(landed: Path, invoices: list[str] | None = None) -> tuple[str, list[str]]:
    """A query over the current (highest versionnumber) live rows of custinvoicejour of the
    given invoices (default: the DELETED posted invoices with the lowest ids), and those ids."""
    files = f"{(landed / 'd365' / 'custinvoicejour').as_posix()}/*.parquet"
    current = (f"select * from read_parquet('{files}', union_by_name = true) "
               "qualify row_number() over (partition by upper(dataareaid), recid order by versionnumber desc) = 1")
    if invoices is None:
        with duckdb.connect() as con:
            invoices = [r[0] for r in con.execute(
                f"select lower(dataareaid) || ':' || invoiceid from ({current}) "
                "where invoiceamount > 0 and coalesce(isdelete, 0) <> 1 and invoiceid is not null "
                f"order by invoiceid limit {DELETED}").fetchall()]
    listed = ", ".join(f"'{c}'" for c in invoices)
    return f"select * from ({current}) where lower(dataareaid) || ':' || invoiceid in ({listed})", invoices


def _add_versions(landed: Path, query: str, name: str, bump: int, isdelete: int | None, at) -> None:
    """Appends to custinvoicejour a new change row of each row of query: versionnumber + bump,
    isdelete as given (1: the record was deleted in D365), written to the lake at `at`."""
    out = landed / "d365" / "custinvoicejour" / f"{name}.parquet"
    flag = "null" if isdelete is None else str(isdelete)
    with duckdb.connect() as con:
        con.execute(f"copy (select * replace (versionnumber + {bump} as versionnumber, "
                    f"cast({flag} as integer) as isdelete, timestamp '{at:%Y-%m-%d %H:%M:%S}' as sinkmodifiedon) "
                    f"from ({query})) to '{out.as_posix()}' (format parquet)")


def test_daily_increments_equal_a_full_refresh(tmp_path):
    zone = tmp_path / "zone"
    simulate(SimConfig(invoices=1200, seed=31, months=4, faults="default"), zone)
    last = last_lake_time(zone)
    cuts = [last - timedelta(days=d) for d in (4, 3, 2, 1)] + [None]
    db = tmp_path / "incremental" / "c2c.duckdb"
    sizes: list[int] = []
    deleted: list[str] = []
    current = ""
    for i, cut in enumerate(cuts):
        landed = tmp_path / f"landed_{i}"
        land_until(zone, landed, cut)
        # the deletion lands at the third cut and stays; the same rows come back at the fourth
        if i >= 2:
            _add_versions(landed, current, "deleted", 1000, 1, cuts[2] - timedelta(minutes=1))
        if i >= 3:
            _add_versions(landed, current, "delivered_again", 2000, None, cuts[3] - timedelta(minutes=1))
        if i == 0:
            run_dbt(landed, db, *FIRST_BUILD)
        else:
            run_dbt(landed, db, "run", "--select", "+event_log")
            assert _ran_incrementally(db), f"increment {i} did not take the incremental path"
        cases = _cases(db)
        if i == 1:  # the invoices to delete: their current rows as they stand now
            current, deleted = _invoice_rows(landed)
            assert len(deleted) == DELETED and set(deleted) <= cases
        if i == 2:
            assert not cases & set(deleted), f"deleted invoices still in the event log: {sorted(cases & set(deleted))}"
        if i >= 3:
            assert set(deleted) <= cases, f"invoices delivered again are missing: {sorted(set(deleted) - cases)}"
        sizes.append(len(_rows(db)))
    assert sizes[0] < sizes[-1], f"the increments added no event: {sizes}"
    full = tmp_path / "full" / "c2c.duckdb"
    run_dbt(tmp_path / f"landed_{len(cuts) - 1}", full, *FIRST_BUILD)
    incremental_rows, full_rows = _rows(db), _rows(full)
    assert len(incremental_rows) == len(full_rows)
    assert incremental_rows == full_rows
