"""The collections marts against the simulator's ground truth (invoices.parquet: each invoice's
final state) and an independent business-day count (numpy) on the clean landing zone."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from .conftest import REPO

from c2c.db import connect_built


def _query(db: Path, sql: str) -> pd.DataFrame:
    with connect_built(db) as con:
        return con.execute(sql).df()


def _truth(zone: Path) -> pd.DataFrame:
    truth = pd.read_parquet(zone / "ground_truth" / "invoices.parquet")
    truth["invoice_date"] = pd.to_datetime(truth["invoice_date"])
    truth["due_date"] = pd.to_datetime(truth["due_date"])
    return truth.set_index("case_id")


def test_cycle_times_have_one_row_per_invoice_of_the_truth(built_clean, zone_clean):
    marts = _query(built_clean, "select case_id from fct_invoice_cycle_times")
    truth = _truth(zone_clean)
    assert len(marts) == len(truth)
    assert set(marts["case_id"]) == set(truth.index)


def test_outcomes_per_company_equal_the_truth(built_clean, zone_clean):
    got = _query(built_clean, "select company_code, outcome, count(*) as n from fct_write_off_precursors group by all")
    got = got.pivot(index="company_code", columns="outcome", values="n").fillna(0).astype(int)
    truth = _truth(zone_clean)
    # the precursor mart counts a credited invoice as settled (closed, not written off)
    truth["status"] = truth["status"].replace({"credited": "settled"})
    want = truth.groupby(["company_code", "status"]).size().unstack(fill_value=0)
    print("\nwrite-offs per company (marts / truth):",
          {c: (int(got.loc[c, "written off"]), int(want.loc[c, "written_off"])) for c in want.index})
    assert want["written_off"].sum() > 0
    for company in want.index:
        assert got.loc[company, "written off"] == want.loc[company, "written_off"], company
        assert got.loc[company, "settled"] == want.loc[company, "settled"], company
        assert got.loc[company, "open"] == want.loc[company, "open"], company


def test_days_to_pay_and_past_due_per_invoice_equal_the_truth(built_clean, zone_clean):
    marts = _query(built_clean, """
        select case_id, days_to_pay, days_past_due_at_settlement
        from fct_invoice_cycle_times""").set_index("case_id")
    truth = _truth(zone_clean)
    settled = truth[truth["status"] == "settled"]
    settled_day = settled["settled_at"].dt.normalize()
    want_days = (settled_day - settled["invoice_date"]).dt.days
    want_late = (settled_day - settled["due_date"]).dt.days
    got = marts.loc[settled.index]
    assert len(settled) > 1000
    assert (got["days_to_pay"].astype(int) == want_days).all()
    assert (got["days_past_due_at_settlement"].astype(int) == want_late).all()
    # not settled: no days to pay
    assert marts.loc[truth[truth["status"] != "settled"].index, "days_to_pay"].isna().all()


def test_business_days_to_pay_equal_an_independent_count(built_clean):
    holidays: dict[str, list[str]] = {}
    with open(REPO / "seeds" / "holiday_calendar.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            holidays.setdefault(row["company_code"], []).append(row["holiday_date"])
    marts = _query(built_clean, """
        select company_code, invoice_date, cast(settled_at as date) as settled_date, business_days_to_pay
        from fct_invoice_cycle_times where status = 'settled'""")
    assert len(marts) > 1000
    for company, rows in marts.groupby("company_code"):
        start = rows["invoice_date"].values.astype("datetime64[D]")
        end = rows["settled_date"].values.astype("datetime64[D]")
        # business days after the invoice date up to and including the settlement date
        want = np.busday_count(start + 1, end + 1, holidays=holidays[company])
        assert (rows["business_days_to_pay"].astype(int).values == want).all(), company


def test_open_invoices_and_sales_per_month_equal_the_truth(built_clean, zone_clean):
    truth = _truth(zone_clean)
    as_of = _query(built_clean, "select max(as_of_date) as d from cases")["d"][0]
    open_now = _query(built_clean, f"""
        select company_code, open_invoice_count from fct_ar_monthly
        where customer_segment = '*' and currency = '*' and snapshot_date = date '{as_of}'""")
    want_open = truth[truth["status"] == "open"].groupby("company_code").size()
    assert dict(zip(open_now["company_code"], open_now["open_invoice_count"])) == want_open.to_dict()

    sales = _query(built_clean, """
        select company_code, currency, month_start_date, sales_amount from fct_ar_monthly
        where customer_segment = '*' and currency <> '*' and sales_amount > 0""")
    truth["month"] = truth["invoice_date"].dt.to_period("M").dt.to_timestamp()
    want_sales = truth.groupby(["company_code", "currency", "month"])["invoice_amount"].sum().round(2)
    got_sales = sales.set_index(["company_code", "currency", pd.to_datetime(sales["month_start_date"])])
    got_sales = got_sales["sales_amount"].astype(float).round(2)
    got_sales.index.names = want_sales.index.names
    pd.testing.assert_series_equal(got_sales.sort_index(), want_sales.sort_index(), check_names=False)


def test_dunning_effectiveness_counts_every_letter(built_clean):
    got = _query(built_clean, """
        select
            (select sum(letters_sent) from fct_dunning_effectiveness) as letters,
            (select count(*) from event_log where dunning_level is not null) as events""")
    assert got["letters"][0] == got["events"][0] > 0


def test_write_off_lift_counts_add_up(built_clean):
    lift = _query(built_clean, "select * from fct_write_off_precursor_lift")
    closed = _query(built_clean, """
        select count(*) as n, sum(case when is_written_off then 1 else 0 end) as w
        from fct_write_off_precursors where outcome <> 'open'""")
    at_horizon = _query(built_clean, """
        select count(*) as n, sum(case when is_written_off then 1 else 0 end) as w
        from fct_write_off_precursors where outcome <> 'open' and is_open_at_horizon""")
    inv = lift[lift["observed_at"] == "invoicing"]
    hor = lift[lift["observed_at"] == "horizon"]
    assert len(inv) and len(hor) and len(inv) + len(hor) == len(lift)
    assert ((inv["invoices_with"] + inv["invoices_without"]) == closed["n"][0]).all()
    assert ((inv["written_off_with"] + inv["written_off_without"]) == closed["w"][0]).all()
    assert ((hor["invoices_with"] + hor["invoices_without"]) == at_horizon["n"][0]).all()
    assert ((hor["written_off_with"] + hor["written_off_without"]) == at_horizon["w"][0]).all()
    segments = lift[lift["precursor"] == "customer_segment"]
    assert segments["invoices_with"].sum() == closed["n"][0]


def test_each_credit_limit_request_has_its_own_decision(built_20k, zone_20k):
    """fct_credit_limit_decisions against credit_decisions.parquet: every request with its own
    decision and decision time, also where a case has several requests, one of them pending, or
    a D365 workflow decided in two levels."""
    from c2c.bench.truth_checks import Truth, credit_decisions

    truth = Truth(zone_20k)
    several = truth.credit_decisions.groupby("case_id").size()
    assert (several > 1).sum() > 0, "the 20,000-invoice simulation has cases with several credit-limit requests"
    assert set(truth.credit_decisions["decision"]) == {"approved", "rejected", "pending"}
    with connect_built(built_20k) as con:
        problem = credit_decisions(con, truth)
    assert problem is None, problem
