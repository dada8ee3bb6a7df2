"""Fast checks of a built database against the simulator's ground truth (``<zone>/ground_truth``).

The same comparisons as the pytest ground-truth tests (test_event_log, test_outcomes,
test_conformance, test_promises, test_collections_marts), in one function each that returns
what differs (None when nothing does), so that the mutation harness can run them on the small
CI landing zone in a second or two. They need a landing zone whose injected faults change no
real invoice (the default faults): every invoice must then equal its truth.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from c2c.db import connect_built

MODEL_STATUS = {"settled": "settled", "credited": "credited", "written off": "written_off"}
RULES = [f"R0{i}" for i in range(1, 10)]


class Truth:
    """The ground truth of a landing zone, read once."""

    def __init__(self, zone: Path):
        folder = zone / "ground_truth"
        self.events = pd.read_parquet(folder / "events.parquet")
        self.invoices = pd.read_parquet(folder / "invoices.parquet").set_index("case_id")
        self.promises = pd.read_parquet(folder / "promises.parquet")
        self.violations = pd.read_parquet(folder / "violations.parquet")
        self.as_of_date = json.loads((folder / "manifest.json").read_text())["as_of_date"]
        for column in ("invoice_date", "due_date", "settled_at"):
            self.invoices[column] = pd.to_datetime(self.invoices[column])


def _sequences(df: pd.DataFrame, order: list[str]) -> dict[str, list]:
    df = df.sort_values(order)
    out: dict[str, list] = {}
    for case, code, ts in zip(df["case_id"], df["activity_code"], pd.to_datetime(df["event_timestamp"]).dt.floor("s")):
        out.setdefault(case, []).append((code, ts))
    return out


def _int(value) -> int | None:
    return None if pd.isna(value) else int(value)


def _diff(label: str, got: dict, want: dict) -> str | None:
    keys = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    if not keys:
        return None
    k = keys[0]
    return f"{label}: {len(keys)} differ, e.g. {k}: built {got.get(k)!r}, truth {want.get(k)!r}"


def event_log(con, truth: Truth) -> str | None:
    """Every case's activities and times (to the second) in the event log's order."""
    log = con.execute("select case_id, activity_code, event_timestamp, activity_order, event_id "
                      "from event_log").df()
    got = _sequences(log, ["case_id", "event_timestamp", "activity_order", "event_id"])
    return _diff("event_log", got, _sequences(truth.events, ["case_id", "sequence"]))


def cases(con, truth: Truth) -> str | None:
    """Each case's outcome, amount, due date and written-off amount; the as-of date."""
    df = con.execute("select case_id, status, invoice_amount, due_date, written_off_amount, written_off_at, "
                     "days_past_due, cast(as_of_date as varchar) as as_of_date from cases").df()
    df = df.set_index("case_id")
    inv = truth.invoices
    got = {c: (MODEL_STATUS.get(s, "open"), round(float(a), 2), pd.Timestamp(d), round(float(w or 0), 2),
               pd.isna(wa), pd.isna(p) or s == "open")
           for c, s, a, d, w, wa, p in zip(df.index, df.status, df.invoice_amount, df.due_date,
                                          df.written_off_amount, df.written_off_at, df.days_past_due)}
    want = {c: (s, round(float(a), 2), pd.Timestamp(d), round(float(w), 2), pd.isna(wa), True)
            for c, s, a, d, w, wa in zip(inv.index, inv.status, inv.invoice_amount, inv.due_date,
                                         inv.written_off_amount, inv.written_off_at)}
    problem = _diff("cases (status, amount, due date, written off, its date, days past due only when open)",
                    got, want)
    as_of = set(df.as_of_date.str[:10])
    return problem or (None if as_of == {truth.as_of_date} else f"cases: as_of_date {as_of}, truth {truth.as_of_date}")


def conformance(con, truth: Truth) -> str | None:
    """The violations of fct_dunning_conformance are exactly the injected ones, one row per rule."""
    mart = con.execute("select case_id, rule_id, status from fct_dunning_conformance").df()
    rows = mart.groupby("case_id").rule_id.apply(sorted)
    if set(rows.index) != set(truth.invoices.index) or not rows.apply(lambda r: r == RULES).all():
        return "fct_dunning_conformance: not one row per invoice and rule"
    violations = mart[mart.status == "violation"]
    got = {(c, r): True for c, r in zip(violations.case_id, violations.rule_id)}
    want = {(c, r): True for c, r in zip(truth.violations.case_id, truth.violations.rule_id)}
    return _diff("fct_dunning_conformance violations", got, want)


