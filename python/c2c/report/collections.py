"""Collections: write-off precursors, promises to pay, disputes, cash application lag and
collector activity, each from its mart (fct_write_off_precursor_lift, fct_promises_to_pay,
fct_disputes, fct_cash_application, fct_collector_activity).

The precursor lift's 95 % interval is computed here from the mart's counts: the lift is a ratio
of two write-off rates (a relative risk), and its interval is exp(ln(lift) +- 1.96 * se) with
se = sqrt(1/a - 1/n1 + 1/c - 1/n0) (Katz's log method; a, c written off with and without the
precursor out of n1, n0 invoices). It is left empty where a count is zero."""

from __future__ import annotations

import math

from ._sql import absent_note, missing, rows

Z95 = 1.959963984540054


def lift_interval(written_off_with: int, invoices_with: int, written_off_without: int,
                  invoices_without: int) -> tuple[float, float] | None:
    """The 95 % interval of the ratio of write-off rates with / without a precursor, or None."""
    a, n1, c, n0 = written_off_with, invoices_with, written_off_without, invoices_without
    if min(a, n1, c, n0) <= 0:
        return None
    lift = (a / n1) / (c / n0)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
    return (round(lift * math.exp(-Z95 * se), 6), round(lift * math.exp(Z95 * se), 6))


def precursors(con) -> dict:
    absent = missing(con, "fct_write_off_precursor_lift")
    if absent:
        return {"notes": [absent_note(absent)]}
    items = rows(con, """
        select precursor, precursor_value, observed_at, invoices_with, written_off_with, write_off_rate_with,
               invoices_without, written_off_without, write_off_rate_without, lift, is_small_group
        from fct_write_off_precursor_lift
        order by observed_at, precursor, precursor_value""")
    for item in items:
        interval = lift_interval(item["written_off_with"], item["invoices_with"], item["written_off_without"],
                                 item["invoices_without"])
        item["lift_low"], item["lift_high"] = interval if interval else (None, None)
    return {"notes": [], "rows": items}


def promises(con) -> dict:
    absent = missing(con, "fct_promises_to_pay")
    if absent:
        return {"notes": [absent_note(absent)]}
    return {
        "notes": [],
        "by_outcome": rows(con, """
            select coalesce(outcome, 'open') as outcome, count(*) as promises,
                   coalesce(sum(promised_amount), 0) as promised_amount,
                   median(days_to_outcome) as median_days_to_outcome
            from fct_promises_to_pay group by coalesce(outcome, 'open') order by outcome"""),
        "by_segment": rows(con, """
            select company_code, coalesce(customer_segment, '') as segment, count(*) as promises,
                   sum(case when is_kept then 1 else 0 end) as kept,
                   sum(case when outcome is not null then 1 else 0 end) as with_outcome
            from fct_promises_to_pay group by company_code, coalesce(customer_segment, '')
            order by company_code, segment"""),
    }


def disputes(con) -> dict:
    absent = missing(con, "fct_disputes")
    if absent:
        return {"notes": [absent_note(absent)]}
    return {
        "notes": [],
        "by_reason": rows(con, """
            select coalesce(reason_code, '') as reason_code, count(*) as disputes,
                   sum(case when is_resolved then 1 else 0 end) as resolved,
                   median(case when is_resolved then dispute_days end) as median_days_resolved,
                   quantile_cont(case when is_resolved then dispute_days end, 0.9) as p90_days_resolved,
                   coalesce(sum(disputed_amount), 0) as disputed_amount
            from fct_disputes group by coalesce(reason_code, '') order by reason_code"""),
        "by_company": rows(con, """
            select company_code, count(*) as disputes, sum(case when is_resolved then 1 else 0 end) as resolved,
                   sum(case when is_resolved then 0 else 1 end) as open_disputes,
                   median(case when is_resolved then 0 else days_open_as_of end) as median_days_open
            from fct_disputes group by company_code order by company_code"""),
    }


LAG_BUCKETS = ((0, 0, "0"), (1, 1, "1"), (2, 2, "2"), (3, 5, "3-5"), (6, 10, "6-10"), (11, None, ">10"))


def cash_application(con) -> dict:
    absent = missing(con, "fct_cash_application")
    if absent:
        return {"notes": [absent_note(absent)]}
    bucket = " ".join(f"when application_lag_days between {lo} and {hi} then '{name}'" if hi is not None
                      else f"when application_lag_days >= {lo} then '{name}'" for lo, hi, name in LAG_BUCKETS)
    histogram = {row["bucket"]: row["receipts"] for row in rows(con, f"""
        select case {bucket} end as bucket, count(*) as receipts
        from fct_cash_application where is_posted group by 1""")}
    return {
        "notes": [],
        "by_system": rows(con, """
            select company_code, source_system, count(*) as receipts,
                   sum(case when is_posted then 1 else 0 end) as posted,
                   median(application_lag_hours) as median_lag_hours,
                   quantile_cont(application_lag_hours, 0.9) as p90_lag_hours,
                   median(application_lag_business_days) as median_lag_business_days
            from fct_cash_application group by company_code, source_system order by company_code, source_system"""),
        "histogram": [[name, histogram.get(name, 0)] for _, _, name in LAG_BUCKETS],
    }


def collectors(con) -> dict:
    absent = missing(con, "fct_collector_activity")
    if absent:
        return {"notes": [absent_note(absent)]}
    return {
        "notes": [],
        "by_collector": rows(con, """
            select collector_id, company_code, sum(calls_made) as calls, sum(reminders_sent) as reminders,
                   sum(letters_sent) as letters, sum(promises_obtained) as promises,
                   sum(promises_kept) as promises_kept, sum(promises_broken) as promises_broken,
                   sum(disputes_opened) as disputes_opened, sum(disputes_resolved) as disputes_resolved,
                   sum(invoices_settled) as invoices_settled, sum(invoices_written_off) as invoices_written_off,
                   sum(settled_invoice_amount_accounting) as settled_amount_accounting,
                   sum(average_days_to_pay * invoices_settled) / nullif(sum(case when average_days_to_pay is not null
                       then invoices_settled end), 0) as average_days_to_pay
            from fct_collector_activity group by collector_id, company_code order by company_code, collector_id"""),
        "by_month": rows(con, """
            select activity_month_start_date as month, sum(calls_made) as calls, sum(reminders_sent) as reminders,
                   sum(letters_sent) as letters, sum(promises_obtained) as promises
            from fct_collector_activity group by activity_month_start_date order by month"""),
    }
