"""The ground truth agrees with the landing zone, and the policy violations are exactly the injected ones."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import duckdb
import numpy as np
import pandas as pd
import pytest

from c2c.simulate.model import NEVER, allocation_linked

from .policy_oracle import evaluate


def _truth(root: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(root / "ground_truth" / f"{name}.parquet")


@pytest.mark.parametrize("zone_name", ["zone_default", "zone_clean"])
def test_every_truth_invoice_is_a_posted_invoice_in_custinvoicejour(zone_name, request):
    root = request.getfixturevalue(zone_name)
    inv = _truth(root, "invoices")
    con = duckdb.connect()
    con.register("truth", inv)
    missing = con.execute(f"""
        select count(*) from truth t
        where not exists (select 1 from read_parquet('{root.as_posix()}/d365/custinvoicejour/*.parquet') j
                          where upper(j.dataareaid) = t.company_code and j.invoiceid = t.invoice_id
                            and j.duedate = t.due_date and j.invoiceamount = t.invoice_amount)""").fetchone()[0]
    assert missing == 0
    assert len(inv) == json.loads((root / "ground_truth" / "manifest.json").read_text())["counts"]["invoices"]


@pytest.mark.parametrize("zone_name", ["zone_default", "zone_clean"])
def test_truth_event_times_are_visible_in_the_raw_records(zone_name, request):
    """Posting, letters, settlements and write-offs of the truth are found in the raw rows at the same second."""
    root = request.getfixturevalue(zone_name).as_posix()
    ev = _truth(Path(root), "events")
    con = duckdb.connect()
    con.register("ev", ev)
    d = lambda t: f"read_parquet('{root}/d365/{t}/*.parquet')"  # noqa: E731
    hr = lambda o: f"read_csv('{root}/highradius/{o}/*.csv', all_varchar=true, ignore_errors=true)"  # noqa: E731
    checks = {
        "INVOICE_POSTED": f"""select count(*) from ev e where activity_code = 'INVOICE_POSTED' and not exists (
            select 1 from {d('custinvoicejour')} j where upper(j.dataareaid) = e.company_code
              and j.invoiceid = e.invoice_id and j.createddatetime = e.event_timestamp)""",
        "D365 letters": f"""select count(*) from ev e where activity_code like 'DUNNING_LETTER_%' and company_code = 'FRRT'
            and not exists (select 1 from {d('custcollectionletterjour')} h join {d('custcollectionlettertrans')} l
              using (collectionletternum) where h.status = 2 and l.invoice = e.invoice_id
              and h.createddatetime = e.event_timestamp
              and 'DUNNING_LETTER_' || h.collectionlettercode || '_SENT' = e.activity_code)""",
        "HighRadius letters": f"""select count(*) from ev e where activity_code like 'DUNNING_LETTER_%' and company_code <> 'FRRT'
            and not exists (select 1 from {hr('hr_correspondence')} c join {hr('hr_correspondence_invoice')} ci
              using (correspondence_id) where ci.invoice_number = e.invoice_id and c.company_code = e.company_code
              and cast(cast(c.sent_at as timestamptz) at time zone 'UTC' as timestamp) = e.event_timestamp
              and 'DUNNING_LETTER_' || c.dunning_level || '_SENT' = e.activity_code)""",
        "write-offs": f"""select count(*) from ev e where activity_code = 'INVOICE_WRITTEN_OFF' and not exists (
            select 1 from {d('custtrans')} w join {d('custsettlement')} s on s.offsetrecid = w.recid
              join {d('custtrans')} i on i.recid = s.transrecid
            where w.transtype = 35 and i.invoice = e.invoice_id and w.createddatetime = e.event_timestamp)""",
        "D365 disputes and promises": f"""select count(*) from ev e where company_code = 'FRRT'
            and activity_code in ('DISPUTE_OPENED', 'DISPUTE_RESOLVED', 'PROMISE_TO_PAY_MADE', 'PROMISE_TO_PAY_KEPT',
                                  'PROMISE_TO_PAY_BROKEN', 'PROMISE_TO_PAY_CANCELLED')
            and not exists (select 1 from {d('custdisputehistory')} h join {d('custtrans')} i on i.recid = h.custtrans
              where i.invoice = e.invoice_id and h.createddatetime = e.event_timestamp and coalesce(h.isdelete, 0) = 0
              and (h.status = case e.activity_code when 'DISPUTE_OPENED' then 1 when 'PROMISE_TO_PAY_MADE' then 2
                  when 'DISPUTE_RESOLVED' then 3 when 'PROMISE_TO_PAY_BROKEN' then 4
                  when 'PROMISE_TO_PAY_CANCELLED' then 2 else 5 end
                -- a dispute replaced by a promise ends at the promise's status-2 row
                or (e.activity_code = 'DISPUTE_RESOLVED' and h.status = 2)))""",
        "HighRadius disputes": f"""select count(*) from ev e where company_code <> 'FRRT' and activity_code = 'DISPUTE_OPENED'
            and not exists (select 1 from {hr('hr_dispute')} x where x.invoice_number = e.invoice_id
              and x.company_code = e.company_code
              and cast(cast(x.opened_at as timestamptz) at time zone 'UTC' as timestamp) = e.event_timestamp)""",
        "HighRadius promises": f"""select count(*) from ev e where company_code <> 'FRRT' and activity_code = 'PROMISE_TO_PAY_MADE'
            and not exists (select 1 from {hr('hr_promise_to_pay')} x where x.invoice_number = e.invoice_id
              and x.company_code = e.company_code
              and cast(cast(x.created_at as timestamptz) at time zone 'UTC' as timestamp) = e.event_timestamp)""",
        # a D365 receipt is the invoice's once its journal line names the invoice or it settles the
        # invoice's ledger row (a receipt posted but not yet settled, naming no invoice, is nobody's)
        "D365 payments": f"""select count(*) from ev e where activity_code = 'PAYMENT_POSTED' and company_code = 'FRRT'
            and not exists (select 1 from {d('ledgerjournaltrans')} l join {d('ledgerjournaltable')} j
              on j.journalnum = l.journalnum and upper(j.dataareaid) = upper(l.dataareaid)
            where upper(l.dataareaid) = e.company_code and j.posted = 1 and j.posteddatetime = e.event_timestamp
              and (l.markedinvoice = e.invoice_id or exists (
                select 1 from {d('custtrans')} p join {d('custsettlement')} s on s.offsetrecid = p.recid
                  join {d('custtrans')} i on i.recid = s.transrecid
                where p.voucher = l.voucher and upper(p.dataareaid) = e.company_code and i.invoice = e.invoice_id)))""",
        "settlements": f"""select count(*) from ev e where activity_code = 'INVOICE_SETTLED' and not exists (
            select 1 from {d('custsettlement')} s join {d('custtrans')} i on i.recid = s.transrecid
            where i.invoice = e.invoice_id and upper(i.dataareaid) = e.company_code
              and s.createddatetime = e.event_timestamp)""",
    }
    con.execute("set timezone = 'UTC'")
    for what, sql in checks.items():
        assert con.execute(sql).fetchone()[0] == 0, f"{what}: truth events without a raw record"
    counts = Counter(ev["activity_code"])
    for code in ("INVOICE_CREATED", "INVOICE_POSTED", "DUE_DATE_PASSED", "DUNNING_LETTER_1_SENT", "DUNNING_LETTER_3_SENT",
                 "PAYMENT_RECEIVED", "PAYMENT_POSTED", "INVOICE_SETTLED", "INVOICE_WRITTEN_OFF", "DISPUTE_OPENED",
                 "DISPUTE_RESOLVED", "PROMISE_TO_PAY_MADE", "PROMISE_TO_PAY_KEPT", "PROMISE_TO_PAY_BROKEN",
                 "COLLECTION_CALL_MADE", "PAYMENT_REMINDER_SENT", "CREDIT_LIMIT_REQUESTED", "CREDIT_LIMIT_APPROVED",
                 "CREDIT_LIMIT_REJECTED", "PROMISE_TO_PAY_CANCELLED"):
        assert counts[code] > 0, f"no {code} in the simulated truth"


@pytest.mark.parametrize("zone_name", ["zone_default", "zone_clean"])
def test_policy_violations_are_exactly_the_injected_ones(zone_name, request):
    """An independent reading of R01-R09 on the true sequences finds the injected deviations, and nothing else."""
    root = request.getfixturevalue(zone_name)
    ev = _truth(root, "events")
    inv = _truth(root, "invoices")
    truth = _truth(root, "violations")
    as_of = json.loads((root / "ground_truth" / "manifest.json").read_text())["as_of_date"]
    found = evaluate(ev, inv, as_of)
    key = ["company_code", "invoice_id", "rule_id"]
    a = set(map(tuple, found[key].to_numpy()))
    b = set(map(tuple, truth[key].to_numpy()))
    assert a - b == set(), f"violations in the data that the truth does not list: {sorted(a - b)[:10]}"
    assert b - a == set(), f"listed violations that are not in the data: {sorted(b - a)[:10]}"
    per_rule = Counter(r for _, _, r in b)
    assert set(per_rule) == {f"R0{i}" for i in range(1, 10)}, f"every rule injected at least once: {per_rule}"
    assert truth.groupby(["company_code", "invoice_id"]).size().max() == 1, "at most one injected rule per invoice"


def test_a_receipt_is_an_invoices_only_where_the_data_links_them():
    """The truth's payment events follow what the landing zone can show: a HighRadius receipt once
    matched; a D365 receipt once settled against the invoice or named on its journal line. A D365
    receipt posted just before the end of the window and settled after it, naming no invoice, is
    an open payment on account (this shape reached the truth of a 10 M-invoice zone as two events
    no build could find)."""
    companies = (SimpleNamespace(collections_system="D365"), SimpleNamespace(collections_system="HIGHRADIUS"))
    # receipts: 0 D365 posted, settled; 1 D365 posted, settled after the end, naming no invoice;
    # 2 D365 not posted, its line naming invoice 7; 3 D365 posted, settled after the end, naming
    # invoice 8; 4 HighRadius matched; 5 HighRadius not matched
    payments = {"company": np.array([0, 0, 0, 0, 1, 1]),
                "posted_ts": np.array([10, 10, NEVER, 10, 10, NEVER]),
                "matched_ts": np.array([5, 5, NEVER, 5, 5, NEVER]),
                "marked_invoice": np.array([-1, -1, 7, 8, -1, -1])}
    allocations = {"pay": np.array([0, 1, 2, 3, 4, 5]), "inv": np.array([5, 6, 7, 8, 9, 10]),
                   "settle_ts": np.array([20, NEVER, NEVER, NEVER, 20, NEVER])}
    world = SimpleNamespace(companies=companies, payments=payments, allocations=allocations)
    assert allocation_linked(world).tolist() == [True, False, True, True, True, False]


def test_events_are_ordered_and_cases_start_with_creation(zone_default):
    ev = _truth(zone_default, "events")
    assert ev["case_id"].str.match(r"^[a-z0-9]+:").all()
    first = ev[ev["sequence"] == 1]["activity_code"].value_counts()
    assert set(first.index) <= {"INVOICE_CREATED", "CREDIT_LIMIT_REQUESTED"}
    ordered = ev.sort_values(["case_id", "sequence"])
    assert (ordered.groupby("case_id")["event_timestamp"].diff().dropna() >= pd.Timedelta(0)).all()
    terminal = ev[ev.activity_code.isin(["INVOICE_SETTLED", "INVOICE_WRITTEN_OFF"])]
    assert terminal.groupby("case_id").size().max() == 1, "one terminal event per case"
    last = ordered.groupby("case_id").tail(1)
    r06 = _truth(zone_default, "violations").query("rule_id == 'R06'").case_id  # letters after settlement
    closed = last[last.case_id.isin(terminal.case_id) & ~last.case_id.isin(r06)]
    assert closed.activity_code.isin(["INVOICE_SETTLED", "INVOICE_WRITTEN_OFF"]).all(), "nothing happens after closure"


def test_payment_behaviour_differs_by_segment():
    """Enough customers (1,600) that the segment mix shows: small businesses default and pay late more."""
    import numpy as np

    from c2c.simulate import SimConfig
    from c2c.simulate.model import NEVER, generate

    w = generate(SimConfig(invoices=40_000, seed=3, faults="none"))
    seg, inv = w.inv["segment"], w.inv
    written_off = inv["outcome_wo_ts"] < NEVER  # the outcome, not partial write-offs
    days_late = np.where(inv["settled_ts"] < NEVER, inv["settled_ts"] // 86_400 - inv["due_day"], np.nan)
    small, enterprise = seg == 2, seg == 0
    assert written_off[small].mean() > 2 * written_off[enterprise].mean()
    assert np.nanmedian(days_late[small]) > np.nanmedian(days_late[enterprise])
    assert set(np.unique(w.cust["behaviour"])) == {0, 1, 2, 3, 4}