def promises(con, truth: Truth) -> str | None:
    """Each promise to pay's fate, start and end."""
    mart = con.execute("select case_id, source_record_id, outcome, promised_at, outcome_at "
                       "from fct_promises_to_pay").df()

    def second(ts):
        return None if pd.isna(ts) else pd.Timestamp(ts).floor("s")

    got = {(c, str(s)): (o, second(p), second(e)) for c, s, o, p, e in
           zip(mart.case_id, mart.source_record_id, mart.outcome, mart.promised_at, mart.outcome_at)}
    t = truth.promises
    want = {(c, str(s)): (f, second(m), second(e)) for c, s, f, m, e in
            zip(t.case_id, t.promise_source_id, t.fate, t.made_at, t.ended_at)}
    return _diff("fct_promises_to_pay", got, want)


def cycle_times(con, truth: Truth) -> str | None:
    """Days to pay and days past due at settlement of each settled invoice; none for the others."""
    mart = con.execute("select case_id, days_to_pay, days_past_due_at_settlement "
                       "from fct_invoice_cycle_times").df().set_index("case_id")
    inv = truth.invoices
    settled = inv.status == "settled"
    day = inv.settled_at.dt.normalize()
    want = {c: ((d - i).days, (d - due).days) if s else (None, None)
            for c, s, d, i, due in zip(inv.index, settled, day, inv.invoice_date, inv.due_date)}
    settled_cases = set(inv.index[settled])
    got = {c: (_int(p), _int(late) if c in settled_cases else None)
           for c, p, late in zip(mart.index, mart.days_to_pay, mart.days_past_due_at_settlement)}
    return _diff("fct_invoice_cycle_times (days to pay, days past due at settlement)", got, want)


def ar_monthly(con, truth: Truth) -> str | None:
    """Open invoices per company on the as-of date, and sales per company, currency and month."""
    inv = truth.invoices
    open_now = con.execute(
        "select company_code, open_invoice_count from fct_ar_monthly where customer_segment = '*' "
        f"and currency = '*' and snapshot_date = date '{truth.as_of_date}'").df()
    problem = _diff("fct_ar_monthly open invoices on the as-of date",
                    dict(zip(open_now.company_code, open_now.open_invoice_count.astype(int))),
                    inv[inv.status == "open"].groupby("company_code").size().to_dict())
    sales = con.execute(
        "select company_code, currency, month_start_date, sales_amount from fct_ar_monthly "
        "where customer_segment = '*' and currency <> '*' and sales_amount > 0").df()
    got = {(c, cur, pd.Timestamp(m)): round(float(a), 2)
           for c, cur, m, a in zip(sales.company_code, sales.currency, sales.month_start_date, sales.sales_amount)}
    month = inv.invoice_date.dt.to_period("M").dt.to_timestamp()
    want = {k: round(float(v), 2) for k, v in
            inv.assign(month=month).groupby(["company_code", "currency", "month"]).invoice_amount.sum().items()}
    return problem or _diff("fct_ar_monthly sales per company, currency and month", got, want)


def precursor_outcomes(con, truth: Truth) -> str | None:
    """Each invoice's outcome in fct_write_off_precursors (a credited invoice counts as settled)."""
    mart = con.execute("select case_id, outcome, is_written_off from fct_write_off_precursors").df()
    got = {c: (o, bool(w)) for c, o, w in zip(mart.case_id, mart.outcome, mart.is_written_off)}
    names = {"written_off": "written off", "credited": "settled", "settled": "settled", "open": "open"}
    want = {c: (names[s], s == "written_off") for c, s in zip(truth.invoices.index, truth.invoices.status)}
    return _diff("fct_write_off_precursors outcome", got, want)


CHECKS: dict[str, Callable] = {
    "event_log": event_log,
    "cases": cases,
    "conformance": conformance,
    "promises": promises,
    "cycle_times": cycle_times,
    "ar_monthly": ar_monthly,
    "precursor_outcomes": precursor_outcomes,
}


def run_checks(db: Path, truth: Truth, names: list[str] | None = None) -> dict[str, str]:
    """The checks that fail on the database at db, each with what differs."""
    failed = {}
    with connect_built(db) as con:
        for name in names or list(CHECKS):
            try:
                problem = CHECKS[name](con, truth)
            except Exception as exc:  # a missing table or column is a difference too
                problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
            if problem:
                failed[name] = problem
    return failed
