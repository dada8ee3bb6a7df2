"""Overview: invoices, open AR, the DSO / countback DSO / best-possible DSO / CEI trend by month
and the ageing buckets at the as-of date, by company and customer segment.

Figures come from fct_ar_monthly (rows with currency `*`: every currency of the company or
segment, amounts in the reporting currency; ratios as the mart computes them, never averaged)
and from cases (invoice counts by status)."""

from __future__ import annotations

from ._sql import absent_note, missing, rows, scalar

KPI_COLUMNS = """
    dso_days as dso, countback_dso_days as countback_dso, best_possible_dso_days as best_possible_dso,
    average_days_delinquent as add_days, collection_effectiveness_index as cei,
    cash_collection_effectiveness_index as cash_cei"""
AMOUNT_COLUMNS = """
    invoice_count, open_invoice_count, reporting_currency,
    open_ar_amount_reporting as open_ar, current_amount_reporting as current,
    past_due_1_30_amount_reporting as past_due_1_30, past_due_31_60_amount_reporting as past_due_31_60,
    past_due_61_90_amount_reporting as past_due_61_90, past_due_over_90_amount_reporting as past_due_over_90"""


def build(con) -> dict:
    out: dict = {"notes": []}
    if not missing(con, "cases"):
        out["invoices"] = scalar(con, "select count(*) from cases")
        out["by_status"] = rows(con, "select status, count(*) as invoices from cases group by status order by status")
    else:
        out["invoices"] = scalar(con, "select count(distinct case_id) from event_log")
        out["by_status"] = []
        out["notes"].append("this build has no cases table: the invoice count is the number of cases of event_log")
    absent = missing(con, "fct_ar_monthly")
    if absent:
        out["notes"].append(absent_note(absent))
        return out
    as_of_month = scalar(con, "select max(month_start_date) from fct_ar_monthly")
    out["as_of_month"] = as_of_month
    out["as_of_snapshot"] = scalar(con, "select max(snapshot_date) from fct_ar_monthly where month_start_date = ?",
                                   [as_of_month])
    # company level (segment and currency `*`) and segment level (currency `*`) at the as-of month
    out["companies"] = rows(con, f"""
        select company_code, {AMOUNT_COLUMNS}, {KPI_COLUMNS}
        from fct_ar_monthly
        where customer_segment = '*' and currency = '*' and month_start_date = ?
        order by company_code""", [as_of_month])
    out["segments"] = rows(con, f"""
        select company_code, customer_segment, {AMOUNT_COLUMNS}, {KPI_COLUMNS}
        from fct_ar_monthly
        where customer_segment <> '*' and currency = '*' and month_start_date = ?
        order by company_code, customer_segment""", [as_of_month])
    currencies = sorted({row["reporting_currency"] for row in out["companies"]})
    out["reporting_currency"] = currencies[0] if len(currencies) == 1 else "/".join(currencies)
    out["open_ar"] = scalar(con, """
        select coalesce(sum(open_ar_amount_reporting), 0) from fct_ar_monthly
        where customer_segment = '*' and currency = '*' and month_start_date = ?""", [as_of_month])
    out["open_invoices"] = scalar(con, """
        select coalesce(sum(open_invoice_count), 0) from fct_ar_monthly
        where customer_segment = '*' and currency = '*' and month_start_date = ?""", [as_of_month])
    # the monthly trend, per company and segment (`*` = all segments); compact columns
    trend = rows(con, f"""
        select company_code, customer_segment, month_start_date, {KPI_COLUMNS}, open_ar_amount_reporting as open_ar
        from fct_ar_monthly
        where currency = '*'
        order by company_code, customer_segment, month_start_date""")
    out["trend_columns"] = ["month", "dso", "countback_dso", "best_possible_dso", "cei", "open_ar"]
    series: dict[str, list] = {}
    for row in trend:
        key = f"{row['company_code']}|{row['customer_segment']}"
        series.setdefault(key, []).append([row["month_start_date"][:7], row["dso"], row["countback_dso"],
                                           row["best_possible_dso"], row["cei"], row["open_ar"]])
    out["trend"] = series
    return out
